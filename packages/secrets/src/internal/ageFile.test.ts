import { createCipheriv, createHmac, randomBytes } from 'node:crypto'
import { armor, Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption'
import { describe, expect, it } from 'vitest'
import { parseIdentities } from '../parseIdentities.js'
import { decodeArmor, encodeArmor, openAgeFile, sealAgeFile } from './ageFile.js'
import type { FileKeyUnwrapper } from './ageFile.js'
import { secretOf, x25519Recipient } from './ageIdentity.js'
import { encodeB64NoPad, hkdf } from './x25519.js'

async function fixture(): Promise<{ secretKey: string; recipient: string; unwrappers: FileKeyUnwrapper[] }> {
  const secretKey = await generateX25519Identity()
  const recipient = await identityToRecipient(secretKey)
  const [identity] = await parseIdentities(secretKey)
  return { secretKey, recipient, unwrappers: [secretOf(identity!) as FileKeyUnwrapper] }
}

async function seal(recipient: string, plain: Uint8Array): Promise<Uint8Array> {
  const encrypter = new Encrypter()
  encrypter.addRecipient(recipient)
  return encrypter.encrypt(plain)
}

describe('openAgeFile (node:crypto) against age-encryption', () => {
  it('opens what age-encryption writes, at every chunk boundary', async () => {
    const { secretKey, recipient, unwrappers } = await fixture()
    const decrypter = new Decrypter()
    decrypter.addIdentity(secretKey)
    for (const size of [0, 1, 32, 65535, 65536, 65537, 131072, 200000]) {
      const plain = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff)
      const file = await seal(recipient, plain)
      const ours = await openAgeFile(decodeArmor(armor.encode(file)), unwrappers)
      expect(Buffer.from(ours).equals(Buffer.from(await decrypter.decrypt(file)))).toBe(true)
      expect(Buffer.from(ours).equals(Buffer.from(plain))).toBe(true)
    }
  })

  it('refuses a file for another key, a changed header, payload or MAC, and a cut payload', async () => {
    const { recipient, unwrappers } = await fixture()
    const other = await fixture()
    const file = await seal(recipient, new TextEncoder().encode('a data key of 32 bytes, say.....'))
    await expect(openAgeFile(file, other.unwrappers)).rejects.toThrow(/no identity/)
    const text = Buffer.from(file)
    const macAt = text.indexOf('--- ') + 4
    const flips = [text.indexOf('-> X25519 ') + 12, file.length - 1, file.length - 20]
    for (const at of flips) {
      const bad = new Uint8Array(file)
      bad[at] = (bad[at]! ^ 0x01) & 0xff
      await expect(openAgeFile(bad, unwrappers)).rejects.toThrow()
    }
    // Another MAC of the same length in valid base64: refused by the MAC check itself.
    const mac = text.subarray(macAt, macAt + 43).toString('latin1')
    const otherMac = mac === 'A'.repeat(43) ? `Q${'A'.repeat(42)}` : 'A'.repeat(43)
    const badMac = new Uint8Array(file)
    badMac.set(Buffer.from(otherMac, 'latin1'), macAt)
    await expect(openAgeFile(badMac, unwrappers)).rejects.toThrow(/^invalid age header MAC$/)
    await expect(openAgeFile(file.subarray(0, file.length - 1), unwrappers)).rejects.toThrow()
    await expect(openAgeFile(file.subarray(0, macAt + 44), unwrappers)).rejects.toThrow(/truncated/)
    await expect(openAgeFile(new TextEncoder().encode('age-encryption.org/v2\n'), unwrappers)).rejects.toThrow(/not an age v1/)
    const nonAscii = new Uint8Array(file)
    nonAscii[5] = 0xc3
    await expect(openAgeFile(nonAscii, unwrappers)).rejects.toThrow(/non-ASCII/)
  })

  it('reads the armor as age-encryption does: whitespace and CRLF around, strict lines inside', async () => {
    const { recipient } = await fixture()
    const file = await seal(recipient, new Uint8Array(100))
    const armored = armor.encode(file)
    expect(Buffer.from(decodeArmor(`\n  ${armored.replaceAll('\n', '\r\n')}  \n`)).equals(Buffer.from(file))).toBe(true)
    const lines = armored.trim().split('\n')
    const cases = [
      armored.replace('-----BEGIN AGE ENCRYPTED FILE-----', '-----BEGIN AGE FILE-----'),
      armored.replace('-----END AGE ENCRYPTED FILE-----', ''),
      [lines[0], lines[1]!.slice(0, 60), ...lines.slice(2)].join('\n'),
      [lines[0], `${lines[1]!.slice(0, 63)}*`, ...lines.slice(2)].join('\n'),
      [lines[0], `${lines[1]!.slice(0, 60)}A=AA`, ...lines.slice(2)].join('\n'),
    ]
    for (const text of cases) expect(() => decodeArmor(text)).toThrow()
  })
})

describe('sealAgeFile (node:crypto) against age-encryption', () => {
  it('writes files age-encryption opens, at every chunk boundary, armored as it armors them', async () => {
    const { secretKey, recipient, unwrappers } = await fixture()
    const decrypter = new Decrypter()
    decrypter.addIdentity(secretKey)
    const writer = x25519Recipient(recipient)
    expect(writer).toBeDefined()
    for (const size of [0, 1, 32, 65535, 65536, 65537, 131072, 200000]) {
      const plain = new Uint8Array(size).map((_, i) => (i * 17 + 3) & 0xff)
      const file = sealAgeFile(plain, [writer!])
      expect(Buffer.from(await decrypter.decrypt(armor.decode(encodeArmor(file)))).equals(Buffer.from(plain))).toBe(true)
      expect(Buffer.from(await openAgeFile(file, unwrappers)).equals(Buffer.from(plain))).toBe(true)
      // The armor is age-encryption's, byte for byte.
      expect(encodeArmor(file)).toBe(armor.encode(file))
    }
  })

  it('writes bodies that fill whole lines with the empty line that ends them', async () => {
    const { secretKey } = await fixture()
    const decrypter = new Decrypter()
    decrypter.addIdentity(secretKey)
    const { recipient } = await fixture()
    const [identity] = await parseIdentities(secretKey)
    // A stanza of 48 and of 96 bytes (age-encryption's parser needs the empty line after them) beside the real one.
    const grease = (n: number) => ({ wrapFileKey: () => [{ args: ['grease', 'x'], body: new Uint8Array(n).fill(7) }] })
    const own = x25519Recipient(identity!.recipient)!
    for (const n of [0, 48, 96]) {
      const file = sealAgeFile(new Uint8Array([1, 2, 3]), [grease(n), own, x25519Recipient(recipient)!])
      expect([...(await decrypter.decrypt(file))]).toEqual([1, 2, 3])
    }
  })

  it('is not a recipient for other strings: age-encryption judges them', () => {
    for (const text of ['age1', 'AGE1abc', 'age1pq1qqqq', 'ssh-ed25519 AAAA', 'not a key', '']) expect(x25519Recipient(text)).toBeUndefined()
  })
})

interface Chunk {
  readonly plain: Uint8Array
  readonly last: boolean
}

/**
 * An age file assembled here with a valid header MAC, so that what it gets wrong is what a test
 * puts in: `extra` header lines before the real X25519 stanza, the payload chunks as given (each
 * sealed with its index and last-chunk flag), bytes after them.
 */
function assemble(recipient: string, chunks: readonly Chunk[], options: { extra?: string; trailing?: Uint8Array } = {}): Uint8Array {
  const fileKey = randomBytes(16)
  let header = `age-encryption.org/v1\n${options.extra ?? ''}`
  for (const s of x25519Recipient(recipient)!.wrapFileKey(fileKey)) header += `-> ${s.args.join(' ')}\n${encodeB64NoPad(s.body)}\n`
  header += '---'
  header += ` ${encodeB64NoPad(createHmac('sha256', hkdf(fileKey, new Uint8Array(0), 'header')).update(header, 'latin1').digest())}\n`
  const nonce = randomBytes(16)
  const key = hkdf(fileKey, nonce, 'payload')
  const sealed = chunks.map((chunk, i) => {
    const n = Buffer.alloc(12)
    n.writeUInt32BE(i, 7)
    n[11] = chunk.last ? 1 : 0
    const cipher = createCipheriv('chacha20-poly1305', key, n, { authTagLength: 16 })
    return Buffer.concat([cipher.update(chunk.plain), cipher.final(), cipher.getAuthTag()])
  })
  return new Uint8Array(Buffer.concat([Buffer.from(header, 'latin1'), nonce, ...sealed, options.trailing ?? new Uint8Array(0)]))
}

const FULL = new Uint8Array(64 * 1024).fill(5)

describe('openAgeFile refuses malformed files whose MAC holds', () => {
  it('opens an assembled file (the assembly itself is right)', async () => {
    const { recipient, unwrappers } = await fixture()
    const ok = assemble(recipient, [
      { plain: FULL, last: false },
      { plain: new Uint8Array([1, 2]), last: true },
    ])
    expect((await openAgeFile(ok, unwrappers)).length).toBe(FULL.length + 2)
    // An empty final chunk is fine when it is the only one.
    expect((await openAgeFile(assemble(recipient, [{ plain: new Uint8Array(0), last: true }]), unwrappers)).length).toBe(0)
  })

  it('refuses an empty final chunk after a full one', async () => {
    const { recipient, unwrappers } = await fixture()
    const file = assemble(recipient, [
      { plain: FULL, last: false },
      { plain: new Uint8Array(0), last: true },
    ])
    await expect(openAgeFile(file, unwrappers)).rejects.toThrow(/^empty final chunk in age payload$/)
  })

  it('refuses a multi-chunk file cut at a chunk boundary', async () => {
    const { recipient, unwrappers } = await fixture()
    const file = assemble(recipient, [
      { plain: FULL, last: false },
      { plain: FULL, last: false },
      { plain: new Uint8Array([9]), last: true },
    ])
    const sealed = FULL.length + 16
    await expect(openAgeFile(file.subarray(0, file.length - 17), unwrappers)).rejects.toThrow(/^age payload chunk 1 does not authenticate$/)
    await expect(openAgeFile(file.subarray(0, file.length - 17 - sealed), unwrappers)).rejects.toThrow(/^age payload chunk 0 does not authenticate$/)
  })

  it('refuses data after the last chunk', async () => {
    const { recipient, unwrappers } = await fixture()
    const short = [{ plain: new Uint8Array([1, 2, 3]), last: true }]
    const full = [{ plain: FULL, last: true }]
    // A further sealed chunk, or junk, after a short and after a full last chunk.
    const extraChunk = assemble(recipient, [{ plain: new Uint8Array([4]), last: true }]).subarray(-17)
    for (const chunks of [short, full]) {
      for (const trailing of [extraChunk, new Uint8Array(20).fill(1), new Uint8Array(1)]) {
        await expect(openAgeFile(assemble(recipient, chunks, { trailing }), unwrappers)).rejects.toThrow(/^age payload chunk 0 does not authenticate$/)
      }
    }
    const two = [
      { plain: FULL, last: false },
      { plain: FULL, last: true },
    ]
    await expect(openAgeFile(assemble(recipient, two, { trailing: extraChunk }), unwrappers)).rejects.toThrow(/^age payload chunk 1 does not authenticate$/)
  })

  it('refuses a stanza body line of more than 48 bytes, even one that an empty line ends', async () => {
    const { recipient, unwrappers } = await fixture()
    const one = (n: number) => `-> grease x\n${encodeB64NoPad(new Uint8Array(n).fill(3))}\n\n`
    // 48 bytes and an empty line is a valid 48-byte body.
    expect((await openAgeFile(assemble(recipient, [{ plain: new Uint8Array([1]), last: true }], { extra: one(48) }), unwrappers)).length).toBe(1)
    for (const n of [49, 64]) {
      const file = assemble(recipient, [{ plain: new Uint8Array([1]), last: true }], { extra: one(n) })
      await expect(openAgeFile(file, unwrappers)).rejects.toThrow(/^invalid age stanza body$/)
    }
  })

  it('refuses a stanza with an empty argument', async () => {
    const { recipient, unwrappers } = await fixture()
    for (const line of ['-> grease  x', '-> grease x ', '-> ']) {
      const file = assemble(recipient, [{ plain: new Uint8Array([1]), last: true }], { extra: `${line}\nAAAA\n` })
      await expect(openAgeFile(file, unwrappers), line).rejects.toThrow(/^invalid age stanza$/)
    }
  })

  it('refuses a file key that is not 16 bytes, before the MAC', async () => {
    const { recipient } = await fixture()
    const file = assemble(recipient, [{ plain: new Uint8Array([1]), last: true }])
    for (const n of [0, 5, 15, 17, 32]) {
      const unwrapper: FileKeyUnwrapper = { unwrapFileKey: () => new Uint8Array(n) }
      await expect(openAgeFile(file, [unwrapper])).rejects.toThrow(new RegExp(`^invalid age file key length ${n}$`))
    }
  })
})

describe('key and file bytes have memory of their own', () => {
  // Not views into Node's shared Buffer pool: `.buffer` reaches exactly the bytes returned.
  it('for the opened data key, the sealed file and the decoded armor', async () => {
    const { recipient, unwrappers } = await fixture()
    const file = sealAgeFile(new Uint8Array(32).fill(1), [x25519Recipient(recipient)!])
    expect(file.buffer.byteLength).toBe(file.length)
    const key = await openAgeFile(file, unwrappers)
    expect(key.length).toBe(32)
    expect(key.buffer.byteLength).toBe(32)
    const decoded = decodeArmor(encodeArmor(file))
    expect(decoded.buffer.byteLength).toBe(decoded.length)
    const multi = await openAgeFile(assemble(recipient, [{ plain: FULL, last: false }, { plain: new Uint8Array(3), last: true }]), unwrappers)
    expect(multi.buffer.byteLength).toBe(multi.length)
  })
})
