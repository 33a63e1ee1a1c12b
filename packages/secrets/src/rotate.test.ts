import { beforeAll, describe, expect, it } from 'vitest'
import { decrypt } from './decrypt.js'
import { encrypt } from './encrypt.js'
import { generateIdentity } from './generateIdentity.js'
import { parseIdentities } from './parseIdentities.js'
import { rotate } from './rotate.js'
import type { AgeIdentity, KeyProvider } from './types.js'
import { updateKeys } from './updateKeys.js'

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
const field = (file: string, name: string): string | undefined => new RegExp(`${name}: (.*)`).exec(file)?.[1]
let alice: { secretKey: string; recipient: string }
let bob: { secretKey: string; recipient: string }
let aliceIds: AgeIdentity[]
let bobIds: AgeIdentity[]
const PLAIN = '# db\npassword: hunter2\nlist:\n    - 1\n    - two\n'

beforeAll(async () => {
  ;[alice, bob] = [await generateIdentity(), await generateIdentity()]
  ;[aliceIds, bobIds] = [await parseIdentities(alice.secretKey), await parseIdentities(bob.secretKey)]
})

describe('rotate', () => {
  it('re-encrypts every value under a new data key, with a new MAC and lastmodified', async () => {
    const enc = await encrypt(PLAIN, { format: 'yaml', recipients: [alice.recipient], clock: { now: () => new Date('2025-01-01T00:00:00Z') } })
    const rotated = await rotate(enc, { format: 'yaml', identities: aliceIds, clock: { now: () => new Date('2025-06-01T00:00:00Z') } })
    expect(field(rotated, 'password')).not.toBe(field(enc, 'password'))
    expect(field(rotated, 'mac')).not.toBe(field(enc, 'mac'))
    expect(field(rotated, 'lastmodified')).toBe('"2025-06-01T00:00:00Z"')
    expect(text(await decrypt(rotated, { format: 'yaml', identities: aliceIds }))).toBe(PLAIN)
  })

  it('adds and removes age recipients', async () => {
    const enc = await encrypt(PLAIN, { format: 'yaml', recipients: [alice.recipient] })
    const rotated = await rotate(enc, { format: 'yaml', identities: aliceIds, addRecipients: [bob.recipient], removeRecipients: [alice.recipient] })
    expect(text(await decrypt(rotated, { format: 'yaml', identities: bobIds }))).toBe(PLAIN)
    await expect(decrypt(rotated, { format: 'yaml', identities: aliceIds })).rejects.toMatchObject({ code: 'SOPS_NO_MATCHING_KEY' })
  })

  it('refuses a tampered file before writing anything', async () => {
    const enc = await encrypt('a: 1\nb_unencrypted: 2\n', { format: 'yaml', recipients: [alice.recipient] })
    await expect(rotate(enc.replace('b_unencrypted: 2', 'b_unencrypted: 3'), { format: 'yaml', identities: aliceIds })).rejects.toMatchObject({
      code: 'SOPS_MAC_MISMATCH',
    })
  })

  it('keeps key groups and the threshold', async () => {
    const enc = await encrypt('A=1\n', { format: 'dotenv', keyGroups: [{ age: [alice.recipient] }, { age: [bob.recipient] }] })
    const rotated = await rotate(enc, { format: 'dotenv', identities: [...aliceIds, ...bobIds] })
    expect(rotated).toContain('sops_shamir_threshold=2')
    expect(text(await decrypt(rotated, { format: 'dotenv', identities: [...aliceIds, ...bobIds] }))).toBe('A=1\n')
  })
})

describe('updateKeys', () => {
  it('wraps the same data key for new recipients and leaves values, MAC and lastmodified alone', async () => {
    const enc = await encrypt(PLAIN, { format: 'yaml', recipients: [alice.recipient] })
    const updated = await updateKeys(enc, { format: 'yaml', identities: aliceIds, recipients: [bob.recipient] })
    for (const name of ['password', 'mac', 'lastmodified']) expect(field(updated, name)).toBe(field(enc, name))
    expect(text(await decrypt(updated, { format: 'yaml', identities: bobIds }))).toBe(PLAIN)
    await expect(decrypt(updated, { format: 'yaml', identities: aliceIds })).rejects.toMatchObject({ code: 'SOPS_NO_MATCHING_KEY' })
  })

  it('moves a file to key groups with a threshold', async () => {
    const enc = await encrypt('{"a": "b"}', { format: 'json', recipients: [alice.recipient] })
    const updated = await updateKeys(enc, { format: 'json', identities: aliceIds, keyGroups: [{ age: [alice.recipient] }, { age: [bob.recipient] }] })
    expect(JSON.parse(updated).sops.shamir_threshold).toBe(2)
    expect(text(await decrypt(updated, { format: 'json', identities: [...aliceIds, ...bobIds] }))).toBe('{\n\t"a": "b"\n}\n')
  })

  it('hands key providers the data key in memory of its own, however it was opened', async () => {
    const seen: Uint8Array[] = []
    const recorder: KeyProvider = {
      type: 'pgp',
      // A view into Node's shared pool, as Buffer.from gives for a short key.
      unwrap: async (entry) => (entry.enc === undefined ? undefined : Buffer.from(entry.enc, 'base64')),
      wrap: async (key) => {
        seen.push(key)
        return { enc: Buffer.from(key).toString('base64'), fp: 'FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4' }
      },
    }
    const hybrid = await generateIdentity({ kind: 'hybrid' })
    const hybridIds = await parseIdentities(hybrid.secretKey)
    const onlyRecorder = { format: 'yaml' as const, keyGroups: [{ other: { pgp: ['FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4'] } }], keyProviders: [recorder] }
    const cases: [string, string, Parameters<typeof updateKeys>[1]][] = [
      ['x25519', await encrypt(PLAIN, { format: 'yaml', recipients: [alice.recipient] }), { ...onlyRecorder, identities: aliceIds }],
      ['hybrid', await encrypt(PLAIN, { format: 'yaml', recipients: [hybrid.recipient] }), { ...onlyRecorder, identities: hybridIds }],
    ]
    const viaProvider = await updateKeys(cases[0]![1], cases[0]![2])
    cases.push(['a key provider', viaProvider, onlyRecorder])
    for (const [what, file, options] of cases) {
      seen.length = 0
      await updateKeys(file, options)
      expect(seen.length, what).toBe(1)
      expect(seen[0]!.length, what).toBe(32)
      expect(seen[0]!.buffer.byteLength, what).toBe(32)
    }
  })

  it('rewrites binary files as their JSON envelope', async () => {
    const enc = await encrypt(new Uint8Array([1, 2, 3]), { format: 'binary', recipients: [alice.recipient] })
    const updated = await updateKeys(enc, { format: 'binary', identities: aliceIds, recipients: [bob.recipient] })
    expect(await decrypt(updated, { format: 'binary', identities: bobIds })).toEqual(new Uint8Array([1, 2, 3]))
  })
})
