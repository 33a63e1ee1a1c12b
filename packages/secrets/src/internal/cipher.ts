// sops' value cipher (FORMAT.md §3): AES-GCM under the data key with a 32-byte IV, the tag stored
// apart, and the value's path as additional data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { CipherGCMTypes } from 'node:crypto'

const encoder = new TextEncoder()
// Fields without commas (base64 and a type name never hold one): four `(.+)` backtracked to the
// fourth power on a value that nearly matches (4.5 KB took seconds), before any key or MAC is checked.
const ENC = /^ENC\[AES256_GCM,data:([^,]+),iv:([^,]+),tag:([^,]+),type:([^,\]]+)\]/
// Padded standard base64: the length a multiple of four, the alphabet, at most two `=` at the end.
// Not one pattern with a repeated group (`(?:[…]{4})*`): V8's matcher keeps a backtracking frame
// per repetition, and a value of a few megabytes (a binary file's data) overflowed the stack.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Why a value could not be decrypted. */
export type ValueFailure = 'format' | 'auth'

export interface DecryptedValue {
  readonly type: string
  readonly plaintext: Uint8Array
  readonly iv: Uint8Array
}

function algorithm(key: Uint8Array): CipherGCMTypes {
  if (key.length === 16) return 'aes-128-gcm'
  if (key.length === 24) return 'aes-192-gcm'
  return 'aes-256-gcm'
}

function base64(text: string): Uint8Array | undefined {
  return text.length % 4 === 0 && BASE64.test(text) ? new Uint8Array(Buffer.from(text, 'base64')) : undefined
}

/** Tells whether a string has the shape of an encrypted sops value. */
export function isEncryptedValue(text: string): boolean {
  return ENC.test(text)
}

/**
 * Decrypts one `ENC[…]` value; `''` stands for the empty string, as in sops. Returns the failure
 * kind instead of throwing, so the caller can name the path.
 */
export function decryptValue(text: string, key: Uint8Array, aad: string): DecryptedValue | ValueFailure {
  if (text === '') return { type: 'str', plaintext: new Uint8Array(0), iv: new Uint8Array(0) }
  const m = ENC.exec(text)
  if (m === null) return 'format'
  const data = base64(m[1] ?? '')
  const iv = base64(m[2] ?? '')
  const tag = base64(m[3] ?? '')
  if (data === undefined || iv === undefined || tag === undefined || iv.length === 0 || tag.length !== 16) return 'format'
  try {
    const decipher = createDecipheriv(algorithm(key), key, iv, { authTagLength: 16 })
    decipher.setAAD(encoder.encode(aad))
    decipher.setAuthTag(tag)
    const head = decipher.update(data)
    const tail = decipher.final()
    const plaintext = tail.length === 0 ? new Uint8Array(head) : new Uint8Array(Buffer.concat([head, tail]))
    return { type: m[4] ?? '', plaintext, iv }
  } catch {
    return 'auth'
  }
}

/**
 * Encrypts plaintext bytes as an `ENC[…]` value of the given type, with a fresh random 32-byte IV
 * unless one is given (sops reuses the IV of an unchanged value when it rewrites a file).
 */
export function encryptValue(
  plaintext: Uint8Array,
  type: string,
  { key, aad, iv }: { readonly key: Uint8Array; readonly aad: string; readonly iv?: Uint8Array | undefined },
): string {
  const nonce = iv ?? randomBytes(32)
  const cipher = createCipheriv(algorithm(key), key, nonce, { authTagLength: 16 })
  cipher.setAAD(encoder.encode(aad))
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()])
  const tag = cipher.getAuthTag()
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${Buffer.from(nonce).toString('base64')},tag:${tag.toString('base64')},type:${type}]`
}
