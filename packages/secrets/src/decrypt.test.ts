import { memoryFs } from '@gitops-sdk/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { decrypt } from './decrypt.js'
import { decryptFile } from './decryptFile.js'
import { encrypt } from './encrypt.js'
import { generateIdentity } from './generateIdentity.js'
import { parseIdentities } from './parseIdentities.js'
import type { AgeIdentity } from './types.js'

let key: { secretKey: string; recipient: string }
let identities: AgeIdentity[]
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

beforeAll(async () => {
  key = await generateIdentity()
  identities = await parseIdentities(key.secretKey)
})

describe('decrypt', () => {
  it('keeps comments and every document of a multi-document YAML file', async () => {
    const plain = '# head\na: 1 # line\nb:\n    # inside\n    c: x\n---\n# second\nd: [1, 2]\n'
    const enc = await encrypt(plain, { format: 'yaml', recipients: [key.recipient] })
    expect(text(await decrypt(enc, { format: 'yaml', identities }))).toBe('# head\na: 1 # line\nb:\n    # inside\n    c: x\n---\n# second\nd:\n    - 1\n    - 2\n')
  })

  it('prints any store as JSON with outputFormat json', async () => {
    const enc = await encrypt('[s]\nk = v\n', { format: 'ini', recipients: [key.recipient] })
    expect(text(await decrypt(enc, { format: 'ini', outputFormat: 'json', identities }))).toBe('{\n\t"s": {\n\t\t"k": "v"\n\t}\n}\n')
  })

  it('names the file and key path of a tampered value, never its plaintext or the key', async () => {
    const enc = await encrypt('db:\n    password: hunter2\n    user: admin\n', { format: 'yaml', recipients: [key.recipient] })
    const [pw, user] = [/password: (.*)/.exec(enc)![1]!, /user: (.*)/.exec(enc)![1]!]
    const swapped = enc.replace(pw, 'X').replace(user, pw).replace('X', user)
    const err = (await decrypt(swapped, { format: 'yaml', identities, source: 'db.yaml' }).catch((e: unknown) => e)) as Error & { details: unknown }
    expect(err).toMatchObject({ code: 'SOPS_VALUE_AUTH_FAILED', message: expect.stringMatching(/^db\.yaml: db\.password: /) as unknown })
    const all = JSON.stringify({ message: err.message, details: err.details })
    for (const secret of ['hunter2', 'admin', key.secretKey]) expect(all).not.toContain(secret)
  })

  it('rejects files without metadata, unknown formats and unparsable input with typed errors', async () => {
    await expect(decrypt('a: b\n', { format: 'yaml', identities })).rejects.toMatchObject({ code: 'SOPS_METADATA_NOT_FOUND' })
    await expect(decrypt('a: b\n', { format: 'toml' as never, identities })).rejects.toMatchObject({ code: 'SOPS_UNSUPPORTED_FORMAT' })
    await expect(decrypt('a: [\n', { format: 'yaml', identities, source: 'x.yaml' })).rejects.toMatchObject({ code: 'SOPS_INPUT_INVALID' })
    await expect(decrypt('- a\n', { format: 'yaml', identities })).rejects.toMatchObject({ code: 'SOPS_INPUT_INVALID' })
    await expect(decrypt('NOEQUALS\n', { format: 'dotenv', identities })).rejects.toMatchObject({ code: 'SOPS_INPUT_INVALID' })
  })

  it('rejects with the abort reason, untouched', async () => {
    const reason = new Error('stop')
    await expect(decrypt('a: b\n', { format: 'yaml', identities, signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
  })
})

describe('decryptFile', () => {
  it('reads through the file system with the format from the extension', async () => {
    const fs = memoryFs({ 'secrets/app.env': await encrypt('A=1\n', { format: 'dotenv', recipients: [key.recipient] }) })
    expect(text(await decryptFile('secrets/app.env', { fs, identities }))).toBe('A=1\n')
    await expect(decryptFile('secrets/none.env', { fs, identities })).rejects.toMatchObject({ code: 'CORE_FS_NOT_FOUND' })
    await expect(decryptFile('../x.env', { fs, identities })).rejects.toMatchObject({ code: 'SOPS_PATH_ESCAPES_ROOT' })
    await expect(decryptFile('secrets/app.env', { fs, identities, maxFileSize: 10 })).rejects.toMatchObject({ code: 'SOPS_FILE_TOO_LARGE' })
  })
})
