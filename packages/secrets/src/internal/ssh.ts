// OpenSSH keys as age uses them (age/agessh): ed25519 through X25519 with a tweak, RSA through
// RSA-OAEP-SHA256. Parsing follows the OpenSSH key formats (PROTOCOL.key, RFC 4253 §6.6).
import { createHash, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, constants, randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { decodeB64NoPad, encodeB64NoPad, hkdf, openFileKey, sealFileKey, x25519, x25519PrivateKey, x25519PublicBytes } from './x25519.js'

/** A key type as read from a key, for messages; anything that is not a type name may be key material. */
function keyTypeName(type: string): string {
  return /^[A-Za-z0-9@._-]{1,64}$/.test(type) ? type : '(not a key type name)'
}

const ED25519_LABEL = 'age-encryption.org/v1/ssh-ed25519'
const RSA_LABEL = 'age-encryption.org/v1/ssh-rsa'
const P = 2n ** 255n - 19n

/** A stanza as age-encryption hands it to an identity. */
export interface StanzaLike {
  readonly args: string[]
  readonly body: Uint8Array
}

class Reader {
  private offset = 0
  constructor(private readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.offset >= this.bytes.length
  }
  uint32(): number {
    if (this.offset + 4 > this.bytes.length) throw new Error('truncated key')
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 4).getUint32(0)
    this.offset += 4
    return v
  }
  string(): Uint8Array {
    const n = this.uint32()
    if (this.offset + n > this.bytes.length) throw new Error('truncated key')
    const v = this.bytes.subarray(this.offset, this.offset + n)
    this.offset += n
    return v
  }
  text(): string {
    return new TextDecoder().decode(this.string())
  }
}

function sshString(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length)
  new DataView(out.buffer).setUint32(0, bytes.length)
  out.set(bytes, 4)
  return out
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

/** The stanza tag age derives from an SSH public key: the first 4 bytes of its SHA-256, base64. */
function fingerprint(wire: Uint8Array): string {
  return encodeB64NoPad(createHash('sha256').update(wire).digest().subarray(0, 4))
}

function bigFromBytes(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`)
}

function modPow(base: bigint, exp: bigint): bigint {
  let result = 1n
  let b = ((base % P) + P) % P
  let e = exp
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P
    b = (b * b) % P
    e >>= 1n
  }
  return result
}

/** The Montgomery u-coordinate of an Ed25519 public key: u = (1 + y) / (1 - y) mod p. */
function ed25519ToX25519(publicKey: Uint8Array): Uint8Array {
  const le = Uint8Array.from(publicKey).reverse()
  le[0] = (le[0] ?? 0) & 0x7f
  const y = bigFromBytes(le)
  const u = ((1n + y) * modPow(1n - y, P - 2n)) % P
  const hex = u.toString(16).padStart(64, '0')
  return Uint8Array.from(Buffer.from(hex, 'hex')).reverse()
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url')
}

function stripZeros(bytes: Uint8Array): Uint8Array {
  let i = 0
  while (i < bytes.length - 1 && bytes[i] === 0) i++
  return bytes.subarray(i)
}

/** What parsing an OpenSSH key gives: the wire-format public key and how to open stanzas. */
export interface SshIdentity {
  readonly type: 'ssh-ed25519' | 'ssh-rsa'
  /** `ssh-ed25519 AAAA…` as in authorized_keys, without comment. */
  readonly recipient: string
  unwrapFileKey(stanzas: StanzaLike[]): Promise<Uint8Array | null>
}

function ed25519Identity(seed: Uint8Array, publicKey: Uint8Array): SshIdentity {
  const wire = concat([sshString(new TextEncoder().encode('ssh-ed25519')), sshString(publicKey)])
  const tag = fingerprint(wire)
  const secret = x25519PrivateKey(createHash('sha512').update(seed).digest().subarray(0, 32))
  const ours = x25519PublicBytes(secret)
  const tweak = x25519PrivateKey(hkdf(new Uint8Array(0), wire, ED25519_LABEL))
  return {
    type: 'ssh-ed25519',
    recipient: `ssh-ed25519 ${Buffer.from(wire).toString('base64')}`,
    async unwrapFileKey(stanzas) {
      for (const s of stanzas) {
        if (s.args[0] !== 'ssh-ed25519' || s.args.length !== 3 || s.args[1] !== tag) continue
        const share = decodeB64NoPad(s.args[2] ?? '')
        if (share?.length !== 32) continue
        const shared = x25519(secret, share)
        const tweaked = shared === undefined ? undefined : x25519(tweak, shared)
        if (tweaked === undefined) continue
        const fileKey = openFileKey(hkdf(tweaked, concat([share, ours]), ED25519_LABEL), s.body)
        if (fileKey !== null) return fileKey
      }
      return null
    },
  }
}

function rsaIdentity(key: KeyObject, wire: Uint8Array): SshIdentity {
  const tag = fingerprint(wire)
  return {
    type: 'ssh-rsa',
    recipient: `ssh-rsa ${Buffer.from(wire).toString('base64')}`,
    async unwrapFileKey(stanzas) {
      for (const s of stanzas) {
        if (s.args[0] !== 'ssh-rsa' || s.args.length !== 2 || s.args[1] !== tag) continue
        let fileKey: Uint8Array
        try {
          fileKey = new Uint8Array(
            privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(RSA_LABEL) }, s.body),
          )
        } catch {
          continue
        }
        // OAEP gives back whatever was sealed; age's file key is 16 bytes (age-encryption, which
        // calls this for mixed identities, does not check).
        if (fileKey.length !== 16) throw new Error('invalid ssh-rsa stanza')
        return fileKey
      }
      return null
    },
  }
}

/**
 * Parses an unencrypted OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`, ed25519 or RSA).
 * Throws a plain Error with a reason (never key material) that the caller wraps.
 */
export function parseSshPrivateKey(pem: string): SshIdentity {
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(pem)?.[1]
  if (body === undefined) throw new Error('not an OpenSSH private key')
  // Copied out of the decoded Buffer (which may sit in Node's shared pool), then wiped there.
  const decoded = Buffer.from(body.replace(/\s+/g, ''), 'base64')
  const bytes = new Uint8Array(decoded)
  decoded.fill(0)
  const magic = new TextEncoder().encode('openssh-key-v1\0')
  if (!magic.every((b, i) => bytes[i] === b)) throw new Error('not an openssh-key-v1 key')
  const r = new Reader(bytes.subarray(magic.length))
  const cipher = r.text()
  r.text() // kdf name
  r.string() // kdf options
  if (cipher !== 'none') throw new Error('passphrase-protected SSH keys are not supported')
  if (r.uint32() !== 1) throw new Error('expected exactly one key')
  r.string() // public key
  const priv = new Reader(r.string())
  if (priv.uint32() !== priv.uint32()) throw new Error('corrupt private key')
  const type = priv.text()
  if (type === 'ssh-ed25519') {
    const publicKey = priv.string()
    const secret = priv.string()
    if (publicKey.length !== 32 || secret.length !== 64) throw new Error('malformed ed25519 key')
    return ed25519Identity(secret.subarray(0, 32), publicKey)
  }
  if (type === 'ssh-rsa') {
    const [n, e, d, iqmp, p, q] = [priv.string(), priv.string(), priv.string(), priv.string(), priv.string(), priv.string()]
    const [bd, bp, bq] = [bigFromBytes(d), bigFromBytes(p), bigFromBytes(q)]
    const big = (v: bigint): Uint8Array => {
      const hex = v.toString(16)
      return new Uint8Array(Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex'))
    }
    const key = createPrivateKey({
      key: {
        kty: 'RSA',
        n: b64url(stripZeros(n)),
        e: b64url(stripZeros(e)),
        d: b64url(stripZeros(d)),
        p: b64url(stripZeros(p)),
        q: b64url(stripZeros(q)),
        dp: b64url(big(bd % (bp - 1n))),
        dq: b64url(big(bd % (bq - 1n))),
        qi: b64url(stripZeros(iqmp)),
      },
      format: 'jwk',
    })
    const wire = concat([sshString(new TextEncoder().encode('ssh-rsa')), sshString(e), sshString(n)])
    return rsaIdentity(key, wire)
  }
  throw new Error(`unsupported SSH key type ${keyTypeName(type)}`)
}

/** A stanza-producing recipient for an `ssh-ed25519 …` or `ssh-rsa …` public key line. */
export interface SshRecipient {
  wrapFileKey(fileKey: Uint8Array): { args: string[]; body: Uint8Array }[]
}

/** Parses an authorized_keys line (`ssh-ed25519 AAAA… comment`) as an age recipient. */
export function parseSshRecipient(line: string): SshRecipient {
  const [type = '', data = ''] = line.trim().split(/\s+/)
  const wire = new Uint8Array(Buffer.from(data, 'base64'))
  const r = new Reader(wire)
  if (r.text() !== type) throw new Error('key type does not match its data')
  const tag = fingerprint(wire)
  if (type === 'ssh-ed25519') {
    const publicKey = r.string()
    if (publicKey.length !== 32 || !r.done) throw new Error('malformed ed25519 public key')
    const theirs = ed25519ToX25519(publicKey)
    const tweak = x25519PrivateKey(hkdf(new Uint8Array(0), wire, ED25519_LABEL))
    return {
      wrapFileKey(fileKey) {
        const ephemeral = x25519PrivateKey(randomBytes(32))
        const share = x25519PublicBytes(ephemeral)
        const shared = x25519(ephemeral, theirs)
        const tweaked = shared === undefined ? undefined : x25519(tweak, shared)
        if (tweaked === undefined) throw new Error('invalid ed25519 public key')
        const body = sealFileKey(hkdf(tweaked, concat([share, theirs]), ED25519_LABEL), fileKey)
        return [{ args: ['ssh-ed25519', tag, encodeB64NoPad(share)], body }]
      },
    }
  }
  if (type === 'ssh-rsa') {
    const e = r.string()
    const n = r.string()
    if (stripZeros(n).length < 256) throw new Error('RSA key size is too small')
    const key = createPublicKey({ key: { kty: 'RSA', n: b64url(stripZeros(n)), e: b64url(stripZeros(e)) }, format: 'jwk' })
    return {
      wrapFileKey(fileKey) {
        const body = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(RSA_LABEL) }, fileKey)
        return [{ args: ['ssh-rsa', tag], body: new Uint8Array(body) }]
      },
    }
  }
  throw new Error(`unsupported SSH key type ${keyTypeName(type)}`)
}
