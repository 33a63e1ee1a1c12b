import { describe, expect, it } from 'vitest'
import { encrypt } from './encrypt.js'
import { generateIdentity } from './generateIdentity.js'
import { readKeyGroups } from './readKeyGroups.js'
import { updateKeys } from './updateKeys.js'
import { parseIdentities } from './parseIdentities.js'

describe('readKeyGroups', () => {
  it('lists the recipients of each key group without decrypting, and follows updateKeys', async () => {
    const [a, b, c] = [await generateIdentity(), await generateIdentity(), await generateIdentity()]
    const text = await encrypt('a: 1\n', { format: 'yaml', recipients: [a.recipient, b.recipient] })
    expect(readKeyGroups(text, { format: 'yaml' })).toEqual([{ age: [a.recipient, b.recipient] }])
    const split = await encrypt('{"a": 1}', { format: 'json', keyGroups: [{ age: [a.recipient] }, { age: [c.recipient] }] })
    expect(readKeyGroups(split, { format: 'json' })).toEqual([{ age: [a.recipient] }, { age: [c.recipient] }])
    const updated = await updateKeys(text, { format: 'yaml', identities: await parseIdentities(a.secretKey), recipients: [c.recipient] })
    expect(readKeyGroups(updated, { format: 'yaml' })).toEqual([{ age: [c.recipient] }])
  })

  it('refuses a file without sops metadata, naming it', () => {
    expect(() => readKeyGroups('a: 1\n', { format: 'yaml', source: 'plain.yaml' })).toThrow(expect.objectContaining({ code: 'SOPS_METADATA_NOT_FOUND', message: expect.stringMatching(/^plain\.yaml: /) as unknown }))
  })
})
