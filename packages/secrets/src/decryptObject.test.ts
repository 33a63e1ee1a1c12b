import { describe, expect, it } from 'vitest'
import { parseDocuments } from '@gitops-sdk/core'
import { decryptObject, encrypt, generateIdentity, parseIdentities } from './index.js'

describe('decryptObject', () => {
  it('verifies the MAC unless told not to, and still authenticates every value', async () => {
    const key = await generateIdentity()
    const identities = await parseIdentities(key.secretKey)
    const text = await encrypt('metadata:\n  name: db\nstringData:\n  password: s3cret\n', { format: 'yaml', recipients: [key.recipient], rules: { encryptedRegex: '^stringData$' } })
    const tree = parseDocuments(text)[0]?.value as Record<string, unknown>
    const moved = { ...tree, metadata: { name: 'db', namespace: 'prod' } }
    await expect(decryptObject(moved, { identities })).rejects.toMatchObject({ code: 'SOPS_MAC_MISMATCH' })
    expect(await decryptObject(moved, { identities, verifyMac: false })).toEqual({ metadata: { name: 'db', namespace: 'prod' }, stringData: { password: 's3cret' } })
    const data = tree.stringData as Record<string, string>
    const swapped = { ...tree, stringData: { other: data.password } }
    await expect(decryptObject(swapped, { identities, verifyMac: false })).rejects.toMatchObject({ code: 'SOPS_VALUE_AUTH_FAILED' })
  })
})
