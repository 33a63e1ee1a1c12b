// OpenPGP signatures (`git commit -S` with gpg) checked on openpgp.js, loaded only when a fetch
// asks for verification. Keys are armored public key blocks, as Flux reads them from a Secret.
import type { Key } from 'openpgp'
import type * as OpenPgpModule from 'openpgp'

type OpenPgp = typeof OpenPgpModule

let loaded: Promise<OpenPgp> | undefined
const load = (): Promise<OpenPgp> => (loaded ??= import('openpgp'))

/** An armored key block that does not parse, or a signature armor that does not. */
export class OpenPgpFormatError extends Error {
  override readonly name = 'OpenPgpFormatError'
}

/** The public keys of an armored block (a keyring may hold several). */
export async function readOpenPgpKeys(armored: string): Promise<Key[]> {
  const openpgp = await load()
  try {
    return await openpgp.readKeys({ armoredKeys: armored })
  } catch (err) {
    throw new OpenPgpFormatError((err as Error).message)
  }
}

/** The primary key's fingerprint, upper-case hex as gpg prints it. */
export function openPgpFingerprint(key: Key): string {
  return key.getFingerprint().toUpperCase()
}

/** What checking one signature against the keys found. */
export type OpenPgpOutcome =
  | { readonly verified: true; readonly fingerprint: string }
  | { readonly verified: false; readonly reason: string; readonly issuer: string | undefined }

/** A detached armored signature, the bytes it should sign, the keys to try, and when to judge them. */
export interface OpenPgpCheck {
  readonly signature: string
  readonly payload: Uint8Array
  readonly keys: readonly Key[]
  readonly date: Date
}

/**
 * Checks a detached armored signature over `payload` with `keys`. The outcome names the key that
 * verified it, or why none did (no key with the issuer's id, a bad signature, an expired or revoked
 * key, as openpgp.js reports it). A signature armor that does not parse throws
 * {@link OpenPgpFormatError}.
 */
export async function verifyOpenPgp(check: OpenPgpCheck): Promise<OpenPgpOutcome> {
  const { signature: signatureArmor, payload, keys, date } = check
  const openpgp = await load()
  let signature
  try {
    signature = await openpgp.readSignature({ armoredSignature: signatureArmor })
  } catch (err) {
    throw new OpenPgpFormatError((err as Error).message)
  }
  const issuers = signature.getSigningKeyIDs()
  const issuer = issuers[0]?.toHex().toUpperCase()
  const candidates = keys.filter((key) => issuers.some((id) => key.getKeys(id).length > 0))
  if (candidates.length === 0) return { verified: false, reason: `no given key has the issuer's key id ${issuer ?? '(none)'}`, issuer }
  const message = await openpgp.createMessage({ binary: payload })
  let reason = 'the signature does not verify'
  for (const key of candidates) {
    const result = await openpgp.verify({ message, signature, verificationKeys: [key.toPublic()], date, expectSigned: false })
    for (const entry of result.signatures) {
      try {
        await entry.verified
      } catch (err) {
        reason = (err as Error).message
        continue
      }
      // openpgp.js judges the key at the signature's creation time; Flux (through go-crypto) also
      // refuses a key that has expired since, so a leaked old key cannot keep signing history.
      const expires = await key.getExpirationTime()
      if (expires instanceof Date && expires.getTime() <= date.getTime()) {
        reason = `key ${openPgpFingerprint(key)} expired at ${expires.toISOString()}`
        continue
      }
      return { verified: true, fingerprint: openPgpFingerprint(key) }
    }
  }
  return { verified: false, reason, issuer }
}
