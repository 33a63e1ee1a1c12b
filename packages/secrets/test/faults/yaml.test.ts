// Bad input against every entry point of @gitops-sdk/secrets that reads YAML (issue 12): the alias
// bomb and deep nesting are refused at once by core's one YAML budget, with SOPS_INPUT_INVALID naming
// the file; hostile keys stay data; no prototype changes and nothing is written.
import { memoryFs, parseObjects, readTextFile } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { assertNoPollution, plantedProperty, pollutingJson, pollutingYaml } from '../../../../testing/pollution.js'
import {
  decrypt,
  decryptFile,
  decryptGeneratorInputs,
  decryptManifests,
  decryptObject,
  encrypt,
  generateIdentity,
  parseIdentities,
  rotate,
  updateKeys,
} from '../../src/index.js'
import type { AgeIdentity } from '../../src/index.js'

let recipient: string
let identities: AgeIdentity[]
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

beforeAll(async () => {
  const key = await generateIdentity()
  recipient = key.recipient
  identities = await parseIdentities(key.secretKey)
})

afterEach(() => {
  assertNoPollution()
})

/** The 418-byte "billion laughs" of issue 12 (nine levels of nine aliases), with a sops block. */
function bomb(): string {
  const names = 'abcdefghi'
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  for (let i = 1; i < 9; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]`)
  return `${lines.join('\n')}\nsops:\n    mac: ENC[AES256_GCM,data:x,iv:x,tag:x,type:str]\n    lastmodified: "2024-01-01T00:00:00Z"\n    version: 3.9.0\n`
}

function deep(n: number): string {
  return `a: ${'['.repeat(n)}${']'.repeat(n)}\nsops:\n    mac: ENC[AES256_GCM,data:x,iv:x,tag:x,type:str]\n`
}

const hostile: readonly [string, () => string][] = [
  ['the alias bomb', bomb],
  ['flow nesting 100,000 deep', () => deep(100_000)],
  ['block nesting 5,000 deep', () => `${'- '.repeat(5000)}x\n`],
]

const refused = (source: string): unknown =>
  expect.objectContaining({ code: 'SOPS_INPUT_INVALID', message: expect.stringMatching(new RegExp(`^${source.replace(/[./]/g, '\\$&')}: `)) as unknown })

describe('secrets YAML faults', () => {
  describe.each(hostile)('%s', (_name, make) => {
    it('decrypt refuses it naming the file', async () => {
      await expect(decrypt(make(), { format: 'yaml', identities, source: 'bomb.yaml' })).rejects.toEqual(refused('bomb.yaml'))
    })

    it('decryptFile refuses it naming the file, and leaves the file as it was', async () => {
      const input = make()
      const fs = memoryFs({ 'secrets/bomb.yaml': input })
      await expect(decryptFile('secrets/bomb.yaml', { fs, identities })).rejects.toEqual(refused('secrets/bomb.yaml'))
      expect(await readTextFile(fs, 'secrets/bomb.yaml')).toBe(input)
    })

    it('encrypt, rotate and updateKeys refuse it naming the file', async () => {
      await expect(encrypt(make(), { format: 'yaml', recipients: [recipient], source: 'bomb.yaml' })).rejects.toEqual(refused('bomb.yaml'))
      await expect(rotate(make(), { format: 'yaml', identities, source: 'bomb.yaml' })).rejects.toEqual(refused('bomb.yaml'))
      await expect(updateKeys(make(), { format: 'yaml', identities, recipients: [recipient], source: 'bomb.yaml' })).rejects.toEqual(refused('bomb.yaml'))
    })

    it('decryptManifests refuses it inside a Secret data value, naming the object and key', async () => {
      const secret: KubeObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'apps' },
        data: { 'bomb.yaml': Buffer.from(`${make()}    x: mac: ENC[\n`).toString('base64') },
      }
      const before = structuredClone(secret)
      await expect(decryptManifests([secret], { identities })).rejects.toMatchObject({ code: 'SOPS_INPUT_INVALID' })
      expect(secret).toEqual(before)
    })
  })

  it('decryptGeneratorInputs refuses an alias bomb in an encrypted generator input, naming it', async () => {
    const fs = memoryFs({
      'app/kustomization.yaml': 'secretGenerator:\n- name: s\n  files: [bomb.yaml]\n',
      'app/bomb.yaml': bomb(),
    })
    await expect(decryptGeneratorInputs('app', { fs, identities })).rejects.toMatchObject({
      code: 'SOPS_INPUT_INVALID',
      message: expect.stringContaining('bomb.yaml') as unknown,
    })
  })
})

describe('secrets prototype pollution', () => {
  it.each(pollutingYaml)('keeps the keys of %j as data through encrypt and decrypt', async (yaml) => {
    const enc = await encrypt(yaml, { format: 'yaml', recipients: [recipient], source: 'p.yaml' })
    const plain = text(await decrypt(enc, { format: 'yaml', identities, source: 'p.yaml' }))
    expect(plain).toContain(plantedProperty)
    const json = text(await decrypt(enc, { format: 'yaml', outputFormat: 'json', identities, source: 'p.yaml' }))
    expect(json).toContain(plantedProperty)
  })

  it.each(pollutingJson)('decryptObject keeps the keys of %j as own data', async (json) => {
    const enc = await encrypt(json, { format: 'json', recipients: [recipient], source: 'p.json' })
    const tree = JSON.parse(enc) as Record<string, unknown>
    const plain = await decryptObject(tree, { identities, source: 'p.json' })
    expect(JSON.stringify(plain)).toContain(plantedProperty)
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype)
  })

  it('ignores a __proto__ key inside the sops metadata instead of reading fields through it', async () => {
    const enc = await encrypt('a: b\n', { format: 'yaml', recipients: [recipient], source: 'm.yaml' })
    const tampered = enc.replace('sops:\n', 'sops:\n    __proto__:\n        mac_only_encrypted: true\n        mac: forged\n')
    expect(text(await decrypt(tampered, { format: 'yaml', identities, source: 'm.yaml' }))).toBe('a: b\n')
  })

  it('keeps a __proto__ data key of a Secret as data in decryptManifests', async () => {
    const secretYaml = `apiVersion: v1\nkind: Secret\nmetadata:\n    name: db\nstringData:\n    __proto__: "yes"\n`
    const [object] = parseObjects(await encrypt(secretYaml, { format: 'yaml', recipients: [recipient] }), { source: 's.yaml' })
    const [plain] = await decryptManifests([object as KubeObject], { identities })
    expect(Object.keys(plain?.stringData as object)).toEqual(['__proto__'])
  })

  it.each([`__proto__=AGE-SECRET-KEY-1\n`, `constructor\n`, `{"__proto__": 1}\n`])('parseIdentities refuses %j with a typed error', async (input) => {
    await expect(parseIdentities(input, { source: 'keys.txt' })).rejects.toMatchObject({ code: 'SOPS_IDENTITY_INVALID' })
  })
})
