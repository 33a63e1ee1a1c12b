import { createHmac, randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { hostKeyAlgorithms, judgeHostKey, keysFor, knownHostsName } from './knownHosts.js'

const keyA = Buffer.from('test-only-host-key-a').toString('base64')
const keyB = Buffer.from('test-only-host-key-b').toString('base64')

function hashed(name: string): string {
  const salt = randomBytes(20)
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
}

describe('known_hosts', () => {
  it('names a host as OpenSSH does: [host]:port unless the port is 22', () => {
    expect(knownHostsName('git.example', 22)).toBe('git.example')
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222')
  })

  it('finds plain, listed, wildcard and hashed names, and honours negation', () => {
    const text = [
      '# comment',
      `git.example,10.0.0.1 ssh-ed25519 ${keyA}`,
      `*.corp.example,!evil.corp.example ssh-rsa ${keyB}`,
      `${hashed('[127.0.0.1]:2222')} ecdsa-sha2-nistp256 ${keyA}`,
      `@cert-authority *.example ssh-ed25519 ${keyB}`,
    ].join('\n')
    expect(keysFor(text, 'git.example').map((k) => k.type)).toEqual(['ssh-ed25519'])
    expect(keysFor(text, '10.0.0.1').map((k) => k.type)).toEqual(['ssh-ed25519'])
    expect(keysFor(text, 'git.corp.example').map((k) => k.type)).toEqual(['ssh-rsa'])
    expect(keysFor(text, 'evil.corp.example')).toEqual([])
    expect(keysFor(text, '[127.0.0.1]:2222').map((k) => k.type)).toEqual(['ecdsa-sha2-nistp256'])
    expect(keysFor(text, '127.0.0.1')).toEqual([])
  })

  it('judges a key known, unknown, changed or revoked', () => {
    const a = Buffer.from(keyA, 'base64')
    const b = Buffer.from(keyB, 'base64')
    expect(judgeHostKey(keysFor(`h ssh-ed25519 ${keyA}`, 'h'), a)).toBe('known')
    expect(judgeHostKey(keysFor(`other ssh-ed25519 ${keyA}`, 'h'), a)).toBe('unknown')
    expect(judgeHostKey(keysFor(`h ssh-ed25519 ${keyA}`, 'h'), b)).toBe('changed')
    expect(judgeHostKey(keysFor(`h ssh-ed25519 ${keyA}\n@revoked h ssh-ed25519 ${keyB}`, 'h'), b)).toBe('revoked')
  })

  it('asks the server for the key types it knows, RSA with SHA-2 first', () => {
    expect(hostKeyAlgorithms(keysFor(`h ssh-rsa ${keyA}\nh ssh-ed25519 ${keyB}`, 'h'))).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519'])
  })

  // The RegExp the patterns used to be compiled to: the oracle for short patterns.
  function regexpMatch(pattern: string, name: string): boolean {
    if (/[\n\r\u2028\u2029]/.test(name)) return false
    const source = pattern.split('*').map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\?/g, '.')).join('.*')
    return new RegExp(`^${source}$`, 'i').test(name)
  }

  it('matches patterns as the RegExp it replaced did, on random patterns and names', () => {
    // A seeded generator: the same cases on every run.
    let seed = 7
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    const patternChars = ['a', 'A', 'b', '.', '-', '[', ']', ':', '1', 'é', 'ß', 'ı', 'ſ', 'K', '?', '*', '*']
    const nameChars = ['a', 'A', 'b', 'B', '.', '-', '[', ']', ':', '1', 'é', 'É', 'ß', 'ı', 'i', 'I', 's', 'S', 'ſ', 'K', 'k', '\u212a']
    const pick = (chars: readonly string[], length: number): string => Array.from({ length }, () => chars[next(chars.length)] as string).join('')
    let matched = 0
    for (let i = 0; i < 4000; i++) {
      const pattern = pick(patternChars, 1 + next(7))
      const name = next(3) === 0 ? pattern.replace(/[*?]/g, () => pick(nameChars, next(3))) : pick(nameChars, next(9))
      const expected = regexpMatch(pattern, name)
      if (expected) matched++
      expect(keysFor(`${pattern} ssh-ed25519 ${keyA}`, name).length === 1, `${JSON.stringify(pattern)} against ${JSON.stringify(name)}`).toBe(expected)
    }
    expect(matched).toBeGreaterThan(100)
  })

  it('answers a pattern of 300 KB without a RegExp, as no match (OpenSSH refuses patterns of 1,023 bytes or more)', async () => {
    const here = fileURLToPath(new URL('.', import.meta.url))
    const run = await runIsolated(`
      import { keysFor } from './knownHosts.js'
      const key = Buffer.from('test-only-host-key-a').toString('base64')
      const long = 'a'.repeat(300_000)
      const lines = [
        long + ' ssh-ed25519 ' + key,
        '*' + 'a*'.repeat(150_000) + 'b ssh-ed25519 ' + key,
        '*' + '?a'.repeat(100) + '*b ssh-ed25519 ' + key,
      ].join('\\n')
      console.log(keysFor(lines, 'a'.repeat(300_000)).length, keysFor(lines, 'a'.repeat(20_000) + 'b').length, keysFor(lines, 'git.example').length)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('0 1 0')
  })

  it('searches the pieces between stars in time linear in the name', async () => {
    // Tried at each start and compared unit by unit, the first took seconds (name × piece).
    const here = fileURLToPath(new URL('.', import.meta.url))
    const run = await runIsolated(`
      import { keysFor } from './knownHosts.js'
      const key = Buffer.from('test-only-host-key-a').toString('base64')
      const name = 'a'.repeat(2_000_000)
      const counts = [
        keysFor('*' + 'a'.repeat(20_000) + 'b* ssh-ed25519 ' + key, 'a'.repeat(60_000)).length,
        keysFor('*' + 'a'.repeat(1_000) + 'b* ssh-ed25519 ' + key, name).length,
        keysFor('*' + 'a'.repeat(1_000) + '* ssh-ed25519 ' + key, name).length,
        keysFor('*b' + 'a'.repeat(1_000) + '* ssh-ed25519 ' + key, ('b' + 'a'.repeat(999)).repeat(2_000) + 'a').length,
        keysFor('*' + '?'.repeat(1_000) + 'b* ssh-ed25519 ' + key, 'a'.repeat(60_000)).length,
      ]
      console.log(counts.join(' '))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('0 0 1 1 0')
  })

  it('follows OpenSSH on a pattern of 1,023 bytes or more: the whole field matches nothing', () => {
    const at1022 = 'a'.repeat(1022)
    expect(keysFor(`${at1022} ssh-ed25519 ${keyA}`, at1022)).toHaveLength(1)
    expect(keysFor(`!${at1022},* ssh-ed25519 ${keyA}`, at1022)).toHaveLength(0)
    expect(keysFor(`a${at1022} ssh-ed25519 ${keyA}`, `a${at1022}`)).toHaveLength(0)
    // Bytes, not UTF-16 units: 341 × 'é' is 682 bytes, 512 × 'é' 1,024.
    expect(keysFor(`${'é'.repeat(341)} ssh-ed25519 ${keyA}`, 'é'.repeat(341))).toHaveLength(1)
    expect(keysFor(`${'é'.repeat(512)} ssh-ed25519 ${keyA}`, 'é'.repeat(512))).toHaveLength(0)
    // A too long pattern ends the field as "no match", even after one that matched.
    expect(keysFor(`h,${at1022}a ssh-ed25519 ${keyA}`, 'h')).toHaveLength(0)
    expect(keysFor(`h,!${at1022}a ssh-ed25519 ${keyA}`, 'h')).toHaveLength(0)
    expect(keysFor(`h,g ssh-ed25519 ${keyA}`, 'h')).toHaveLength(1)
  })
})
