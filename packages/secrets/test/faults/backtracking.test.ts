import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Inputs on which a backtracking pattern of secrets used to take minutes (a near-miss encrypted
// value, read before any key or MAC is checked) or overflow the stack (a JSON string of megabytes).
// Each runs against the built package in a child process with a bound, so that a regression fails
// the test instead of holding the test runner: not a timing test, the bound is far from linear time.
const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url))

function runBounded(script: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe.skipIf(!existsSync(dist))('patterns that backtracked', () => {
  it('refuses a near-miss ENC[…] value of kilobytes at once, typed', () => {
    const run = runBounded(`
      import { decrypt, generateIdentity, parseIdentities } from ${JSON.stringify(dist)}
      const value = 'ENC[AES256_GCM,data:' + ',iv:,tag:,type:'.repeat(3000)
      const file = JSON.stringify({ v: value, sops: { age: [{ recipient: 'age1x', enc: 'x' }], lastmodified: '2024-01-01T00:00:00Z', mac: 'ENC[AES256_GCM,data:QUJD,iv:QUJD,tag:QUJD,type:str]', version: '3.9.0' } })
      const identities = await parseIdentities((await generateIdentity()).secretKey)
      try { await decrypt(file, { format: 'json', identities }); console.log('decrypted') } catch (e) { console.log(typeof e.code === 'string' ? 'typed' : 'untyped ' + e.message) }`)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('typed')
  })

  it('reads a JSON string of megabytes without overflowing the stack', () => {
    const run = runBounded(`
      import { encrypt, decrypt, generateIdentity, parseIdentities } from ${JSON.stringify(dist)}
      const key = await generateIdentity()
      const identities = await parseIdentities(key.secretKey)
      const plain = JSON.stringify({ v: 'x'.repeat(5_500_000) + '\\\\n' + 'y'.repeat(5_500_000) })
      const enc = await encrypt(plain, { format: 'json', recipients: [key.recipient] })
      const out = JSON.parse(new TextDecoder().decode(await decrypt(enc, { format: 'json', identities })))
      console.log(out.v.length)`)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('11000002')
  })
})
