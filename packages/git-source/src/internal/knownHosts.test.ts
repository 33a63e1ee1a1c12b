import { spawnSync } from 'node:child_process'
import { createHmac, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { prng } from '../../../../testing/prng.js'
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

  it('reads a hashed name only as a whole field, of the host in lower case, as OpenSSH does', () => {
    const line = (field: string): string => `${field} ssh-ed25519 ${keyA}`
    // ssh lowercases the host before it hashes it: an entry hashed from it matches the host in any case.
    expect(keysFor(line(hashed('git.example')), 'Git.Example')).toHaveLength(1)
    expect(keysFor(line(hashed('Git.Example')), 'Git.Example')).toHaveLength(0)
    // In a comma list, `|1|…` is a pattern like any other, not a hash: it names no host.
    expect(keysFor(line(`other.example,${hashed('git.example')}`), 'git.example')).toHaveLength(0)
    expect(keysFor(line(`${hashed('git.example')},other.example`), 'git.example')).toHaveLength(0)
    // The field must be what OpenSSH writes: a 20-byte salt, canonical base64.
    const good = hashed('git.example')
    expect(keysFor(line(good.replace(/=$/, '')), 'git.example')).toHaveLength(0)
    expect(keysFor(line(`|1|${Buffer.alloc(16).toString('base64')}|${createHmac('sha1', Buffer.alloc(16)).update('git.example').digest('base64')}`), 'git.example')).toHaveLength(0)
  })

  it('matches `?` to one byte of UTF-8, letters without case only in ASCII, and no empty name by a trailing comma', () => {
    const line = (field: string): string => `${field} ssh-ed25519 ${keyA}`
    expect(keysFor(line('h??st'), 'hést')).toHaveLength(1)
    expect(keysFor(line('h?st'), 'hést')).toHaveLength(0)
    expect(keysFor(line('GIT.example'), 'git.EXAMPLE')).toHaveLength(1)
    expect(keysFor(line('hÉst'), 'hést')).toHaveLength(0)
    expect(keysFor(line('a,'), '')).toHaveLength(0)
    expect(keysFor(line('a,,b'), '')).toHaveLength(1)
    expect(keysFor(line(',a'), '')).toHaveLength(1)
  })

  // A port of OpenSSH's matching, written from hostfile.c and match.c (match_maybe_hashed,
  // match_hostname, match_pattern_list, match_pattern), literally and slowly, as the oracle.
  const port = {
    lower(bytes: Buffer): Buffer {
      return Buffer.from(bytes.map((b) => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b)))
    },
    // match_pattern: every state of the pattern reachable after each byte of the string.
    pattern(s: Buffer, p: Buffer): boolean {
      const m = p.length
      if (m === 0) return s.length === 0
      const closure = (states: boolean[]): void => {
        for (let i = 0; i < m; i++) if (states[i] === true && p[i] === 0x2a) states[i + 1] = true
      }
      let states: boolean[] = new Array<boolean>(m + 1).fill(false)
      states[0] = true
      closure(states)
      for (const c of s) {
        const next: boolean[] = new Array<boolean>(m + 1).fill(false)
        for (let i = 0; i < m; i++) {
          if (states[i] !== true) continue
          if (p[i] === 0x2a) next[i] = true
          else if (p[i] === 0x3f || p[i] === c) next[i + 1] = true
        }
        closure(next)
        states = next
        if (!states.includes(true)) return false
      }
      return states[m] === true
    },
    // match_pattern_list with dolower: -1 a negated match, 1 a positive one, 0 none.
    list(s: Buffer, pattern: Buffer): number {
      let positive = 0
      let i = 0
      while (i < pattern.length) {
        let negated = false
        if (pattern[i] === 0x21) {
          negated = true
          i++
        }
        const sub: number[] = []
        while (i < pattern.length && sub.length < 1023 && pattern[i] !== 0x2c) sub.push(pattern[i++] as number)
        if (sub.length >= 1023) return 0
        if (i < pattern.length && pattern[i] === 0x2c) i++
        if (port.pattern(s, port.lower(Buffer.from(sub)))) {
          if (negated) return -1
          positive = 1
        }
      }
      return positive
    },
    // ssh lowercases the host it connects to; match_maybe_hashed then hashes it or matches it.
    names(host: string, field: string): boolean {
      const lowered = port.lower(Buffer.from(host))
      if (field.startsWith('|')) {
        const parts = field.split('|')
        const salt = Buffer.from(parts[2] ?? '', 'base64')
        if (parts[1] !== '1' || salt.length !== 20) return false
        return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(lowered).digest('base64')}` === field
      }
      return port.list(lowered, Buffer.from(field)) === 1
    },
  }

  it('answers as a port of OpenSSH on random host fields and names', () => {
    const random = prng(20261207)
    const pick = <T>(from: readonly T[]): T => from[Math.floor(random() * from.length)] as T
    const patternChars = ['a', 'A', 'b', '.', '-', '[', ']', ':', '1', 'é', 'É', 'ß', '\u{1F600}', '?', '?', '*', '*', ',', '!']
    const nameChars = ['a', 'A', 'b', 'B', '.', '-', '[', ']', ':', '1', 'é', 'É', 'ß', '\u{1F600}']
    const text = (chars: readonly string[], length: number): string => Array.from({ length }, () => pick(chars)).join('')
    let matched = 0
    for (let i = 0; i < 6000; i++) {
      const name = text(nameChars, Math.floor(random() * 7))
      const roll = random()
      const field =
        roll < 0.1
          ? hashed(pick([name, name.toLowerCase(), name.toUpperCase(), `${name}x`]))
          : roll < 0.15
            ? `${text(patternChars, 2)},${hashed(name.toLowerCase())}`
            : roll < 0.4
              ? name.replace(/[\s\S]/gu, (c) => (random() < 0.3 ? pick(['?', '*', '??', '']) : c))
              : text(patternChars, Math.floor(random() * 8))
      const expected = port.names(name, field)
      if (expected) matched++
      if ((keysFor(`${field} ssh-ed25519 ${keyA}`, name).length === 1) !== expected) expect.fail(`${JSON.stringify(field)} against ${JSON.stringify(name)}: expected ${expected}`)
    }
    expect(matched).toBeGreaterThan(500)
  })

  // ssh-keygen -F, where OpenSSH is installed: the real oracle. It looks the name up as given, so
  // it is given the name in lower case, as ssh hands it on.
  const sshKeygen = spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined
  it.skipIf(!sshKeygen)('answers as ssh-keygen -F on random host fields and names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitops-known-hosts-'))
    try {
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')], { stdio: 'ignore' })
      const blob = readFileSync(join(dir, 'key.pub'), 'utf8').split(' ')[1] as string
      const random = prng(7)
      const pick = <T>(from: readonly T[]): T => from[Math.floor(random() * from.length)] as T
      const patternChars = ['a', 'A', 'b', '.', 'é', 'É', '?', '*', '*', ',', ',', '!']
      const names = ['a', 'A', 'ab', 'b.a', 'é', 'É', 'aé', 'ba', 'abé', 'a.b', 'A.B', '[a]:2222', 'aaaa']
      const fields: string[] = []
      for (let i = 0; i < 400; i++) fields.push(Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(patternChars)).join(''))
      for (const name of names) fields.push(hashed(name.toLowerCase()), hashed(name), `b,${hashed(name.toLowerCase())}`)
      const file = join(dir, 'known_hosts')
      const text = fields.map((f) => `${f} ssh-ed25519 ${blob}\n`).join('')
      writeFileSync(file, text)
      let found = 0
      for (const name of names) {
        const out = spawnSync('ssh-keygen', ['-F', name.replace(/[A-Z]/g, (c) => c.toLowerCase()), '-f', file], { encoding: 'utf8' }).stdout
        const lines = [...out.matchAll(/found: line (\d+)/g)].map((m) => Number(m[1]))
        const ours = fields.flatMap((f, i) => (keysFor(`${f} ssh-ed25519 ${blob}`, name).length === 1 ? [i + 1] : []))
        expect(ours, name).toEqual(lines)
        found += lines.length
      }
      expect(found).toBeGreaterThan(50)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  // OpenSSH's hostfile.c separates fields by spaces and tabs only: any other white space (no-break
  // space, \v, \f, ideographic space) is part of the field it is in.
  const separatorLines: [string, boolean][] = [
    [`github.com\u00a0ssh-ed25519 ${keyA}`, false],
    [`github.com\vssh-ed25519 ${keyA}`, false],
    [`github.com\fssh-ed25519 ${keyA}`, false],
    [`github.com\u3000ssh-ed25519 ${keyA}`, false],
    [`\u00a0github.com ssh-ed25519 ${keyA}`, false],
    [`github.com\u00a0 ssh-ed25519 ${keyA}`, false],
    [`github.com\tssh-ed25519\t${keyA}`, true],
    [` \t github.com  \t ssh-ed25519   ${keyA} \t `, true],
  ]
  it('separates fields by spaces and tabs only, as OpenSSH does', () => {
    for (const [line, names] of separatorLines) expect(keysFor(line, 'github.com').length, JSON.stringify(line)).toBe(names ? 1 : 0)
  })
  it.skipIf(!sshKeygen)('separates fields as ssh-keygen -F does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitops-known-hosts-'))
    try {
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')], { stdio: 'ignore' })
      const blob = readFileSync(join(dir, 'key.pub'), 'utf8').split(' ')[1] as string
      for (const [line] of separatorLines) {
        const file = join(dir, 'known_hosts')
        writeFileSync(file, `${line.replace(keyA, blob)}\n`)
        const found = /found: line 1/.test(spawnSync('ssh-keygen', ['-F', 'github.com', '-f', file], { encoding: 'utf8' }).stdout)
        expect(keysFor(line.replace(keyA, blob), 'github.com').length === 1, JSON.stringify(line)).toBe(found)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
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
        ' \\t'.repeat(150_000) + 'git.example' + ' \\t'.repeat(150_000) + 'ssh-ed25519 ' + key + ' \\t'.repeat(150_000),
      ].join('\\n')
      console.log(keysFor(lines, 'a'.repeat(300_000)).length, keysFor(lines, 'a'.repeat(20_000) + 'b').length, keysFor(lines, 'git.example').length)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('0 1 1')
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
