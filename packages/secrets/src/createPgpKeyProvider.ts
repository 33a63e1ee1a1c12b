import type { Clock } from '@gitops-sdk/core/light'
import { systemClock } from '@gitops-sdk/core/light'
import type { Key, PrivateKey } from 'openpgp'
import type * as OpenPgpModule from 'openpgp'
import { SopsError } from './errors.js'
import { describeKeyText } from './internal/redact.js'
import type { KeyProvider, MasterKeyEntry } from './types.js'

/** Options of {@link createPgpKeyProvider}. */
export interface PgpKeyProviderOptions {
  /**
   * Armored OpenPGP private keys (`gpg --export-secret-keys --armor FPR`), to open `sops.pgp`
   * entries. A block may hold several keys.
   */
  readonly privateKeys?: readonly string[] | undefined
  /** The passphrase of private keys that are encrypted. Never logged or stored. */
  readonly passphrase?: string | undefined
  /** Armored OpenPGP public keys (`gpg --export --armor FPR`), to encrypt for; the private keys' public halves count too. */
  readonly publicKeys?: readonly string[] | undefined
  /** Source of `created_at` in new entries. @defaultValue the system clock */
  readonly clock?: Clock | undefined
}

type OpenPgp = typeof OpenPgpModule

function invalid(message: string, cause?: unknown): SopsError {
  return new SopsError({ code: 'SOPS_IDENTITY_INVALID', message, details: {}, cause })
}

const normalise = (fingerprint: string): string => fingerprint.replace(/\s+/g, '').toUpperCase()

/** Whether `key` (or one of its subkeys) has `fingerprint`, or a key id it ends with (16 hex). */
function matches(key: Key, fingerprint: string): boolean {
  const wanted = normalise(fingerprint)
  if (wanted.length < 16) return false
  return key.getKeys().some((k) => k.getFingerprint().toUpperCase().endsWith(wanted))
}

/**
 * Creates the `pgp` key provider, as sops' PGP master keys work: each `sops.pgp` entry holds the data
 * key (or a key group's share) encrypted to one OpenPGP key (`fp`) as an armored PGP message
 * (`enc`). `unwrap` decrypts it with the given private keys on openpgp.js (no gpg, no agent);
 * `wrap` encrypts key bytes to the public key a fingerprint names, so `encrypt`, `rotate` and
 * `updateKeys` can write `pgp` entries that `sops` and `gpg` open.
 *
 * @throws `SOPS_IDENTITY_INVALID` when a key does not parse or a private key cannot be unlocked
 * with `passphrase`.
 * @example
 * ```ts
 * const pgp = await createPgpKeyProvider({ privateKeys: [await readFile('sops-key.asc', 'utf8')] })
 * const plaintext = await decrypt(text, { format: 'yaml', keyProviders: [pgp] })
 * const written = await encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { pgp: ['FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4'] } }], keyProviders: [pgp] })
 * ```
 */
export async function createPgpKeyProvider(options: PgpKeyProviderOptions): Promise<KeyProvider> {
  const openpgp: OpenPgp = await import('openpgp')
  const privateKeys: PrivateKey[] = []
  for (const [i, armored] of (options.privateKeys ?? []).entries()) {
    let keys: PrivateKey[]
    try {
      keys = await openpgp.readPrivateKeys({ armoredKeys: armored })
    } catch (cause) {
      throw invalid(`privateKeys[${i}]: not an armored OpenPGP private key: ${(cause as Error).message}`, cause)
    }
    for (const key of keys) {
      if (key.isDecrypted()) {
        privateKeys.push(key)
        continue
      }
      if (options.passphrase === undefined) throw invalid(`privateKeys[${i}]: key ${normalise(key.getFingerprint())} is encrypted and no passphrase was given`)
      try {
        privateKeys.push(await openpgp.decryptKey({ privateKey: key, passphrase: options.passphrase }))
      } catch (cause) {
        throw invalid(`privateKeys[${i}]: key ${normalise(key.getFingerprint())} cannot be unlocked with the passphrase`, cause)
      }
    }
  }
  const publicKeys: Key[] = privateKeys.map((k) => k.toPublic())
  for (const [i, armored] of (options.publicKeys ?? []).entries()) {
    try {
      publicKeys.push(...(await openpgp.readKeys({ armoredKeys: armored })))
    } catch (cause) {
      throw invalid(`publicKeys[${i}]: not an armored OpenPGP public key: ${(cause as Error).message}`, cause)
    }
  }
  const clock = options.clock ?? systemClock

  return {
    type: 'pgp',
    async unwrap(entry, { signal }) {
      signal?.throwIfAborted()
      const enc = entry.enc
      if (enc === undefined || enc === '' || privateKeys.length === 0) return undefined
      // The key the entry names first; any other may still hold a subkey it was encrypted to.
      const fp = entry.fp ?? ''
      const ordered = [...privateKeys].sort((a, b) => Number(matches(b, fp)) - Number(matches(a, fp)))
      let message
      try {
        message = await openpgp.readMessage({ armoredMessage: enc })
      } catch {
        return undefined
      }
      for (const key of ordered) {
        signal?.throwIfAborted()
        try {
          // openpgp.js types its results through web-stream-tools, which this package does not install.
          const result = (await openpgp.decrypt({ message, decryptionKeys: key, format: 'binary' })) as unknown as { data: Uint8Array }
          return result.data
        } catch {
          continue
        }
      }
      return undefined
    },
    async wrap(key, recipient, { signal }) {
      signal?.throwIfAborted()
      const fingerprint = typeof recipient === 'string' ? recipient : (recipient.fp ?? '')
      const publicKey = publicKeys.find((k) => matches(k, fingerprint))
      if (publicKey === undefined) {
        // A fingerprint is hex; anything else (an armored private key given by mistake, say) is named by kind and length.
        const fp = normalise(fingerprint)
        const named = fp === '' ? '(no fingerprint)' : /^[0-9A-F]+$/.test(fp) ? fp : describeKeyText(fingerprint.trim())
        throw new SopsError({
          code: 'SOPS_RECIPIENT_INVALID',
          message: `${named}: no OpenPGP public key with this fingerprint was given to the pgp key provider`,
          details: { recipient: named },
        })
      }
      const message = await openpgp.createMessage({ binary: key })
      const enc = (await openpgp.encrypt({ message, encryptionKeys: publicKey.toPublic(), format: 'armored' })) as unknown as string
      const entry: MasterKeyEntry = { created_at: clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'), enc, fp: normalise(publicKey.getFingerprint()) }
      return entry
    },
  }
}
