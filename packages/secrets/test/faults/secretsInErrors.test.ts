// Secret key material given where a recipient (or an identity) belongs never reaches an error: not
// its message, its details, its cause nor its JSON form. Such a string is named by kind and length.
import { beforeAll, describe, expect, it } from 'vitest'
import { createPgpKeyProvider, decrypt, encrypt, generateIdentity, parseIdentities, rotate, SopsError } from '../../src/index.js'

let secretKey: string
let recipient: string

beforeAll(async () => {
  const key = await generateIdentity()
  secretKey = key.secretKey
  recipient = key.recipient
})

/** Every place an error carries text, as one string. */
function everything(err: unknown): string {
  const e = err as SopsError
  return [e.message, JSON.stringify(e.details), JSON.stringify(e.toJSON()), (e.cause as Error | undefined)?.message ?? '', (e.cause as Error | undefined)?.stack ?? ''].join('\n')
}

/** Distinctive inner parts of a secret: none may appear anywhere in the error. */
function fragments(secret: string): string[] {
  const inner = secret.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')
  const out: string[] = []
  for (let i = 0; i + 12 <= inner.length; i += 12) out.push(inner.slice(i, i + 12))
  return out
}

function expectNoSecret(err: unknown, secret: string, what: string): void {
  expect(err, what).toBeInstanceOf(SopsError)
  const text = everything(err)
  expect(text, what).not.toContain(secret.trim())
  for (const f of fragments(secret.replace(/^(AGE-SECRET-KEY-(PQ-)?1|AGE-PLUGIN-[A-Z0-9]+-1)/i, ''))) expect(text, `${what}: ${f}`).not.toContain(f)
}

const OPENSSH_PRIVATE = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDqzLJT9mRkVdZSuhR8oFMSxCvZq9DdGQdOUOmjTu3hNQAAAJgZ0y6pGdMu',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n')

const PGP_PRIVATE = [
  '-----BEGIN PGP PRIVATE KEY BLOCK-----',
  '',
  'lFgEZ9mG0RYJKwYBBAHaRw8BAQdAsZ0NyJ4cBqv7zY1h3fW5rGg8uTn2s4XkQm9LpEaVxyAA',
  '=Ab1c',
  '-----END PGP PRIVATE KEY BLOCK-----',
].join('\n')

describe('a secret given as an age recipient', () => {
  it('is SOPS_RECIPIENT_INVALID named by kind and length, for encrypt', async () => {
    const cases: Record<string, [string, RegExp]> = {
      'an age secret key': [secretKey, /^\(an age secret key, 74 characters\): not an age recipient/],
      'a lower-case one': [secretKey.toLowerCase(), /^\(an age secret key, 74 characters\)/],
      'one after a recipient': [`${recipient}\n${secretKey}`, /^\(an age secret key, \d+ characters\)/],
      'an age plugin identity': ['AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ', /^\(an age plugin identity, 54 characters\)/],
      'an OpenSSH private key': [OPENSSH_PRIVATE, /^\(a private key, \d+ characters\)/],
      'an OpenSSH private key after ssh-': [`ssh-ed25519 ${OPENSSH_PRIVATE}`, /^\(a private key, \d+ characters\)/],
      'a PGP private key': [PGP_PRIVATE, /^\(a private key, \d+ characters\)/],
      'a raw base64 secret': ['c2VjcmV0LXZhbHVlLW9mLTMyLWJ5dGVzLWxvbmcuLi4u', /^\("c2Vj"…, 44 characters\): not an age recipient/],
    }
    for (const [what, [bad, message]] of Object.entries(cases)) {
      const err: unknown = await encrypt('a: b\n', { format: 'yaml', recipients: [bad] }).catch((e: unknown) => e)
      expectNoSecret(err, bad.startsWith(recipient) ? secretKey : bad, what)
      expect((err as SopsError).code, what).toBe('SOPS_RECIPIENT_INVALID')
      expect((err as SopsError).message, what).toMatch(message)
    }
  })

  it('is named the same way when rotate re-wraps for a recipient in the file', async () => {
    const file = await encrypt('a: b\n', { format: 'yaml', recipients: [recipient] })
    const identities = await parseIdentities(secretKey)
    const edited = file.replace(`recipient: ${recipient}`, `recipient: ${secretKey}`)
    expect(edited).not.toBe(file)
    const err: unknown = await rotate(edited, { format: 'yaml', identities }).catch((e: unknown) => e)
    expectNoSecret(err, secretKey, 'rotate')
    expect((err as SopsError).code).toBe('SOPS_RECIPIENT_INVALID')
  })

  it('is named by kind in the recipients of SOPS_NO_MATCHING_KEY', async () => {
    const file = await encrypt('a: b\n', { format: 'yaml', recipients: [recipient] })
    const edited = file.replace(`recipient: ${recipient}`, `recipient: ${secretKey}`)
    const other = await parseIdentities((await generateIdentity()).secretKey)
    const err: unknown = await decrypt(edited, { format: 'yaml', identities: other }).catch((e: unknown) => e)
    expectNoSecret(err, secretKey, 'decrypt')
    expect((err as SopsError).code).toBe('SOPS_NO_MATCHING_KEY')
    expect((err as SopsError).details).toMatchObject({ recipients: ['(an age secret key, 74 characters)'] })
    // A public recipient is still named in full.
    const plain: unknown = await decrypt(file, { format: 'yaml', identities: other }).catch((e: unknown) => e)
    expect((plain as SopsError).details).toMatchObject({ recipients: [recipient] })
  })
})

describe('a secret given as a pgp fingerprint', () => {
  it('is SOPS_RECIPIENT_INVALID named by kind and length', async () => {
    const pgp = await createPgpKeyProvider({})
    for (const bad of [PGP_PRIVATE, secretKey]) {
      const err: unknown = await pgp.wrap!(new Uint8Array(32), bad, {}).catch((e: unknown) => e)
      expectNoSecret(err, bad, bad.slice(0, 20))
      expect((err as SopsError).code).toBe('SOPS_RECIPIENT_INVALID')
      expect((err as SopsError).message).toMatch(/^\((a private key|an age secret key), \d+ characters\): no OpenPGP public key/)
    }
    const err: unknown = await pgp.wrap!(new Uint8Array(32), 'fbc7 b9e2 a4f9 289a', {}).catch((e: unknown) => e)
    expect((err as SopsError).message).toMatch(/^FBC7B9E2A4F9289A: no OpenPGP public key/)
  })
})

describe('a malformed identity', () => {
  it('is SOPS_IDENTITY_INVALID without the key, in message or cause (post-quantum keys too)', async () => {
    const hybrid = (await generateIdentity({ kind: 'hybrid' })).secretKey
    const flip = (key: string): string => `${key.slice(0, -1)}${key.endsWith('Q') ? 'P' : 'Q'}`
    for (const bad of [flip(hybrid), flip(secretKey)]) {
      const err: unknown = await parseIdentities(`# keys\n${bad}\n`, { source: 'keys.txt' }).catch((e: unknown) => e)
      expectNoSecret(err, bad, bad.slice(0, 20))
      expect((err as SopsError).code).toBe('SOPS_IDENTITY_INVALID')
      expect((err as SopsError).message).toMatch(/^keys\.txt: line 2: malformed/)
    }
  })
})
