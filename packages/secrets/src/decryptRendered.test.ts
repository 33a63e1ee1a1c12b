import { describe, expect, it } from 'vitest'
import { memoryFs, parseObjects } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { decryptRendered, encrypt, generateIdentity, parseIdentities } from './index.js'

// What a kustomize build does to an encrypted Secret, by hand (render is not a dependency here):
// a namespace and a label set, and, for the second, one encrypted value dropped by a patch.
describe('decryptRendered', () => {
  it('verifies a built object against its document in the source; one matching none is unverified (lenient) or refused (strict)', async () => {
    const key = await generateIdentity()
    const identities = await parseIdentities(key.secretKey)
    const text = await encrypt('apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: s3cret\n  user: admin\n', {
      format: 'yaml',
      recipients: [key.recipient],
      rules: { encryptedRegex: '^(data|stringData)$' },
    })
    const fs = memoryFs({ 'base/db.sops.yaml': text })
    const [doc] = parseObjects(text)
    const moved: KubeObject = { ...(doc as KubeObject), metadata: { name: 'db', namespace: 'apps', labels: { env: 'prod' } } }
    const patched: KubeObject = { ...moved, stringData: { password: (moved.stringData as Record<string, string>).password ?? '' } }
    const ok = await decryptRendered([moved], { fs, identities })
    expect([ok.verified, ok.verifiedAtSource, ok.unverified]).toEqual([[], [{ group: '', kind: 'Secret', namespace: 'apps', name: 'db' }], []])
    expect(ok.objects[0]?.stringData).toEqual({ password: 's3cret', user: 'admin' })
    const lenient = await decryptRendered([patched], { fs, identities })
    expect(lenient.unverified).toEqual([{ group: '', kind: 'Secret', namespace: 'apps', name: 'db' }])
    expect(JSON.stringify(lenient.unverified)).not.toContain('s3cret')
    await expect(decryptRendered([patched], { fs, identities, integrity: 'strict' })).rejects.toMatchObject({ code: 'SOPS_MAC_MISMATCH', message: expect.stringMatching(/^Secret\/apps\/db: /) as unknown })
  })
})
