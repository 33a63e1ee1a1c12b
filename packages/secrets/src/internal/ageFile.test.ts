import { armor, Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption'
import { describe, expect, it } from 'vitest'
import { parseIdentities } from '../parseIdentities.js'
import { decodeArmor, encodeArmor, openAgeFile, sealAgeFile, x25519Recipient } from './ageFile.js'
import type { FileKeyUnwrapper } from './ageFile.js'
import { secretOf } from './ageIdentity.js'

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
    const flips = [text.indexOf('-> X25519 ') + 12, macAt + 2, file.length - 1, file.length - 20]
    for (const at of flips) {
      const bad = new Uint8Array(file)
      bad[at] = (bad[at]! ^ 0x01) & 0xff
      await expect(openAgeFile(bad, unwrappers)).rejects.toThrow()
    }
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
