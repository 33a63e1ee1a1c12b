// Opening an age v1 file (age-encryption.org/v1) on node:crypto, for identities whose unwrapping
// is ours (X25519 and SSH keys: ageIdentity.ts, ssh.ts): the header's stanzas, its HMAC and the
// ChaCha20-Poly1305 STREAM payload. age-encryption does the same, but it is an ES module graph
// (@noble's curves, hashes and ciphers, ML-KEM) whose compilation cost a `gitops decrypt` about
// 40 ms of CPU before its first byte; it is still loaded, on first use, for the post-quantum hybrid
// identities, passphrase files and encryption (dataKey.ts, parseIdentities.ts).
//
// The checks are those of age-encryption's reader: an ASCII header, `->` stanzas with non-empty
// arguments and bodies in unpadded base64 lines of at most 48 bytes (a shorter one ends the body),
// a `--- ` MAC line, the MAC verified before any payload byte is read, 64 KiB chunks, and a final
// chunk empty only when it is the only one. Any failure throws; the caller tries the next entry.
import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto'
import type { AgeStanza } from '../types.js'
import { decodeB64NoPad, hkdf } from './x25519.js'

/** What unwraps the file key from a header's stanzas: an age identity. */
export interface FileKeyUnwrapper {
  unwrapFileKey(stanzas: AgeStanza[]): Uint8Array | null | Promise<Uint8Array | null>
}

const VERSION = 'age-encryption.org/v1'
const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----'
const ARMOR_END = '-----END AGE ENCRYPTED FILE-----'
const CHUNK = 64 * 1024
const TAG = 16
const SEALED_CHUNK = CHUNK + TAG

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
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)
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
      stanzas.push({ args, body: new Uint8Array(Buffer.concat(parts)) })
      continue
    }
    if (!line.startsWith('--- ')) throw new Error('invalid age header')
    const mac = decodeB64NoPad(line.slice(4))
    if (mac === undefined) throw new Error('invalid age header MAC')
    return { stanzas, covered: file.subarray(0, start + 3), mac, end: pos }
  }
}

function openStream(key: Uint8Array, payload: Uint8Array): Uint8Array {
  const nonce = Buffer.alloc(12)
  const out: Buffer[] = []
  for (let pos = 0; ; pos += SEALED_CHUNK) {
    const last = payload.length - pos <= SEALED_CHUNK
    const sealed = payload.subarray(pos, last ? payload.length : pos + SEALED_CHUNK)
    if (sealed.length < TAG) throw new Error('truncated age payload')
    if (last) nonce[11] = 1
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG })
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG))
    const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()])
    if (last) {
      if (plain.length === 0 && pos > 0) throw new Error('empty final chunk in age payload')
      out.push(plain)
      const all = Buffer.concat(out)
      return new Uint8Array(all.buffer, all.byteOffset, all.length)
    }
    out.push(plain)
    // The 11-byte big-endian chunk counter before the last-chunk flag.
    for (let i = 10; i >= 0; i--) {
      nonce[i] = ((nonce[i] as number) + 1) & 0xff
      if (nonce[i] !== 0) break
    }
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
  const expected = createHmac('sha256', hkdf(fileKey, new Uint8Array(0), 'header')).update(header.covered).digest()
  if (expected.length !== header.mac.length || !timingSafeEqual(expected, header.mac)) throw new Error('invalid age header MAC')
  const nonce = file.subarray(header.end, header.end + 16)
  if (nonce.length !== 16) throw new Error('truncated age payload')
  return openStream(hkdf(fileKey, nonce, 'payload'), file.subarray(header.end + 16))
}
