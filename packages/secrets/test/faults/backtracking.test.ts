import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// Inputs on which a backtracking pattern of secrets used to take minutes (a near-miss encrypted
// value, read before any key or MAC is checked) or overflow the stack (a JSON string of megabytes).
// Each runs from the sources in a child process (testing/isolated.ts), bounded, so that a regression
// fails the test instead of holding the test runner: not a timing test, the bound is far from linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('patterns that backtracked', () => {
  it('refuses a near-miss ENC[…] value of kilobytes at once, typed', async () => {
    const run = await runIsolated(`
      import { decrypt, generateIdentity, parseIdentities } from '../../src/index.js'
      const value = 'ENC[AES256_GCM,data:' + ',iv:,tag:,type:'.repeat(3000)
      const file = JSON.stringify({ v: value, sops: { age: [{ recipient: 'age1x', enc: 'x' }], lastmodified: '2024-01-01T00:00:00Z', mac: 'ENC[AES256_GCM,data:QUJD,iv:QUJD,tag:QUJD,type:str]', version: '3.9.0' } })
      const identities = await parseIdentities((await generateIdentity()).secretKey)
      try { await decrypt(file, { format: 'json', identities }); console.log('decrypted') } catch (e) { console.log(typeof e.code === 'string' ? 'typed' : 'untyped ' + e.message) }`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('typed')
  })

  it('reads a JSON string of megabytes without overflowing the stack', async () => {
    const run = await runIsolated(`
      import { encrypt, decrypt, generateIdentity, parseIdentities } from '../../src/index.js'
      const key = await generateIdentity()
      const identities = await parseIdentities(key.secretKey)
      const plain = JSON.stringify({ v: 'x'.repeat(5_500_000) + '\\\\n' + 'y'.repeat(5_500_000) })
      const enc = await encrypt(plain, { format: 'json', recipients: [key.recipient] })
      const out = JSON.parse(new TextDecoder().decode(await decrypt(enc, { format: 'json', identities })))
      console.log(out.v.length)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('11000002')
  })

  it('writes a YAML value with a long run of line breaks inside in linear time', async () => {
    const run = await runIsolated(`
      import { encrypt, generateIdentity } from '../../src/index.js'
      const { recipient } = await generateIdentity()
      const out = await encrypt('v: "a' + '\\\\n'.repeat(300_000) + 'x"\\n', { format: 'yaml', recipients: [recipient], rules: { encryptedRegex: '^nothing$' } })
      console.log(out.startsWith('v: |-\\n    a\\n'), out.includes('\\n    x\\nsops:'))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('true true')
  })
})
