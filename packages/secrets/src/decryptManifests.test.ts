import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryFs, nodeFs, overlayFs, parseObjects, readTextFile } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { decryptGeneratorInputs } from './decryptGeneratorInputs.js'
import { decryptManifests } from './decryptManifests.js'
import { decryptObject } from './decryptObject.js'
import { encrypt } from './encrypt.js'
import { generateIdentity } from './generateIdentity.js'
import { parseIdentities } from './parseIdentities.js'
import type { AgeIdentity } from './types.js'

let recipient: string
let identities: AgeIdentity[]
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n    name: db\n    namespace: apps\nstringData:\n    "2": two\n    password: hunter2\n'

beforeAll(async () => {
  const key = await generateIdentity()
  recipient = key.recipient
  identities = await parseIdentities(key.secretKey)
})

async function encryptedSecret(rules = { encryptedRegex: '^(data|stringData)$' }): Promise<KubeObject> {
  const [object] = parseObjects(await encrypt(SECRET, { format: 'yaml', recipients: [recipient], rules }))
  return object!
}

describe('decryptManifests', () => {
  it('decrypts a Secret carrying sops metadata and leaves other objects alone', async () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }
    const secret = await encryptedSecret()
    const [plain, same] = await decryptManifests([secret, cm], { identities })
    expect(plain).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'apps' }, stringData: { '2': 'two', password: 'hunter2' } })
    expect(same).toBe(cm)
    expect(secret.sops).toBeDefined()
  })

  it('passes through an object annotated kustomize.toolkit.fluxcd.io/decrypt: disabled', async () => {
    const secret = await encryptedSecret()
    secret.metadata.annotations = { 'kustomize.toolkit.fluxcd.io/decrypt': 'Disabled' }
    expect(await decryptManifests([secret], { identities })).toEqual([secret])
  })

  it('refuses an object whose sops metadata lost its MAC instead of passing its ciphertext on', async () => {
    for (const mac of [undefined, '']) {
      const secret = await encryptedSecret()
      const sops = secret.sops as Record<string, unknown>
      if (mac === undefined) delete sops.mac
      else sops.mac = mac
      await expect(decryptManifests([secret], { identities })).rejects.toMatchObject({
        code: expect.stringMatching(/^SOPS_(MAC_MISMATCH|METADATA_INVALID)$/) as unknown,
        message: expect.stringMatching(/^Secret\/apps\/db: /) as unknown,
      })
    }
  })

  it('refuses a Secret whose covered fields a transformer changed, naming the object', async () => {
    const secret = await encryptedSecret()
    secret.metadata.namespace = 'other'
    await expect(decryptManifests([secret], { identities })).rejects.toMatchObject({
      code: 'SOPS_MAC_MISMATCH',
      message: expect.stringMatching(/^Secret\/other\/db: MAC mismatch/) as unknown,
    })
  })

  it('accepts such changes to plaintext fields under macOnlyEncrypted, and keys in sorted order', async () => {
    const secret = await encryptedSecret({ encryptedRegex: '^(data|stringData)$', macOnlyEncrypted: true } as never)
    secret.metadata.namespace = 'other'
    secret.metadata.labels = { team: 'a' }
    const [plain] = await decryptManifests([secret], { identities })
    expect(plain?.metadata).toEqual({ name: 'db', namespace: 'other', labels: { team: 'a' } })
    expect(plain?.stringData).toEqual({ '2': 'two', password: 'hunter2' })
  })

  it('verifies a file written with sorted keys even when the object holds them in another order', async () => {
    const [object] = parseObjects(await encrypt(SECRET, { format: 'yaml', recipients: [recipient] }))
    const { kind, apiVersion, ...rest } = object!
    const reordered = { kind, ...rest, apiVersion } as KubeObject
    expect((await decryptObject(reordered, { identities })).stringData).toEqual({ '2': 'two', password: 'hunter2' })
  })

  it('decrypts Secret data values that are sops files, into the format of their key', async () => {
    const env = await encrypt('TOKEN=abc\n', { format: 'dotenv', recipients: [recipient] })
    const json = await encrypt('{"auths": {}}', { format: 'json', recipients: [recipient] })
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'gen' },
      data: { 'app.env': Buffer.from(env).toString('base64'), '.dockerconfigjson': Buffer.from(json).toString('base64'), plain: 'aGk=' },
    }
    const [out] = await decryptManifests([secret], { identities })
    const data = out?.data as Record<string, string>
    expect(Buffer.from(data['app.env']!, 'base64').toString()).toBe('TOKEN=abc\n')
    expect(Buffer.from(data['.dockerconfigjson']!, 'base64').toString()).toBe('{\n\t"auths": {}\n}\n')
    expect(data.plain).toBe('aGk=')
  })
})

describe('decryptGeneratorInputs', () => {
  it('decrypts the files generators and patches read, in memory, for overlayFs', async () => {
    const fs = memoryFs({
      'app/kustomization.yaml': 'resources: [../base, https://example.invalid/x]\nsecretGenerator:\n  - name: db\n    envs: [db.env]\n    files: [tls.crt=cert.enc, plain.txt]\n',
      'app/db.env': await encrypt('PASSWORD=hunter2\n', { format: 'dotenv', recipients: [recipient] }),
      'app/cert.enc': await encrypt(new Uint8Array([1, 2, 3]), { format: 'binary', recipients: [recipient] }),
      'app/plain.txt': 'not encrypted',
      'base/kustomization.yaml': 'configMapGenerator:\n  - name: cfg\n    files: [settings.json]\npatches:\n  - path: patch.yaml\n',
      'base/settings.json': await encrypt('{"k": "v"}', { format: 'json', recipients: [recipient] }),
      'base/patch.yaml': await encrypt('kind: Secret\nmetadata:\n    name: x\n', { format: 'yaml', recipients: [recipient] }),
    })
    const plain = await decryptGeneratorInputs('app', { fs, identities })
    expect([...plain.keys()].sort()).toEqual(['app/cert.enc', 'app/db.env', 'base/patch.yaml', 'base/settings.json'])
    const view = overlayFs(fs, plain)
    expect(await readTextFile(view, 'app/db.env')).toBe('PASSWORD=hunter2\n')
    expect(await view.readFile('app/cert.enc')).toEqual(new Uint8Array([1, 2, 3]))
    expect(await readTextFile(view, 'app/plain.txt')).toBe('not encrypted')
    expect(await readTextFile(fs, 'app/db.env')).toContain('sops_mac=ENC[')
  })

  it("shows a symlinked input's plaintext under the link's name only, never as the link's target (nodeFs)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-link-'))
    try {
      mkdirSync(join(dir, 'app'))
      writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'secretGenerator: [{name: s, envs: [link.env]}]\n')
      const encrypted = await encrypt('PASSWORD=hunter2\n', { format: 'dotenv', recipients: [recipient] })
      writeFileSync(join(dir, 'app', 'real.env'), encrypted)
      symlinkSync('real.env', join(dir, 'app', 'link.env'))
      const fs = nodeFs(dir)
      const plain = await decryptGeneratorInputs('app', { fs, identities })
      expect([...plain.keys()]).toEqual(['app/link.env'])
      const view = overlayFs(fs, plain)
      const noFollow = (path: string, named?: string): Promise<Uint8Array> => (view.readFileNoFollow as (p: string, n?: string) => Promise<Uint8Array>).call(view, path, named)
      // Another reader of real.env (render reads a listed file at its real path, naming the path it
      // was asked for) gets the file on disk, not the plaintext decrypted for the link.
      expect(new TextDecoder().decode(await noFollow('app/real.env', 'app/real.env'))).toBe(encrypted)
      expect(new TextDecoder().decode(await noFollow('app/real.env'))).toBe(encrypted)
      expect(await readTextFile(view, 'app/link.env')).toBe('PASSWORD=hunter2\n')
      expect(await readTextFile(view, 'app/real.env')).toBe(encrypted)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses files outside the root and over the size cap', async () => {
    const escape = memoryFs({ 'app/kustomization.yaml': 'secretGenerator:\n  - name: s\n    envs: [../../etc/passwd]\n' })
    await expect(decryptGeneratorInputs('app', { fs: escape, identities })).rejects.toMatchObject({ code: 'SOPS_PATH_ESCAPES_ROOT' })
    const big = memoryFs({ 'kustomization.yaml': 'secretGenerator:\n  - name: s\n    envs: [big.env]\n', 'big.env': `A=${'x'.repeat(200)}\n` })
    await expect(decryptGeneratorInputs('', { fs: big, identities, maxFileSize: 100 })).rejects.toMatchObject({ code: 'SOPS_FILE_TOO_LARGE' })
  })

  it('names the file whose decryption fails', async () => {
    const other = await generateIdentity()
    const fs = memoryFs({
      'kustomization.yaml': 'secretGenerator:\n  - name: s\n    envs: [s.env]\n',
      's.env': await encrypt('A=1\n', { format: 'dotenv', recipients: [other.recipient] }),
    })
    await expect(decryptGeneratorInputs('.', { fs, identities })).rejects.toMatchObject({
      code: 'SOPS_NO_MATCHING_KEY',
      message: expect.stringMatching(/^s\.env: /) as unknown,
    })
  })
})
