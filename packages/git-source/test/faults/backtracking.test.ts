import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// Inputs on which a backtracking pattern of git-source took seconds to hours: a `.sourceignore`
// line ending in a long run of spaces, a glob of several stars against a long path component or
// host name. Each runs from the sources in a child process (testing/isolated.ts), bounded, so that a
// regression fails the test instead of holding the test runner: not a timing test, the bound is far
// from the linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('patterns that backtracked', () => {
  it('parses .sourceignore lines with long runs of spaces in linear time', async () => {
    const run = await runIsolated(`
      import { readPatterns, sourceIgnoreMatcher } from '../../src/internal/sourceIgnore.js'
      const spaced = readPatterns('a' + ' '.repeat(300_000) + 'b/\\n', [])
      console.log(spaced.length, spaced[0].dirOnly)
      const excluded = sourceIgnoreMatcher(readPatterns('keep' + ' '.repeat(300_000) + '\\n', []))
      console.log(excluded('keep', false), excluded('other', false))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(['1 true', 'true false'])
  })

  it('matches a .sourceignore glob of many stars against a long file name in linear time', async () => {
    const run = await runIsolated(`
      import { readPatterns, sourceIgnoreMatcher } from '../../src/internal/sourceIgnore.js'
      const excluded = sourceIgnoreMatcher(readPatterns('*a*a*a*a*a*a*a*b\\ndir/*a*a*a*a*a*c\\n', []))
      const long = 'a'.repeat(4096)
      console.log(excluded(long, false), excluded('dir/' + long, false), excluded(long + 'b', false), excluded('dir/' + long + 'xc', false))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('false false true true')
  })

  it('matches a known_hosts pattern of many stars against a long host name in linear time', async () => {
    const run = await runIsolated(`
      import { keysFor } from '../../src/internal/knownHosts.js'
      const text = '*a*a*a*a*a*a*a*b ssh-ed25519 AAAA\\n'
      const host = 'a'.repeat(253)
      console.log(keysFor(text, host).length, keysFor(text, host + 'B').length)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('0 1')
  })

  it('answers a host name with a line break against known_hosts patterns of many stars at once', async () => {
    // The scp form of an SSH URL lets a line break into the host; the RegExp these patterns were
    // once compiled to backtracked over each star for such a name (7 stars: far beyond the bound).
    const run = await runIsolated(`
      import { keysFor } from '../../src/internal/knownHosts.js'
      const text = '*a*a*a*a*a*a*a*b ssh-ed25519 AAAA\\n!*a*a*a*a*a*a*c,a?b* ssh-rsa AAAA\\n'
      const host = 'a'.repeat(253)
      console.log(keysFor(text, host + '\\nb').length, keysFor(text, host + '\\r').length, keysFor(text, 'a\\u2028b').length, keysFor(text, 'axbb').length)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('0 0 0 1')
  })

  it('answers known_hosts fields of 300,000 commas, of a 300 KB hashed-looking name and of 1,022-byte patterns of `?` at once', async () => {
    const run = await runIsolated(`
      import { keysFor } from '../../src/internal/knownHosts.js'
      const salt = Buffer.alloc(20).toString('base64')
      const text = [
        ','.repeat(300_000) + 'h',
        '|1|' + salt + '|' + 'A'.repeat(300_000),
        '|1|' + 'A'.repeat(300_000) + '|x',
        Array.from({ length: 200 }, () => '*' + '?'.repeat(1020) + 'b').join(','),
      ].map((f) => f + ' ssh-ed25519 AAAA\\n').join('')
      console.log(keysFor(text, 'h').length, keysFor(text, '').length, keysFor(text, 'a'.repeat(4_000)).length)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('1 1 0')
  })

  it('reads a repository URL with long runs of slashes, or of # before a line break, in linear time (what fetchSource does first)', async () => {
    const run = await runIsolated(`
      import { parseRemoteUrl } from '../../src/internal/remoteUrl.js'
      for (const url of ['ftp://host.test/' + '/'.repeat(300_000) + 'x', 'no url ' + '#'.repeat(300_000) + '\\n']) {
        try { parseRemoteUrl(url, false); console.log('parsed') } catch (e) { console.log(e.code, e.message.length < 400_000) }
      }`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(['GIT_UNSUPPORTED_TRANSPORT true', 'GIT_INVALID_OPTION true'])
  })

  it('names the cache of a URL whose path is a long run of dashes in linear time', async () => {
    const run = await runIsolated(`
      import { cacheDirFor } from '../../src/internal/cacheState.js'
      const dir = cacheDirFor('/cache', 'https://host.test/' + '-'.repeat(300_000) + 'x/')
      console.log(dir.startsWith('/cache/host.test-'), dir.length)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('true 84')
  })
})
