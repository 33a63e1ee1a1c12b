// Recovering and wrapping the data key (FORMAT.md §2, §8, §10): each `age` entry is an armored age
// file holding the key (or a Shamir share), opened with every identity; other key types go
// through their KeyProvider; with several key groups the shares are combined.
import { SopsError } from '../errors.js'
import type { AgeIdentity, KeyGroup, KeyOptions, KeyProvider, MasterKeyEntry } from '../types.js'
import { decodeArmor, encodeArmor, openAgeFile, sealAgeFile } from './ageFile.js'
import type { FileKeyUnwrapper } from './ageFile.js'
import { secretOf, x25519Recipient } from './ageIdentity.js'
import type { KeyGroupData, Metadata } from './metadata.js'
import { describeKeyText, isRecipientForm, recipientForMessage } from './redact.js'
import { combineShares, splitSecret } from './shamir.js'
import { parseSshRecipient } from './ssh.js'

/** Opens one armored age file (an `enc` value); throws when it cannot. */
type AgeOpener = (armored: string) => Promise<Uint8Array>

/**
 * How the `enc` files of a run are opened: on node:crypto (ageFile.ts) when every identity's
 * unwrapping is ours (X25519, SSH), else with age-encryption's Decrypter, loaded only then (the
 * post-quantum hybrid keys are its own). Every identity is checked first: one not made by
 * parseIdentities is a TypeError, with or without entries to open.
 */
async function ageOpener(identities: readonly AgeIdentity[]): Promise<AgeOpener> {
  const secrets = identities.map(secretOf)
  const own = secrets.filter((s): s is Exclude<typeof s, string> => typeof s !== 'string')
  if (own.length === secrets.length) {
    const unwrappers: readonly FileKeyUnwrapper[] = own
    return (armored) => openAgeFile(decodeArmor(armored), unwrappers)
  }
  const { armor, Decrypter } = await import('age-encryption')
  const decrypter = new Decrypter()
  for (const secret of secrets) decrypter.addIdentity(secret)
  return (armored) => decrypter.decrypt(armor.decode(armored))
}

async function openAge(entries: readonly MasterKeyEntry[], identities: readonly AgeIdentity[], open: AgeOpener): Promise<Uint8Array | undefined> {
  if (identities.length === 0) return undefined
  // Entries whose recipient is one of ours first: the result is the same, the work much less.
  const ours = new Set(identities.map((i) => i.recipient))
  const ordered = [...entries].sort((a, b) => Number(ours.has(b.recipient ?? '')) - Number(ours.has(a.recipient ?? '')))
  for (const entry of ordered) {
    const enc = entry.enc
    if (enc === undefined || enc === '') continue
    try {
      return await open(enc)
    } catch {
      continue
    }
  }
  return undefined
}

async function openGroup(group: KeyGroupData, options: KeyOptions & { signal?: AbortSignal | undefined }, open: AgeOpener): Promise<Uint8Array | undefined> {
  for (const [type, entries] of group) {
    options.signal?.throwIfAborted()
    if (type === 'age') {
      const key = await openAge(entries, options.identities ?? [], open)
      if (key !== undefined) return key
      continue
    }
    for (const provider of options.keyProviders ?? []) {
      if (provider.type !== type) continue
      for (const entry of entries) {
        const key = await provider.unwrap(entry, { signal: options.signal })
        if (key !== undefined) return key
      }
    }
  }
  return undefined
}

/**
 * Recovers the data key of a file.
 *
 * @throws `SOPS_NO_MATCHING_KEY`, `SOPS_SHAMIR_THRESHOLD_NOT_MET`.
 */
export async function recoverDataKey(
  metadata: Metadata,
  options: KeyOptions & { readonly signal?: AbortSignal | undefined },
  source: string,
): Promise<Uint8Array> {
  const key = await recoverKeyBytes(metadata, options, source)
  // The key goes on to KeyProviders (updateKeys): in memory of its own, whatever opened it (a
  // provider, age-encryption) returned, so `.buffer` reaches nothing else.
  return key.byteOffset === 0 && key.buffer.byteLength === key.length ? key : new Uint8Array(key)
}

async function recoverKeyBytes(
  metadata: Metadata,
  options: KeyOptions & { readonly signal?: AbortSignal | undefined },
  source: string,
): Promise<Uint8Array> {
  const open = await ageOpener(options.identities ?? [])
  const groups = metadata.keyGroups
  // As the file names them; a string no recipient looks like (a key pasted by hand) only by kind.
  const recipients = groups.flatMap((g) => (g.get('age') ?? []).map((e) => e.recipient ?? '')).filter((r) => r !== '').map(recipientForMessage)
  const details = { source, recipients }
  if (groups.length <= 1) {
    const [group] = groups
    const key = group === undefined ? undefined : await openGroup(group, options, open)
    if (key === undefined) {
      throw new SopsError({
        code: 'SOPS_NO_MATCHING_KEY',
        message: `${source}: no identity opens the data key (${recipients.length} age recipient${recipients.length === 1 ? '' : 's'} in the file)`,
        details,
      })
    }
    return key
  }
  const threshold = metadata.shamirThreshold ?? groups.length
  const shares: Uint8Array[] = []
  for (const group of groups) {
    const share = await openGroup(group, options, open)
    if (share !== undefined) shares.push(share)
    if (shares.length >= threshold) break
  }
  if (shares.length === 0) {
    throw new SopsError({ code: 'SOPS_NO_MATCHING_KEY', message: `${source}: no identity opens any of the ${groups.length} key groups`, details })
  }
  if (shares.length < threshold) {
    throw new SopsError({
      code: 'SOPS_SHAMIR_THRESHOLD_NOT_MET',
      message: `${source}: ${shares.length} of ${groups.length} key groups opened, ${threshold} needed`,
      details: { ...details, opened: shares.length, threshold },
    })
  }
  const key = combineShares(shares)
  if (key === undefined) {
    throw new SopsError({ code: 'SOPS_METADATA_INVALID', message: `${source}: the key group shares do not combine`, details })
  }
  return key
}

/**
 * Wraps key bytes for one age recipient, as sops writes `enc`: an armored age file per recipient.
 * X25519 and SSH recipients are written on node:crypto (ageFile.ts); any other (post-quantum
 * hybrid, or not a recipient at all) by age-encryption, loaded then, which also judges it.
 */
export async function wrapForAge(key: Uint8Array, recipient: string): Promise<MasterKeyEntry> {
  const trimmed = recipient.trim()
  // Every age recipient is `age1…` (X25519, hybrid, tagged) or `ssh-…`: anything else is refused
  // here, named by kind and length (it may be a secret key given by mistake), without a cause.
  if (!isRecipientForm(trimmed)) {
    const named = describeKeyText(trimmed)
    throw new SopsError({
      code: 'SOPS_RECIPIENT_INVALID',
      message: `${named}: not an age recipient (age1… or ssh-…)`,
      details: { recipient: named },
    })
  }
  const invalid = (cause: unknown): SopsError =>
    new SopsError({
      code: 'SOPS_RECIPIENT_INVALID',
      message: `${trimmed.slice(0, 80)}: not a usable age recipient (${(cause as Error).message})`,
      details: { recipient: trimmed },
      cause,
    })
  try {
    const native = trimmed.startsWith('ssh-') ? parseSshRecipient(trimmed) : x25519Recipient(trimmed)
    if (native !== undefined) return { enc: encodeArmor(sealAgeFile(key, [native])), recipient: trimmed }
  } catch (cause) {
    throw invalid(cause)
  }
  // Not X25519 nor SSH (those returned above or threw): a hybrid recipient, or none at all.
  const { armor, Encrypter } = await import('age-encryption')
  let file: Uint8Array
  try {
    const encrypter = new Encrypter()
    encrypter.addRecipient(trimmed)
    file = await encrypter.encrypt(key)
  } catch (cause) {
    throw invalid(cause)
  }
  return { enc: armor.encode(file), recipient: trimmed }
}

/** Wraps the data key for every key group (splitting it with Shamir when there are several). */
export async function wrapKeyGroups(
  dataKey: Uint8Array,
  groups: readonly KeyGroup[],
  options: { readonly threshold?: number | undefined; readonly keyProviders?: readonly KeyProvider[] | undefined; readonly signal?: AbortSignal | undefined },
): Promise<KeyGroupData[]> {
  const threshold = options.threshold ?? groups.length
  const parts = groups.length > 1 ? splitSecret(dataKey, groups.length, threshold) : [dataKey]
  const out: KeyGroupData[] = []
  for (const [i, group] of groups.entries()) {
    const part = parts[i] ?? dataKey
    const data = new Map<string, MasterKeyEntry[]>()
    const age: MasterKeyEntry[] = []
    for (const r of group.age ?? []) {
      options.signal?.throwIfAborted()
      age.push(await wrapForAge(part, r))
    }
    if (age.length > 0) data.set('age', age)
    for (const [type, recipients] of Object.entries(group.other ?? {})) {
      const provider = options.keyProviders?.find((p) => p.type === type && p.wrap !== undefined)
      if (provider?.wrap === undefined) {
        throw new SopsError({
          code: 'SOPS_KEY_PROVIDER_MISSING',
          message: `key group ${i + 1}: no key provider can wrap ${type} keys`,
          details: { type },
        })
      }
      const entries: MasterKeyEntry[] = []
      for (const r of recipients) entries.push(await provider.wrap(part, r, { signal: options.signal }))
      if (entries.length > 0) data.set(type, entries)
    }
    out.push(data)
  }
  return out
}
