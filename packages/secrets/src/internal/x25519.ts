// X25519, HKDF and ChaCha20-Poly1305 on node:crypto (OpenSSL), used for the age stanzas sops
// writes: far faster than the pure-JavaScript curve, and the same bytes.
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

const PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI = Buffer.from('302a300506032b656e032100', 'hex')
const ZERO_NONCE = new Uint8Array(12)

/** A private X25519 key from its 32-byte scalar (clamped by X25519 itself). */
export function x25519PrivateKey(scalar: Uint8Array): KeyObject {
  // Its own memory (Buffer.concat would take it from Node's shared pool), wiped once OpenSSL has it.
  const der = Buffer.alloc(PKCS8.length + scalar.length)
  der.set(PKCS8)
  der.set(scalar, PKCS8.length)
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  } finally {
    der.fill(0)
  }
}

/** The 32-byte public u-coordinate of a private key. */
export function x25519PublicBytes(key: KeyObject): Uint8Array {
  const der = createPublicKey(key).export({ format: 'der', type: 'spki' })
  return new Uint8Array(der.subarray(der.length - 32))
}

/** X25519(scalar, u); undefined for a low-order point (all-zero result), as age refuses those. */
export function x25519(privateKey: KeyObject, u: Uint8Array): Uint8Array | undefined {
  let secret: Buffer
  try {
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI, u]), format: 'der', type: 'spki' })
    secret = diffieHellman({ privateKey, publicKey })
  } catch {
    return undefined
  }
  return secret.every((b) => b === 0) ? undefined : new Uint8Array(secret)
}

export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32))
}

/** ChaCha20-Poly1305 with a zero nonce (each wrapping key is used once); null when it fails. */
export function openFileKey(key: Uint8Array, body: Uint8Array): Uint8Array | null {
  if (body.length !== 32) return null
  try {
    const decipher = createDecipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 })
    decipher.setAuthTag(body.subarray(16))
    const head = decipher.update(body.subarray(0, 16))
    decipher.final()
    return new Uint8Array(head)
  } catch {
    return null
  }
}

export function sealFileKey(key: Uint8Array, fileKey: Uint8Array): Uint8Array {
  const cipher = createCipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 })
  const data = Buffer.concat([cipher.update(fileKey), cipher.final()])
  return new Uint8Array(Buffer.concat([data, cipher.getAuthTag()]))
}

/** age's unpadded standard base64, strictly. */
export function decodeB64NoPad(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) return undefined
  const bytes = new Uint8Array(Buffer.from(text, 'base64'))
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '') === text ? bytes : undefined
}

export function encodeB64NoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '')
}
