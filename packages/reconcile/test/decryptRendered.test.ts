import { describe, expect, it } from 'vitest'
import { memoryFs, refOf } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { render } from '@gitops-sdk/render'
import { encrypt, generateIdentity, parseIdentities } from '@gitops-sdk/secrets'
import { decryptRendered } from '../src/index.js'

const secret = `apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    note: plain
stringData:
  username: admin
  password: s3cret
`

async function fixture(overlay: string): Promise<{ fs: ReturnType<typeof memoryFs>; identities: Awaited<ReturnType<typeof parseIdentities>> }> {
  const key = await generateIdentity()
  const identities = await parseIdentities(key.secretKey)
  // The MAC covers plaintext fields too (no mac_only_encrypted), as `sops encrypt` does by default.
  const encrypted = await encrypt(secret, { format: 'yaml', recipients: [key.recipient], rules: { encryptedRegex: '^(data|stringData)$' } })
  const fs = memoryFs({ 'base/kustomization.yaml': 'resources:\n- db.sops.yaml\n', 'base/db.sops.yaml': encrypted, 'prod/kustomization.yaml': overlay })
  return { fs, identities }
}

const byKind = (objects: readonly KubeObject[], kind: string): KubeObject => objects.find((o) => o.kind === kind) as KubeObject

describe('decryptRendered', () => {
  it('verifies an object the build did not change by its own MAC', async () => {
    const { fs, identities } = await fixture('resources:\n- ../base\n')
    const built = await render('prod', { fs })
    const result = await decryptRendered(built, { fs, identities })
    expect(result.verified.map((r) => r.name)).toEqual(['db'])
    expect(result.verifiedAtSource).toEqual([])
    expect(byKind(result.objects, 'Secret').stringData).toEqual({ username: 'admin', password: 's3cret' })
  })

  it('verifies an object an overlay gave a namespace, labels and a prefix against the encrypted file in the source', async () => {
    const { fs, identities } = await fixture('namespace: prod\nnamePrefix: prod-\nlabels:\n- pairs:\n    env: prod\nresources:\n- ../base\n')
    const built = await render('prod', { fs })
    const result = await decryptRendered(built, { fs, identities, integrity: 'strict' })
    expect(result.verifiedAtSource).toEqual([{ group: '', kind: 'Secret', namespace: 'prod', name: 'prod-db' }])
    expect(result.unverified).toEqual([])
    const plain = byKind(result.objects, 'Secret')
    expect(plain.metadata).toMatchObject({ name: 'prod-db', namespace: 'prod', labels: { env: 'prod' } })
    expect(plain.stringData).toEqual({ username: 'admin', password: 's3cret' })
  })

  it('reports an object whose encrypted values the build changed, and refuses it in strict mode', async () => {
    const overlay = 'namespace: prod\nresources:\n- ../base\npatches:\n- patch: |\n    apiVersion: v1\n    kind: Secret\n    metadata:\n      name: db\n    stringData:\n      username: null\n'
    const { fs, identities } = await fixture(overlay)
    const built = await render('prod', { fs })
    const lenient = await decryptRendered(built, { fs, identities })
    expect(lenient.unverified.map((r) => `${r.namespace}/${r.name}`)).toEqual(['prod/db'])
    expect(byKind(lenient.objects, 'Secret').stringData).toEqual({ password: 's3cret' })
    const strict = decryptRendered(built, { fs, identities, integrity: 'strict' })
    await expect(strict).rejects.toMatchObject({ code: 'SOPS_MAC_MISMATCH', message: expect.stringMatching(/^Secret\/prod\/db: /) as unknown })
  })

  it('does not take a source document whose own MAC fails as proof', async () => {
    const { fs, identities } = await fixture('namespace: prod\nresources:\n- ../base\n')
    const tampered = new TextDecoder().decode(await fs.readFile('base/db.sops.yaml')).replace('note: plain', 'note: changed')
    fs.writeFile('base/db.sops.yaml', tampered)
    const built = await render('prod', { fs })
    await expect(decryptRendered(built, { fs, identities, integrity: 'strict' })).rejects.toMatchObject({ code: 'SOPS_MAC_MISMATCH' })
    expect((await decryptRendered(built, { fs, identities })).unverified).toHaveLength(1)
  })

  it('passes an object annotated decrypt: Disabled through, still encrypted', async () => {
    const { fs, identities } = await fixture('resources:\n- ../base\ncommonAnnotations:\n  kustomize.toolkit.fluxcd.io/decrypt: Disabled\n')
    const built = await render('prod', { fs })
    const result = await decryptRendered(built, { fs, identities, integrity: 'strict' })
    expect(result.objects).toEqual(built)
    expect(refOf(byKind(result.objects, 'Secret')).name).toBe('db')
    expect(String((byKind(result.objects, 'Secret').stringData as Record<string, string>).password)).toMatch(/^ENC\[/)
  })
})
