import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadCreationRule } from './loadCreationRule.js'

const alice = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw'
const bob = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sops-config-'))
  await mkdir(join(root, 'clusters/prod/apps'), { recursive: true })
  await writeFile(
    join(root, '.sops.yaml'),
    `creation_rules:
  - path_regex: prod/.*\\.yaml$
    encrypted_regex: ^(data|stringData)$
    age: ${alice}, ${bob},${alice}
    pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4
  - path_regex: \\.env$
    key_groups:
      - age: [${alice}]
        merge:
          - age: [${bob}]
            kms: [{arn: 'arn:aws:kms:eu-west-1:1:key/a'}]
      - pgp: [FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4]
    shamir_threshold: 2
    unencrypted_suffix: _plain
  - age: ${bob}
    mac_only_encrypted: true
`,
  )
})
afterAll(() => rm(root, { recursive: true, force: true }))

describe('loadCreationRule', () => {
  it('takes the first rule whose path_regex matches the path relative to .sops.yaml, found upward from start', async () => {
    const rule = await loadCreationRule('apps/db.yaml', { start: join(root, 'clusters/prod') })
    expect(rule).toEqual({
      configPath: join(root, '.sops.yaml'),
      pathRegex: 'prod/.*\\.yaml$',
      keyGroups: [{ age: [alice, bob], other: { pgp: ['FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4'] } }],
      shamirThreshold: undefined,
      rules: { encryptedRegex: '^(data|stringData)$' },
    })
  })

  it('reads key_groups with merge and the threshold, and a catch-all rule without path_regex', async () => {
    const env = await loadCreationRule('clusters/.env', { start: root })
    expect(env?.keyGroups).toEqual([
      { age: [bob, alice], other: { kms: ['arn:aws:kms:eu-west-1:1:key/a'] } },
      { age: [], other: { pgp: ['FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4'] } },
    ])
    expect(env).toMatchObject({ shamirThreshold: 2, rules: { unencryptedSuffix: '_plain' } })
    const other = await loadCreationRule('notes.json', { start: root })
    expect(other).toMatchObject({ pathRegex: undefined, keyGroups: [{ age: [bob] }], rules: { macOnlyEncrypted: true } })
  })

  it('answers undefined without a .sops.yaml, and ignores a .sops.yml as sops does', async () => {
    const lone = await mkdtemp(join(tmpdir(), 'sops-noconfig-'))
    await writeFile(join(lone, '.sops.yml'), `creation_rules: [{age: ${alice}}]\n`)
    await expect(loadCreationRule('a.yaml', { start: lone })).resolves.toBeUndefined()
    // and the lookup climbs: from a folder below the config it is found.
    const read: string[] = []
    await loadCreationRule('a.yaml', { start: join(root, 'clusters/prod/apps'), readFile: async (p) => (read.push(p), p === join(root, '.sops.yaml') ? 'creation_rules: [{age: x}]' : undefined) })
    expect(read).toEqual([join(root, 'clusters/prod/apps/.sops.yaml'), join(root, 'clusters/prod/.sops.yaml'), join(root, 'clusters/.sops.yaml'), join(root, '.sops.yaml')])
    await rm(lone, { recursive: true, force: true })
  })
})
