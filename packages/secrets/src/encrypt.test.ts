import { decryptSops } from 'sops-age'
import { beforeAll, describe, expect, it } from 'vitest'
import { decrypt } from './decrypt.js'
import { encrypt } from './encrypt.js'
import { generateIdentity } from './generateIdentity.js'
import { parseIdentities } from './parseIdentities.js'
import type { AgeIdentity, EncryptionRules, SopsFormat } from './types.js'

let key: { secretKey: string; recipient: string }
let identities: AgeIdentity[]
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

beforeAll(async () => {
  key = await generateIdentity()
  identities = await parseIdentities(key.secretKey)
})

const PLAINTEXT: Record<Exclude<SopsFormat, 'binary'>, string> = {
  yaml: `# a Secret
apiVersion: v1
kind: Secret
metadata:
    name: db # inline
stringData:
    password: hunter2
    count: 3
    ratio: 0.25
    enabled: true
    nothing: null
    when: 2024-01-01T10:00:00Z
    lines: |
        one
        two
    list:
        - a
        - b: c
plain_unencrypted: visible
---
second: document
`,
  json: '{\n\t"user": "admin",\n\t"password": "hunter2",\n\t"port": 5432,\n\t"ratio": 0.5,\n\t"tls": true,\n\t"big": 9223372036854775807,\n\t"nested": {\n\t\t"list": [\n\t\t\t"x",\n\t\t\t1\n\t\t]\n\t},\n\t"plain_unencrypted": "visible"\n}\n',
  dotenv: '# settings\nUSER=admin\nPASSWORD=hunter2\nMULTI=line1\\nline2\nSPACED = kept \nplain_unencrypted=visible\n',
  ini: '; about the db\n[db]\nuser     = admin\npassword = hunter2\n\n[plain_unencrypted]\nnote = visible\n',
}

describe('encrypt', () => {
  it.for(Object.entries(PLAINTEXT))('round-trips a %s file byte for byte', async ([format, plain]) => {
    const enc = await encrypt(plain, { format: format as SopsFormat, recipients: [key.recipient] })
    expect(enc).not.toContain('hunter2')
    expect(enc).toContain('visible')
    expect(text(await decrypt(enc, { format: format as SopsFormat, identities }))).toBe(plain)
  })

  it('round-trips a binary file that is not UTF-8', async () => {
    const bytes = new Uint8Array([0, 255, 254, 10, 13, 0x80, 65])
    const enc = await encrypt(bytes, { format: 'binary', recipients: [key.recipient], rules: { encryptedRegex: 'nothing' } })
    expect(JSON.parse(enc)).toHaveProperty('data')
    expect(await decrypt(enc, { format: 'binary', identities })).toEqual(bytes)
  })

  it('round-trips a binary file of several megabytes (its value checked as base64 without overflowing the stack)', async () => {
    const bytes = new Uint8Array(4 << 20).map((_, i) => (i * 7919) & 0xff)
    const enc = await encrypt(bytes, { format: 'binary', recipients: [key.recipient] })
    expect(enc.length).toBeGreaterThan(5 << 20)
    // Buffer's compare: vitest's toEqual walks a typed array element by element (tens of seconds here).
    const out = await decrypt(enc, { format: 'binary', identities })
    expect(out.length).toBe(bytes.length)
    expect(Buffer.from(out.buffer, out.byteOffset, out.length).equals(bytes)).toBe(true)
  })

  it.for(['yaml', 'json', 'dotenv'] as const)('writes %s files that sops-age, an independent implementation, decrypts', async (format) => {
    const plain = format === 'dotenv' ? 'USER=admin\nPASSWORD=hunter2\n' : format === 'json' ? '{"user": "admin", "n": {"p": "hunter2"}}' : 'user: admin\nn:\n    p: hunter2\n'
    const enc = await encrypt(plain, { format, recipients: [key.recipient] })
    const fileType = format === 'dotenv' ? 'env' : format
    const out = (await decryptSops(enc, { secretKey: key.secretKey, fileType })) as Record<string, unknown>
    expect(out).toEqual(format === 'dotenv' ? { USER: 'admin', PASSWORD: 'hunter2' } : { user: 'admin', n: { p: 'hunter2' } })
  })

  const RULES: [string, EncryptionRules, string[], string[]][] = [
    ['unencryptedSuffix', { unencryptedSuffix: '_clear' }, ['hunter2', 'tok'], ['seen']],
    ['encryptedSuffix', { encryptedSuffix: '_secret' }, ['hunter2'], ['seen', 'tok']],
    ['unencryptedRegex', { unencryptedRegex: '^(name|shown_clear)$' }, ['hunter2', 'tok'], ['seen']],
    ['encryptedRegex', { encryptedRegex: '^pass' }, ['hunter2'], ['seen', 'tok']],
    ['encryptedCommentRegex', { encryptedCommentRegex: 'sops:enc' }, ['tok'], ['seen', 'hunter2']],
    ['unencryptedCommentRegex', { unencryptedCommentRegex: 'sops:clear' }, ['hunter2', 'tok'], ['seen']],
    ['macOnlyEncrypted', { encryptedRegex: '^pass', macOnlyEncrypted: true }, ['hunter2'], ['seen', 'tok']],
  ]
  const RULE_FILE = 'password_secret: hunter2\nshown_clear: seen\n# sops:enc\ntoken: tok\n'

  it.for(RULES)('applies the %s rule and decrypts back', async ([, rules, hidden, shown]) => {
    const plain = rules.unencryptedCommentRegex === undefined ? RULE_FILE : 'password_secret: hunter2\n# sops:clear\nshown_clear: seen\ntoken: tok\n'
    const enc = await encrypt(plain, { format: 'yaml', recipients: [key.recipient], rules })
    for (const h of hidden) expect(enc).not.toContain(`: ${h}`)
    for (const s of shown) expect(enc).toContain(`: ${s}`)
    expect(text(await decrypt(enc, { format: 'yaml', identities }))).toBe(plain)
  })

  it('lets plaintext values change under macOnlyEncrypted, and refuses that otherwise', async () => {
    const plain = 'password: hunter2\nreplicas: 1\n'
    const macOnly = await encrypt(plain, { format: 'yaml', recipients: [key.recipient], rules: { encryptedRegex: '^password$', macOnlyEncrypted: true } })
    expect(text(await decrypt(macOnly.replace('replicas: 1', 'replicas: 3'), { format: 'yaml', identities }))).toContain('replicas: 3')
    const full = await encrypt(plain, { format: 'yaml', recipients: [key.recipient], rules: { encryptedRegex: '^password$' } })
    await expect(decrypt(full.replace('replicas: 1', 'replicas: 3'), { format: 'yaml', identities })).rejects.toMatchObject({ code: 'SOPS_MAC_MISMATCH' })
  })

  it('splits the data key over key groups with a Shamir threshold', async () => {
    const [a, b, c] = [await generateIdentity(), await generateIdentity(), await generateIdentity()]
    const enc = await encrypt('k: v\n', { format: 'yaml', keyGroups: [{ age: [a.recipient] }, { age: [b.recipient] }, { age: [c.recipient] }], shamirThreshold: 2 })
    expect(enc).toContain('shamir_threshold: 2')
    const two = [...(await parseIdentities(a.secretKey)), ...(await parseIdentities(c.secretKey))]
    expect(text(await decrypt(enc, { format: 'yaml', identities: two }))).toBe('k: v\n')
    await expect(decrypt(enc, { format: 'yaml', identities: await parseIdentities(b.secretKey) })).rejects.toMatchObject({
      code: 'SOPS_SHAMIR_THRESHOLD_NOT_MET',
    })
  })

  it('encrypts for post-quantum hybrid recipients', async () => {
    const pq = await generateIdentity({ kind: 'hybrid' })
    const enc = await encrypt('A=1\n', { format: 'dotenv', recipients: [pq.recipient] })
    expect(text(await decrypt(enc, { format: 'dotenv', identities: await parseIdentities(pq.secretKey) }))).toBe('A=1\n')
  })

  it('writes lastmodified from the injected clock', async () => {
    const enc = await encrypt('a: b\n', { format: 'yaml', recipients: [key.recipient], clock: { now: () => new Date('2030-02-03T04:05:06.789Z') } })
    expect(enc).toContain('lastmodified: "2030-02-03T04:05:06Z"')
  })

  it('refuses a file that already has sops metadata, two rules, and no recipients', async () => {
    await expect(encrypt('a: b\nsops: {}\n', { format: 'yaml', recipients: [key.recipient] })).rejects.toMatchObject({ code: 'SOPS_ALREADY_ENCRYPTED' })
    await expect(encrypt('a: b\n', { format: 'yaml', recipients: [key.recipient], rules: { encryptedRegex: 'a', encryptedSuffix: 'b' } })).rejects.toMatchObject({
      code: 'SOPS_METADATA_INVALID',
    })
    await expect(encrypt('a: b\n', { format: 'yaml', recipients: [] })).rejects.toBeInstanceOf(TypeError)
    await expect(encrypt('a: b\n', { format: 'yaml', recipients: ['age1nope'] })).rejects.toMatchObject({ code: 'SOPS_RECIPIENT_INVALID' })
  })

  it('rejects with the abort reason, untouched', async () => {
    const reason = new Error('stop')
    await expect(encrypt('a: b\n', { format: 'yaml', recipients: [key.recipient], signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
  })
})

describe('encrypt, on malformed input', () => {
  const SECRET = 'hunter2secret'
  const MALFORMED: { name: string; format: SopsFormat; input: string }[] = [
    { name: 'a yaml value that does not fit its !!int tag', format: 'yaml', input: `a: !!int ${SECRET}\n` },
    { name: 'a yaml value that does not fit its !!float tag', format: 'yaml', input: `a: !!float ${SECRET}\n` },
    { name: 'a yaml !!binary value that is not base64', format: 'yaml', input: `a: !!binary ${SECRET}\n` },
    { name: 'a yaml escape that does not exist', format: 'yaml', input: `a: "${SECRET}\\q"\n` },
    { name: 'a yaml block scalar header with text after it', format: 'yaml', input: `a: |${SECRET}\n    x\n` },
    { name: 'a yaml flow mapping that is not closed', format: 'yaml', input: `a: {b: ${SECRET}\n` },
    { name: 'a yaml plain scalar with a reserved first character', format: 'yaml', input: `a: @${SECRET}\n` },
    { name: 'a json string that is not closed', format: 'json', input: `{"a": "${SECRET}` },
    { name: 'a json value that is not a value', format: 'json', input: `{"a": ${SECRET}}` },
    { name: 'an ini line without a delimiter', format: 'ini', input: `[s]\na ${SECRET}\n` },
    { name: 'a dotenv line without a delimiter', format: 'dotenv', input: `A ${SECRET}\n` },
  ]

  it.for(MALFORMED)('names no value in the error for $name', async ({ format, input }) => {
    const error: unknown = await encrypt(input, { format, recipients: [key.recipient] }).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(error).toMatchObject({ code: 'SOPS_INPUT_INVALID' })
    const seen = JSON.stringify({ message: (error as Error).message, json: error, cause: String((error as Error).cause) })
    expect(seen).not.toContain(SECRET)
    expect(seen).not.toContain('hunter2')
  })

  it('names the line and the tag of a value that does not fit its tag', async () => {
    await expect(encrypt(`ok: 1\na: !!int ${SECRET}\n`, { format: 'yaml', recipients: [key.recipient] })).rejects.toMatchObject({
      code: 'SOPS_INPUT_INVALID',
      message: '<input>: line 2: the value cannot be decoded as !!int',
    })
  })
})

// go-yaml v3 decodes `!!binary` into a Go string of the decoded bytes, so sops encrypts and hashes
// those bytes as type `str` and prints them back as a plain string, or as `!!binary` when they are
// not UTF-8 (go-yaml encode.go `stringv`).
describe('encrypt, on YAML !!binary values', () => {
  const CLEAR = { unencryptedRegex: '^bin$' }
  const LONG = new Uint8Array(60).map((_, i) => 0x80 + i)
  const LONG_B64 = Buffer.from(LONG).toString('base64')

  it.for([
    { name: 'UTF-8 bytes', input: 'bin: !!binary aGVsbG8=\n', output: 'bin: hello\n' },
    { name: 'UTF-8 bytes in a literal block', input: 'bin: !!binary |\n    aGVs\n    bG8=\n', output: 'bin: hello\n' },
    { name: 'bytes that are not UTF-8', input: 'bin: !!binary /w==\n', output: 'bin: !!binary /w==\n' },
    {
      name: 'a long value that is not UTF-8',
      input: `bin: !!binary ${LONG_B64}\n`,
      output: `bin: !!binary |\n    ${LONG_B64.slice(0, 70)}\n    ${LONG_B64.slice(70)}\n`,
    },
  ])('round-trips $name, encrypted and left unencrypted', async ({ input, output }) => {
    for (const rules of [undefined, CLEAR]) {
      const enc = await encrypt(input, { format: 'yaml', recipients: [key.recipient], rules })
      expect(text(await decrypt(enc, { format: 'yaml', identities }))).toBe(output)
      const again = await encrypt(output, { format: 'yaml', recipients: [key.recipient], rules })
      expect(text(await decrypt(again, { format: 'yaml', identities }))).toBe(output)
    }
  })

  it('encrypts the decoded bytes as a str, which sops-age decrypts', async () => {
    const enc = await encrypt('bin: !!binary aGVsbG8=\n', { format: 'yaml', recipients: [key.recipient] })
    const data = /bin: ENC\[AES256_GCM,data:([^,]*),.*type:str\]/.exec(enc)?.[1]
    expect(Buffer.from(data ?? '', 'base64')).toHaveLength(5)
    expect(await decryptSops(enc, { secretKey: key.secretKey, fileType: 'yaml' })).toEqual({ bin: 'hello' })
  })

  it('keeps the decoded bytes when the value is left unencrypted', async () => {
    expect(await encrypt('bin: !!binary aGVsbG8=\n', { format: 'yaml', recipients: [key.recipient], rules: CLEAR })).toMatch(/^bin: hello\n/)
    expect(await encrypt('bin: !!binary /w==\n', { format: 'yaml', recipients: [key.recipient], rules: CLEAR })).toMatch(/^bin: !!binary \/w==\n/)
  })

  it('prints bytes that are not UTF-8 in JSON as Go does, one \\ufffd per bad byte', async () => {
    const enc = await encrypt('bin: !!binary /2hp/w==\n', { format: 'yaml', recipients: [key.recipient] })
    expect(text(await decrypt(enc, { format: 'yaml', outputFormat: 'json', identities }))).toBe('{\n\t"bin": "\\ufffdhi\\ufffd"\n}\n')
  })
})

// go-yaml v3 resolves an integer between 2^63 and 2^64-1 to a uint64, which sops cannot hash or
// encrypt (ToBytes: "unknown type uint64"), so sops refuses such a file unless the value is outside
// the MAC (macOnlyEncrypted and unencrypted).
describe('encrypt, on YAML integers beyond int64', () => {
  const BIG = '12345678901234567890'

  it('round-trips the int64 bounds as ints', async () => {
    const plain = 'max: 9223372036854775807\nmin: -9223372036854775808\n'
    const enc = await encrypt(plain, { format: 'yaml', recipients: [key.recipient] })
    expect(enc.match(/type:int/g)).toHaveLength(2)
    expect(text(await decrypt(enc, { format: 'yaml', identities }))).toBe(plain)
  })

  it.for([
    { name: 'encrypted', rules: undefined },
    { name: 'left unencrypted but in the MAC', rules: { unencryptedRegex: '^x$' } },
  ])('refuses a larger one $name, naming its path but not its value', async ({ rules }) => {
    const error: unknown = await encrypt(`x: ${BIG}\n`, { format: 'yaml', recipients: [key.recipient], rules }).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(error).toMatchObject({ code: 'SOPS_INPUT_INVALID', details: { path: 'x' } })
    expect((error as Error).message).toMatch(/^<input>: x: integer outside the int64 range/)
    expect((error as Error).message).not.toContain(BIG)
  })

  it('refuses a larger one tagged !!float, as go-yaml does', async () => {
    await expect(encrypt(`x: !!float ${BIG}\n`, { format: 'yaml', recipients: [key.recipient] })).rejects.toMatchObject({
      code: 'SOPS_INPUT_INVALID',
      message: '<input>: line 1: the value cannot be decoded as !!float',
    })
  })

  it('keeps a larger one outside the MAC as it is', async () => {
    const plain = `password: hunter2\nx: ${BIG}\n`
    const enc = await encrypt(plain, { format: 'yaml', recipients: [key.recipient], rules: { encryptedRegex: '^password$', macOnlyEncrypted: true } })
    expect(enc).toContain(`x: ${BIG}\n`)
    expect(text(await decrypt(enc, { format: 'yaml', identities }))).toBe(plain)
  })

  it('refuses to decrypt a file whose MAC would have to cover one', async () => {
    const enc = await encrypt('password: hunter2\nx: 1\n', { format: 'yaml', recipients: [key.recipient], rules: { unencryptedRegex: '^x$' } })
    await expect(decrypt(enc.replace('x: 1\n', `x: ${BIG}\n`), { format: 'yaml', identities })).rejects.toMatchObject({
      code: 'SOPS_BAD_VALUE_FORMAT',
      details: { path: 'x' },
    })
  })
})
