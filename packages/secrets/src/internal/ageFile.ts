// Opening and writing age v1 files (age-encryption.org/v1) on node:crypto, for identities and
// recipients whose (un)wrapping is ours (X25519 and SSH keys: ageIdentity.ts, ssh.ts): the
// header's stanzas, its HMAC and the ChaCha20-Poly1305 STREAM payload. age-encryption does the
// same, but it is an ES module graph (@noble's curves, hashes and ciphers, ML-KEM) whose
// compilation cost a `gitops decrypt` or `gitops encrypt` about 60 ms of CPU before its first byte;
// it is still loaded, on first use, for the post-quantum hybrid keys and passphrase files
// (dataKey.ts, parseIdentities.ts).
//
// The checks are those of age-encryption's reader: an ASCII header, `->` stanzas with non-empty
// arguments and bodies in unpadded base64 lines of at most 48 bytes (a shorter one ends the body),
// a `--- ` MAC line, the MAC verified before any payload byte is read, 64 KiB chunks, and a final
// chunk empty only when it is the only one. Any failure throws; the caller tries the next entry.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { AgeStanza } from '../types.js'
import { decodeB64NoPad, encodeB64NoPad, hkdf } from './x25519.js'

/** What unwraps the file key from a header's stanzas: an age identity. */
export interface FileKeyUnwrapper {
  unwrapFileKey(stanzas: AgeStanza[]): Uint8Array | null | Promise<Uint8Array | null>
}

/** What wraps a file key into stanzas: an age recipient (an SSH one from ssh.ts, an X25519 one from ageIdentity.ts). */
export interface FileKeyWrapper {
  wrapFileKey(fileKey: Uint8Array): { args: string[]; body: Uint8Array }[]
}

const VERSION = 'age-encryption.org/v1'
const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----'
const ARMOR_END = '-----END AGE ENCRYPTED FILE-----'
const CHUNK = 64 * 1024
const TAG = 16
const SEALED_CHUNK = CHUNK + TAG
const FILE_KEY = 16

/**
 * `parts` joined in memory of their own. Buffer.concat and Buffer.from take results under 4 KiB
 * from Node's shared 8 KiB pool: a view into it would share its ArrayBuffer (what `.buffer`
 * reaches) with unrelated Buffers, and key bytes handed on (to a KeyProvider, say) would expose
 * the slab and leave their copy in it.
 */
function standalone(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/**
 * The bytes of an ASCII-armored age file: whitespace around it ignored, LF or CRLF lines, 64
 * base64 characters a line except the last (1 to 64, a multiple of 4), canonical base64.
 */
export function decodeArmor(text: string): Uint8Array {
  const lines = text.trim().replaceAll('\r\n', '\n').split('\n')
  if (lines.shift() !== ARMOR_BEGIN) throw new Error('invalid armor header')
  if (lines.pop() !== ARMOR_END) throw new Error('invalid armor footer')
  const last = lines.length - 1
  for (const [i, line] of lines.entries()) {
    const valid = i === last ? line.length > 0 && line.length <= 64 && line.length % 4 === 0 : line.length === 64
    if (!valid || !/^[A-Za-z0-9+/=]+$/.test(line)) throw new Error('invalid armor line')
  }
  const joined = lines.join('')
  const bytes = Buffer.from(joined, 'base64')
  if (bytes.toString('base64') !== joined) throw new Error('invalid armor base64')
  return standalone([bytes])
}

interface Header {
  readonly stanzas: AgeStanza[]
  /** The header up to and including `---`: what the MAC covers. */
  readonly covered: Uint8Array
  readonly mac: Uint8Array
  /** Where the payload (its 16-byte nonce first) starts. */
  readonly end: number
}

function parseHeader(file: Uint8Array): Header {
  let pos = 0
  const readLine = (): string => {
    const end = file.indexOf(0x0a, pos)
    if (end < 0) throw new Error('truncated age header')
    for (let i = pos; i < end; i++) {
      const b = file[i] as number
      if (b < 32 || b > 126) throw new Error('invalid non-ASCII byte in age header')
    }
    const line = Buffer.from(file.buffer, file.byteOffset + pos, end - pos).toString('latin1')
    pos = end + 1
    return line
  }
  if (readLine() !== VERSION) throw new Error('not an age v1 file')
  const stanzas: AgeStanza[] = []
  for (;;) {
    const start = pos
    const line = readLine()
    const args = line.split(' ')
    if (args.length >= 2 && args[0] === '->') {
      args.shift()
      if (args.some((a) => a === '')) throw new Error('invalid age stanza')
      const parts: Uint8Array[] = []
      for (;;) {
        const part = decodeB64NoPad(readLine())
        if (part === undefined || part.length > 48) throw new Error('invalid age stanza body')
        parts.push(part)
        if (part.length < 48) break
      }
      stanzas.push({ args, body: standalone(parts) })
      continue
    }
    if (!line.startsWith('--- ')) throw new Error('invalid age header')
    const mac = decodeB64NoPad(line.slice(4))
    if (mac === undefined) throw new Error('invalid age header MAC')
    return { stanzas, covered: file.subarray(0, start + 3), mac, end: pos }
  }
}

/** Steps the 11-byte big-endian chunk counter that precedes the last-chunk flag in a STREAM nonce. */
function nextChunk(nonce: Buffer): void {
  for (let i = 10; i >= 0; i--) {
    nonce[i] = ((nonce[i] as number) + 1) & 0xff
    if (nonce[i] !== 0) break
  }
}

/** The header MAC: HMAC-SHA-256 of the header up to `---`, keyed by HKDF of the file key. */
function headerMac(fileKey: Uint8Array, covered: Uint8Array): Buffer {
  return createHmac('sha256', hkdf(fileKey, new Uint8Array(0), 'header')).update(covered).digest()
}

function openStream(key: Uint8Array, payload: Uint8Array): Uint8Array {
  const nonce = Buffer.alloc(12)
  const out: Uint8Array[] = []
  for (let pos = 0, chunk = 0; ; pos += SEALED_CHUNK, chunk++) {
    const last = payload.length - pos <= SEALED_CHUNK
    const sealed = payload.subarray(pos, last ? payload.length : pos + SEALED_CHUNK)
    if (sealed.length < TAG) throw new Error('truncated age payload')
    if (last) nonce[11] = 1
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG })
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG))
    const plain = decipher.update(sealed.subarray(0, sealed.length - TAG))
    try {
      decipher.final()
    } catch {
      // A changed chunk, or the stream cut or extended at a chunk boundary (the last-chunk flag
      // in the nonce then disagrees with the position).
      throw new Error(`age payload chunk ${chunk} does not authenticate`)
    }
    if (last) {
      if (plain.length === 0 && pos > 0) throw new Error('empty final chunk in age payload')
      out.push(plain)
      return standalone(out)
    }
    out.push(plain)
    nextChunk(nonce)
  }
}

/**
 * Decrypts an age file with the first identity that unwraps its file key; throws when none does,
 * when the header MAC does not hold or when the payload does not authenticate.
 */
export async function openAgeFile(file: Uint8Array, identities: readonly FileKeyUnwrapper[]): Promise<Uint8Array> {
  const header = parseHeader(file)
  let fileKey: Uint8Array | null = null
  for (const identity of identities) {
    fileKey = await identity.unwrapFileKey(header.stanzas)
    if (fileKey !== null) break
  }
  if (fileKey === null) throw new Error('no identity matched the age file')
  // age's file key is 16 bytes; an RSA-OAEP stanza, say, decrypts to whatever was sealed in it.
  if (fileKey.length !== FILE_KEY) throw new Error(`invalid age file key length ${fileKey.length}`)
  const expected = headerMac(fileKey, header.covered)
  if (expected.length !== header.mac.length || !timingSafeEqual(expected, header.mac)) throw new Error('invalid age header MAC')
  const nonce = file.subarray(header.end, header.end + 16)
  if (nonce.length !== 16) throw new Error('truncated age payload')
  return openStream(hkdf(fileKey, nonce, 'payload'), file.subarray(header.end + 16))
}

/** The sealed chunks of `plain`, in order. */
function sealStream(key: Uint8Array, plain: Uint8Array): Buffer[] {
  const nonce = Buffer.alloc(12)
  const out: Buffer[] = []
  for (let pos = 0; ; pos += CHUNK) {
    const last = plain.length - pos <= CHUNK
    if (last) nonce[11] = 1
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG })
    out.push(cipher.update(plain.subarray(pos, last ? plain.length : pos + CHUNK)), cipher.final(), cipher.getAuthTag())
    if (last) return out
    nextChunk(nonce)
  }
}

/**
 * Encrypts `plain` to an age file for `recipients` (a fresh file key, each recipient's stanzas,
 * the header MAC, a fresh payload nonce), as age-encryption's Encrypter writes one.
 */
export function sealAgeFile(plain: Uint8Array, recipients: readonly FileKeyWrapper[]): Uint8Array {
  const fileKey = randomBytes(FILE_KEY)
  let header = `${VERSION}\n`
  for (const recipient of recipients) {
    for (const stanza of recipient.wrapFileKey(fileKey)) {
      header += `-> ${stanza.args.join(' ')}\n`
      const body = encodeB64NoPad(stanza.body)
      for (let i = 0; i < body.length; i += 64) header += `${body.slice(i, i + 64)}\n`
      // A body line shorter than 64 characters ends the stanza: an empty one when all are full.
      if (stanza.body.length % 48 === 0) header += '\n'
    }
  }
  header += '---'
  const mac = headerMac(fileKey, Buffer.from(header, 'latin1'))
  header += ` ${encodeB64NoPad(mac)}\n`
  const nonce = randomBytes(16)
  return standalone([Buffer.from(header, 'latin1'), nonce, ...sealStream(hkdf(fileKey, nonce, 'payload'), plain)])
}

/** The ASCII armor of an age file: 64 base64 characters a line, a final newline. */
export function encodeArmor(file: Uint8Array): string {
  const b64 = Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString('base64')
  let out = `${ARMOR_BEGIN}\n`
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`
  return `${out}${ARMOR_END}\n`
}
