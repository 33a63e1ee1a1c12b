// How an AgeIdentity holds its secret: a non-enumerable, symbol-keyed field with what
// age-encryption's Decrypter.addIdentity takes (an Identity object, or the key string for the
// post-quantum hybrid keys, whose implementation age-encryption keeps to itself); and the X25519 pair
// that node:crypto serves: an identity (`AGE-SECRET-KEY-1…`) and a recipient (`age1…`).
import { randomBytes } from 'node:crypto'
import type { Identity } from 'age-encryption'
import type { AgeIdentity, AgeIdentityKind } from '../types.js'
import type { FileKeyWrapper } from './ageFile.js'
import { bech32Decode, bech32Encode } from './bech32.js'
import { decodeB64NoPad, encodeB64NoPad, hkdf, openFileKey, sealFileKey, x25519, x25519PrivateKey, x25519PublicBytes } from './x25519.js'

const SECRET = Symbol('gitops-sdk.secrets.ageIdentity')

type Secret = string | Identity

interface WithSecret extends AgeIdentity {
  readonly [SECRET]: Secret
}

export function makeIdentity(kind: AgeIdentityKind, recipient: string, secret: Secret): AgeIdentity {
  const identity = { kind, recipient, toJSON: () => ({ kind, recipient }) }
  Object.defineProperty(identity, 'toJSON', { enumerable: false })
  Object.defineProperty(identity, SECRET, { value: secret, enumerable: false })
  return Object.freeze(identity)
}

/** What to hand to `Decrypter.addIdentity`; throws a TypeError for objects not made here. */
export function secretOf(identity: AgeIdentity): Secret {
  const secret = (identity as Partial<WithSecret>)[SECRET]
  if (secret === undefined) throw new TypeError('identities must come from parseIdentities or loadIdentitiesFromEnv')
  return secret
}

const X25519_LABEL = 'age-encryption.org/v1/X25519'

/** An `AGE-SECRET-KEY-1…` identity on node:crypto; undefined when the string is not one. */
export function x25519Identity(text: string): AgeIdentity | undefined {
  const decoded = bech32Decode(text)
  if (!text.startsWith('AGE-SECRET-KEY-1') || decoded?.prefix !== 'age-secret-key-' || decoded.bytes.length !== 32) return undefined
  const key = x25519PrivateKey(decoded.bytes)
  const ours = x25519PublicBytes(key)
  const identity: Identity = {
    unwrapFileKey(stanzas) {
      for (const s of stanzas) {
        if (s.args[0] !== 'X25519') continue
        const share = s.args.length === 2 ? decodeB64NoPad(s.args[1] ?? '') : undefined
        if (share?.length !== 32) throw new Error('invalid X25519 stanza')
        const shared = x25519(key, share)
        if (shared === undefined) continue
        const salt = new Uint8Array(64)
        salt.set(share)
        salt.set(ours, 32)
        const fileKey = openFileKey(hkdf(shared, salt, X25519_LABEL), s.body)
        if (fileKey !== null) return fileKey
      }
      return null
    },
  }
  return makeIdentity('x25519', bech32Encode('age', ours), identity)
}

/** `age1…` as an X25519 recipient; undefined when the string is not one (age-encryption judges it). */
export function x25519Recipient(recipient: string): FileKeyWrapper | undefined {
  const decoded = recipient.startsWith('age1') ? bech32Decode(recipient) : undefined
  if (decoded?.prefix !== 'age' || decoded.bytes.length !== 32) return undefined
  const theirs = decoded.bytes
  return {
    wrapFileKey(fileKey) {
      const ephemeral = x25519PrivateKey(randomBytes(32))
      const share = x25519PublicBytes(ephemeral)
      const shared = x25519(ephemeral, theirs)
      if (shared === undefined) throw new Error('the recipient is a low-order point')
      const salt = new Uint8Array(64)
      salt.set(share)
      salt.set(theirs, 32)
      return [{ args: ['X25519', encodeB64NoPad(share)], body: sealFileKey(hkdf(shared, salt, X25519_LABEL), fileKey) }]
    },
  }
}
