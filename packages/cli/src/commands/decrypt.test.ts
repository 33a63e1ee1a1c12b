import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encrypt, generateIdentity } from '@gitops-sdk/secrets'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIO } from '../context.js'
import { main } from '../main.js'

const dir = mkdtempSync(join(tmpdir(), 'gitops-decrypt-'))
let key: { secretKey: string; recipient: string }

function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), ...env },
    cwd: dir,
  }
  return main(argv, io).then((code) => ({ code, out, err }))
}

beforeAll(async () => {
  key = await generateIdentity()
  writeFileSync(join(dir, 'test-only-keys.txt'), `# test-only age key\n${key.secretKey}\n`)
  const plain = 'user: admin\npassword: hunter2\n'
  writeFileSync(join(dir, 'db.enc.yaml'), await encrypt(plain, { format: 'yaml', recipients: [key.recipient] }))
  writeFileSync(join(dir, 'app.enc.env'), await encrypt('TOKEN=abc\n', { format: 'dotenv', recipients: [key.recipient] }))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('gitops decrypt', () => {
  it('prints the plaintext of a file with the key from --age-key-file', async () => {
    const r = await run(['decrypt', 'db.enc.yaml', '--age-key-file', 'test-only-keys.txt'])
    expect(r).toEqual({ code: 0, out: 'user: admin\npassword: hunter2\n', err: '' })
  })

  it('reads the key from SOPS_AGE_KEY and prints JSON with --output-type json', async () => {
    const r = await run(['decrypt', 'app.enc.env', '--output-type', 'json'], { SOPS_AGE_KEY: key.secretKey })
    expect(r.code).toBe(0)
    expect(r.out).toBe('{\n\t"TOKEN": "abc"\n}\n')
  })

  it('prints the decrypted tree with -o json like --output-type json', async () => {
    const viaOutput = await run(['decrypt', 'app.enc.env', '-o', 'json'], { SOPS_AGE_KEY: key.secretKey })
    const viaType = await run(['decrypt', 'app.enc.env', '--output-type', 'json'], { SOPS_AGE_KEY: key.secretKey })
    expect(viaOutput.code).toBe(0)
    expect(viaOutput.out).toBe(viaType.out)
  })

  it('reads the key from SOPS_AGE_KEY_FILE and honours --input-type', async () => {
    const r = await run(['decrypt', 'app.enc.env', '--input-type', 'dotenv'], { SOPS_AGE_KEY_FILE: join(dir, 'test-only-keys.txt') })
    expect(r).toEqual({ code: 0, out: 'TOKEN=abc\n', err: '' })
  })

  it('refuses a tampered file with one line on stderr and exit 2', async () => {
    const { readFileSync } = await import('node:fs')
    const text = readFileSync(join(dir, 'db.enc.yaml'), 'utf8').replace(/lastmodified: "[^"]+"/, 'lastmodified: "2001-01-01T00:00:00Z"')
    writeFileSync(join(dir, 'tampered.enc.yaml'), text)
    const r = await run(['decrypt', 'tampered.enc.yaml', '--age-key-file', 'test-only-keys.txt'])
    expect(r.code).toBe(2)
    expect(r.out).toBe('')
    expect(r.err).toMatch(/^gitops decrypt: tampered\.enc\.yaml: the MAC cannot be decrypted.*\[SOPS_MAC_UNDECRYPTABLE\]\n$/)
  })

  it('fails without a matching key, and on a bad --input-type, with exit 2', async () => {
    const r = await run(['decrypt', 'db.enc.yaml'])
    expect(r.code).toBe(2)
    expect(r.err).toContain('[SOPS_NO_MATCHING_KEY]')
    const bad = await run(['decrypt', 'db.enc.yaml', '--input-type', 'toml'])
    expect(bad).toMatchObject({ code: 2, err: 'gitops decrypt: --input-type must be one of yaml, json, dotenv, ini, binary, not toml\n' })
  })
})

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url))

describe.skipIf(!existsSync(bin))('gitops decrypt as built', () => {
  it('decrypts through the binary with SOPS_AGE_KEY_FILE', () => {
    const r = spawnSync(process.execPath, [bin, 'decrypt', join(dir, 'db.enc.yaml')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: dir, SOPS_AGE_KEY_FILE: join(dir, 'test-only-keys.txt') },
    })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('user: admin\npassword: hunter2\n')
  })
})
