// SSH signatures as `ssh-keygen -Y sign` writes them (OpenSSH's PROTOCOL.sshsig) and git stores
// them in `gpgsig` with `gpg.format ssh`: an armored blob naming the signer's public key, a
// namespace and a hash algorithm, over a wrapper that holds the hash of the message. Verified on
// node:crypto for ed25519, RSA (rsa-sha2-256/512) and ECDSA (nistp256/384/521).
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

const magic = Buffer.from('SSHSIG')
const armorBegin = '-----BEGIN SSH SIGNATURE-----'
const armorEnd = '-----END SSH SIGNATURE-----'

/** A signature blob that does not parse. */
export class SshSigFormatError extends Error {
  override readonly name = 'SshSigFormatError'
}

/** One parsed SSHSIG. */
export interface SshSig {
  /** The signer's public key blob (SSH wire format). */
  readonly publicKey: Buffer
  readonly namespace: string
  readonly hashAlgorithm: string
  /** The signature blob: its format name and bytes. */
  readonly format: string
  readonly signature: Buffer
}

/** Reads SSH wire strings (uint32 length + bytes) from a buffer, refusing to read past its end. */
class WireReader {
  private pos = 0
  constructor(private readonly data: Buffer) {}
  string(): Buffer {
    if (this.pos + 4 > this.data.byteLength) throw new SshSigFormatError('truncated length field')
    const length = this.data.readUInt32BE(this.pos)
    const start = this.pos + 4
    if (length > this.data.byteLength - start) throw new SshSigFormatError('a field runs past the end of the blob')
    this.pos = start + length
    return this.data.subarray(start, this.pos)
  }
  uint32(): number {
    if (this.pos + 4 > this.data.byteLength) throw new SshSigFormatError('truncated integer')
    const value = this.data.readUInt32BE(this.pos)
    this.pos += 4
    return value
  }
  bytes(n: number): Buffer {
    if (this.pos + n > this.data.byteLength) throw new SshSigFormatError('truncated blob')
    const out = this.data.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }
  get done(): boolean {
    return this.pos === this.data.byteLength
  }
}

function wireString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value
  const length = Buffer.alloc(4)
  length.writeUInt32BE(bytes.byteLength)
  return Buffer.concat([length, bytes])
}

/** Whether `text` is an SSH signature armor. */
export function isSshArmor(text: string): boolean {
  return text.trimStart().startsWith(armorBegin)
}

/** Parses an armored SSHSIG; throws {@link SshSigFormatError} for anything malformed. */
export function parseSshSig(armored: string): SshSig {
  const text = armored.trim()
  if (!text.startsWith(armorBegin) || !text.endsWith(armorEnd)) throw new SshSigFormatError('not an SSH signature armor')
  const body = text.slice(armorBegin.length, text.length - armorEnd.length).replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new SshSigFormatError('the armor is not base64')
  const reader = new WireReader(Buffer.from(body, 'base64'))
  if (!reader.bytes(6).equals(magic)) throw new SshSigFormatError('the blob does not start with SSHSIG')
  const version = reader.uint32()
  if (version !== 1) throw new SshSigFormatError(`unsupported SSHSIG version ${version}`)
  const publicKey = reader.string()
  const namespace = reader.string().toString('utf8')
  reader.string() // reserved
  const hashAlgorithm = reader.string().toString('utf8')
  const blob = new WireReader(reader.string())
  if (!reader.done) throw new SshSigFormatError('trailing bytes after the signature')
  const format = blob.string().toString('utf8')
  const signature = blob.string()
  return { publicKey, namespace, hashAlgorithm, format, signature }
}

/** `SHA256:<base64>` of a public key blob, as `ssh-keygen -l` prints it. */
export function sshFingerprint(publicKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '')}`
}

function unsignedInteger(mpint: Buffer): Buffer {
  let start = 0
  while (start < mpint.byteLength - 1 && mpint[start] === 0) start++
  return mpint.subarray(start)
}

function padded(value: Buffer, size: number): Buffer {
  const bytes = unsignedInteger(value)
  if (bytes.byteLength > size) throw new SshSigFormatError('an ECDSA integer is too long')
  return Buffer.concat([Buffer.alloc(size - bytes.byteLength), bytes])
}

const curves: Record<string, { readonly crv: string; readonly size: number; readonly hash: string }> = {
  nistp256: { crv: 'P-256', size: 32, hash: 'sha256' },
  nistp384: { crv: 'P-384', size: 48, hash: 'sha384' },
  nistp521: { crv: 'P-521', size: 66, hash: 'sha512' },
}

interface ParsedKey {
  readonly type: string
  readonly key: KeyObject
  readonly curve?: { readonly size: number; readonly hash: string } | undefined
}

/** The key object of an SSH public key blob; throws for a type node:crypto cannot verify here. */
export function sshPublicKey(blob: Buffer): ParsedKey {
  const reader = new WireReader(blob)
  const type = reader.string().toString('utf8')
  const b64url = (b: Buffer): string => b.toString('base64url')
  if (type === 'ssh-ed25519') {
    return { type, key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(reader.string()) }, format: 'jwk' }) }
  }
  if (type === 'ssh-rsa') {
    const e = unsignedInteger(reader.string())
    const n = unsignedInteger(reader.string())
    return { type, key: createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' }) }
  }
  if (type.startsWith('ecdsa-sha2-')) {
    const curve = curves[reader.string().toString('utf8')]
    const point = reader.string()
    if (curve === undefined || point[0] !== 4 || point.byteLength !== 1 + 2 * curve.size) throw new SshSigFormatError(`unsupported ECDSA key ${type}`)
    const x = b64url(point.subarray(1, 1 + curve.size))
    const y = b64url(point.subarray(1 + curve.size))
    return { type, key: createPublicKey({ key: { kty: 'EC', crv: curve.crv, x, y }, format: 'jwk' }), curve }
  }
  throw new SshSigFormatError(`unsupported key type ${type}`)
}

/**
 * Whether `sig` is a valid signature by its embedded key over `message` in `namespace`. Throws
 * {@link SshSigFormatError} for a blob whose parts do not fit together (a key type the signature
 * format does not belong to, an unknown hash).
 */
export function verifySshSig(sig: SshSig, message: Uint8Array, namespace: string): boolean {
  if (sig.namespace !== namespace) return false
  if (sig.hashAlgorithm !== 'sha256' && sig.hashAlgorithm !== 'sha512') throw new SshSigFormatError(`unsupported hash algorithm ${sig.hashAlgorithm}`)
  const signed = Buffer.concat([
    magic,
    wireString(sig.namespace),
    wireString(''),
    wireString(sig.hashAlgorithm),
    wireString(createHash(sig.hashAlgorithm).update(message).digest()),
  ])
  const { type, key, curve } = sshPublicKey(sig.publicKey)
  if (type === 'ssh-ed25519') {
    if (sig.format !== 'ssh-ed25519') throw new SshSigFormatError(`signature format ${sig.format} for a ${type} key`)
    return cryptoVerify(null, signed, key, sig.signature)
  }
  if (type === 'ssh-rsa') {
    // ssh-keygen signs with SHA-2 for RSA; the SHA-1 `ssh-rsa` format is refused, as OpenSSH does.
    const hash = sig.format === 'rsa-sha2-256' ? 'sha256' : sig.format === 'rsa-sha2-512' ? 'sha512' : undefined
    if (hash === undefined) throw new SshSigFormatError(`signature format ${sig.format} for a ${type} key`)
    return cryptoVerify(hash, signed, key, sig.signature)
  }
  if (curve === undefined || sig.format !== type) throw new SshSigFormatError(`signature format ${sig.format} for a ${type} key`)
  const parts = new WireReader(sig.signature)
  const r = padded(parts.string(), curve.size)
  const s = padded(parts.string(), curve.size)
  return cryptoVerify(curve.hash, signed, { key, dsaEncoding: 'ieee-p1363' }, Buffer.concat([r, s]))
}

/**
 * The public key blobs in `text`: one key per line, as in a `.pub` file, `authorized_keys` or git's
 * `allowed_signers` (whose lines start with principals and options). Blank and `#` lines are
 * skipped; a line holding no key is an error naming its number.
 */
export function parseSshPublicKeys(text: string): Buffer[] {
  const keys: Buffer[] = []
  const lines = text.split(/\r?\n/)
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    const at = fields.findIndex((f, j) => /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521))$/.test(f) && fields[j + 1] !== undefined)
    const blob = at < 0 ? undefined : Buffer.from(fields[at + 1] as string, 'base64')
    if (blob === undefined || at < 0) throw new SshSigFormatError(`line ${i + 1} holds no ed25519, RSA or ECDSA public key`)
    const type = new WireReader(blob).string().toString('utf8')
    if (type !== fields[at]) throw new SshSigFormatError(`line ${i + 1}: the key's blob is a ${type}, not the ${fields[at]} the line names`)
    sshPublicKey(blob)
    keys.push(blob)
  }
  return keys
}
