// Bad `enc` values (the armored age file holding the data key) against decrypt, which opens them on
// node:crypto for X25519 identities and through age-encryption for post-quantum ones: every damaged,
// cut, foreign or non-armored file is refused as SOPS_NO_MATCHING_KEY naming the source, with no key
// material in the message; a mix of both kinds of identity still opens the file.
import { beforeAll, describe, expect, it } from 'vitest'
import { decrypt, encrypt, generateIdentity, parseIdentities, SopsError } from '../../src/index.js'
import type { AgeIdentity } from '../../src/index.js'

const PLAIN = 'user: admin\npassword: hunter2\n'
let recipient: string
let secretKey: string
let identities: AgeIdentity[]
let encrypted: string
let enc: string

// The `enc` block scalar of the one age entry: its lines, indentation removed.
function encOf(file: string): string {
  const match = /enc: \|\n((?: {12}.*\n)+)/.exec(file)
  if (match === null) throw new Error('no enc block')
  return (match[1] ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '').join('\n') + '\n'
}

function withEnc(file: string, replacement: string): string {
  const body = replacement.split('\n').filter((l) => l !== '').map((l) => `            ${l}`).join('\n')
  return file.replace(/enc: \|\n((?: {12}.*\n)+)/, `enc: |\n${body}\n`)
}

beforeAll(async () => {
  const key = await generateIdentity()
  recipient = key.recipient
  secretKey = key.secretKey
  identities = await parseIdentities(secretKey)
  encrypted = await encrypt(PLAIN, { format: 'yaml', recipients: [recipient] })
  enc = encOf(encrypted)
})

describe('decrypt refuses damaged age files', () => {
  it('opens the file as written, with X25519 identities and with a post-quantum one beside them', async () => {
    expect(new TextDecoder().decode(await decrypt(encrypted, { format: 'yaml', identities }))).toBe(PLAIN)
    const hybrid = await generateIdentity({ kind: 'hybrid' })
    const mixed = [...(await parseIdentities(hybrid.secretKey)), ...identities]
    expect(new TextDecoder().decode(await decrypt(encrypted, { format: 'yaml', identities: mixed }))).toBe(PLAIN)
  })

  it('refuses each damaged enc as SOPS_NO_MATCHING_KEY, naming the source', async () => {
    const lines = enc.trim().split('\n')
    const body = Buffer.from(lines.slice(1, -1).join(''), 'base64')
    const rearmor = (bytes: Buffer): string => {
      const b64 = bytes.toString('base64')
      const out = ['-----BEGIN AGE ENCRYPTED FILE-----']
      for (let i = 0; i < b64.length; i += 64) out.push(b64.slice(i, i + 64))
      out.push('-----END AGE ENCRYPTED FILE-----')
      return out.join('\n')
    }
    const flipped = (at: number): string => {
      const bad = Buffer.from(body)
      bad[at] = (bad[at] as number) ^ 0x04
      return rearmor(bad)
    }
    const other = encOf(await encrypt(PLAIN, { format: 'yaml', recipients: [(await generateIdentity()).recipient] }))
    const macAt = body.indexOf('--- ') + 6
    // Another MAC of the same length in valid base64 (43 characters for 32 bytes).
    const otherMac = (): string => {
      const at = body.indexOf('--- ') + 4
      const mac = body.subarray(at, at + 43).toString('latin1')
      const bad = Buffer.from(body)
      bad.write(mac === 'A'.repeat(43) ? `Q${'A'.repeat(42)}` : 'A'.repeat(43), at, 'latin1')
      return rearmor(bad)
    }
    // The MAC check itself refuses it (decrypt reports only that no identity opened the key).
    const { openAgeFile, decodeArmor } = await import('../../src/internal/ageFile.js')
    const { secretOf } = await import('../../src/internal/ageIdentity.js')
    const unwrappers = identities.map((i) => secretOf(i) as Parameters<typeof openAgeFile>[1][number])
    await expect(openAgeFile(decodeArmor(otherMac()), unwrappers)).rejects.toThrow(/^invalid age header MAC$/)
    const cases: Record<string, string> = {
      'another recipient': other,
      'a flipped stanza byte': flipped(body.indexOf('-> X25519 ') + 14),
      'another MAC': otherMac(),
      'a flipped payload byte': flipped(body.byteLength - 3),
      'a cut payload': rearmor(body.subarray(0, body.byteLength - 5)),
      'a cut header': rearmor(body.subarray(0, macAt)),
      'no armor': body.toString('base64'),
      'a broken armor line': [lines[0], `${(lines[1] ?? '').slice(0, 40)}!`, ...lines.slice(2)].join('\n'),
    }
    for (const [what, replacement] of Object.entries(cases)) {
      const err: unknown = await decrypt(withEnc(encrypted, replacement), { format: 'yaml', identities, source: 'secrets/db.enc.yaml' }).catch((e: unknown) => e)
      expect(err, what).toBeInstanceOf(SopsError)
      expect((err as SopsError).code, what).toBe('SOPS_NO_MATCHING_KEY')
      expect((err as SopsError).message, what).toContain('secrets/db.enc.yaml')
      expect((err as SopsError).message, what).not.toContain(secretKey)
      expect((err as SopsError).message, what).not.toContain('hunter2')
    }
  })
})

describe('encrypt refuses recipients it cannot write to', () => {
  it('is SOPS_RECIPIENT_INVALID for a low-order X25519 key, a bad checksum and a non-key', async () => {
    const { bech32Encode } = await import('../../src/internal/bech32.js')
    const lowOrder = bech32Encode('age', new Uint8Array(32))
    const badChecksum = `${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}`
    for (const bad of [lowOrder, badChecksum, 'age1notakey', 'ssh-ed25519 AAAA']) {
      const err: unknown = await encrypt(PLAIN, { format: 'yaml', recipients: [bad] }).catch((e: unknown) => e)
      expect(err, bad).toBeInstanceOf(SopsError)
      expect((err as SopsError).code, bad).toBe('SOPS_RECIPIENT_INVALID')
    }
  })
})
