import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decrypt, generateIdentity, parseIdentities } from '@gitops-sdk/secrets'
import { afterAll, describe, expect, it } from 'vitest'
import type { CliIO } from '../context.js'
import { main } from '../main.js'

const dir = mkdtempSync(join(tmpdir(), 'gitops-encrypt-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: dir }
  const code = await main(argv, io)
  return { code, out, err }
}

describe('gitops encrypt', () => {
  it('encrypts for every --age recipient and only the keys --encrypted-regex selects', async () => {
    const [a, b] = [await generateIdentity(), await generateIdentity()]
    writeFileSync(join(dir, 'secret.yaml'), 'kind: Secret\ndata:\n    password: aHVudGVyMg==\n')
    const r = await run(['encrypt', 'secret.yaml', '--age', `${a.recipient},${b.recipient}`, '--encrypted-regex', '^data$'])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toContain('kind: Secret\n')
    expect(r.out).toContain('encrypted_regex: ^data$')
    expect(r.out).not.toContain('aHVudGVyMg==')
    for (const key of [a, b]) {
      const plain = await decrypt(r.out, { format: 'yaml', identities: await parseIdentities(key.secretKey) })
      expect(new TextDecoder().decode(plain)).toBe('kind: Secret\ndata:\n    password: aHVudGVyMg==\n')
    }
  })

  it('needs recipients from a flag, SOPS_AGE_RECIPIENTS or .sops.yaml, exit 2', async () => {
    writeFileSync(join(dir, 'x.env'), 'A=1\n')
    expect(await run(['encrypt', 'x.env'])).toEqual({ code: 2, out: '', err: 'gitops encrypt: no recipients: pass --age or --pgp, set SOPS_AGE_RECIPIENTS, or add a creation rule to .sops.yaml\n' })
  })

  it('refuses a file that is already encrypted, exit 2', async () => {
    const { recipient } = await generateIdentity()
    writeFileSync(join(dir, 'twice.json'), '{"a": "b", "sops": {}}')
    const r = await run(['encrypt', 'twice.json', '--age', recipient])
    expect(r.code).toBe(2)
    expect(r.err).toContain('[SOPS_ALREADY_ENCRYPTED]')
  })
})
