import { randomBytes } from 'node:crypto'
import type { Clock } from '@gitops-sdk/core/light'
import { SopsError } from './errors.js'
import { wrapKeyGroups } from './internal/dataKey.js'
import type { Metadata } from './internal/metadata.js'
import { compileRules, RULE_FIELDS } from './internal/rules.js'
import { lastModified, sealBranches, SOPS_VERSION, encryptedStoreFor, toBytes } from './internal/sopsFile.js'
import { binaryDocument } from './internal/stores/binary.js'
import type { EncryptionRules, KeyGroup, KeyProvider, SopsFormat } from './types.js'

/** Options of {@link encrypt}. */
export interface EncryptOptions {
  /** The store the plaintext is in (and the encrypted file is written in). */
  readonly format: SopsFormat
  /** age recipients of a single key group: `age1…`, `age1pq1…`, `ssh-ed25519 …`, `ssh-rsa …`. */
  readonly recipients?: readonly string[] | undefined
  /** Several key groups instead of `recipients`; the data key is split with Shamir's scheme. */
  readonly keyGroups?: readonly KeyGroup[] | undefined
  /** Key groups needed to decrypt. @defaultValue every group */
  readonly shamirThreshold?: number | undefined
  /** Which values to encrypt (ignored by the binary store, which encrypts its one value). @defaultValue `{ unencryptedSuffix: '_unencrypted' }` */
  readonly rules?: EncryptionRules | undefined
  /** Providers that wrap the data key for the non-age recipients of `keyGroups`. */
  readonly keyProviders?: readonly KeyProvider[] | undefined
  /** Where `lastmodified` comes from. @defaultValue the system clock */
  readonly clock?: Pick<Clock, 'now'> | undefined
  /** Where the input came from, named in errors. @defaultValue `'<input>'` */
  readonly source?: string | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** The key groups an encrypt or update-keys call names, checked. */
export function groupsOf(options: Pick<EncryptOptions, 'recipients' | 'keyGroups' | 'shamirThreshold'>, subject: string): readonly KeyGroup[] {
  if (options.recipients !== undefined && options.keyGroups !== undefined) throw new TypeError(`${subject}: give recipients or keyGroups, not both`)
  const groups = options.keyGroups ?? [{ age: options.recipients ?? [] }]
  const empty = groups.some((g) => (g.age ?? []).length === 0 && Object.values(g.other ?? {}).every((r) => r.length === 0))
  if (groups.length === 0 || empty) throw new TypeError(`${subject}: every key group needs at least one recipient`)
  const t = options.shamirThreshold
  if (t !== undefined && (groups.length < 2 || !Number.isInteger(t) || t < 2 || t > groups.length)) {
    throw new TypeError(`${subject}: shamirThreshold must be between 2 and the number of key groups (${groups.length})`)
  }
  return groups
}

/**
 * Encrypts a plaintext file with sops for age recipients (and, through key providers, other key
 * types), producing a file that `sops decrypt` accepts: a fresh data key, every selected value
 * encrypted with its path as AAD, the MAC, and the metadata with sorted keys.
 *
 * @throws `SOPS_INPUT_INVALID` (plaintext that does not parse; a YAML integer beyond int64 that
 * sops could not hash or encrypt), `SOPS_ALREADY_ENCRYPTED`,
 * `SOPS_RECIPIENT_INVALID`, `SOPS_METADATA_INVALID` (two rules, a bad expression),
 * `SOPS_KEY_PROVIDER_MISSING`.
 * @example
 * ```ts
 * const text = await encrypt(await readFile('secret.yaml'), {
 *   format: 'yaml',
 *   recipients: ['age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw'],
 *   rules: { encryptedRegex: '^(data|stringData)$' },
 * })
 * ```
 */
export async function encrypt(plaintext: string | Uint8Array, options: EncryptOptions): Promise<string> {
  const source = options.source ?? '<input>'
  const store = encryptedStoreFor(options.format, source)
  const groups = groupsOf(options, 'encrypt')
  const rules = options.format === 'binary' ? {} : (options.rules ?? {})
  compileRules(rules, source)
  options.signal?.throwIfAborted()
  const bytes = toBytes(plaintext)
  const branches = options.format === 'binary' ? [binaryDocument(bytes)] : store.parse(bytes, source)
  if (store.hasMetadata(branches)) {
    throw new SopsError({ code: 'SOPS_ALREADY_ENCRYPTED', message: `${source}: the file already has sops metadata`, details: { source } })
  }
  const dataKey = randomBytes(32)
  const keyGroups = await wrapKeyGroups(dataKey, groups, { threshold: options.shamirThreshold, keyProviders: options.keyProviders, signal: options.signal })
  const selector = RULE_FIELDS.some(([field]) => rules[field] !== undefined && rules[field] !== '')
  const metadata: Metadata = {
    keyGroups,
    inKeyGroups: groups.length > 1,
    shamirThreshold: groups.length > 1 ? (options.shamirThreshold ?? groups.length) : undefined,
    lastModified: lastModified((options.clock ?? { now: () => new Date() }).now()),
    mac: '',
    rules: selector ? rules : { ...rules, unencryptedSuffix: '_unencrypted' },
    version: SOPS_VERSION,
  }
  const sealed = sealBranches(branches, metadata, { dataKey, store, source })
  return new TextDecoder().decode(store.emit(sealed))
}
