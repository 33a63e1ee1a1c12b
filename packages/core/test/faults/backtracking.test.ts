import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { runIsolated } from '../../../../testing/isolated.js'
import { isDottedVersion, withoutComment } from '../../src/yaml/fastScalars.js'

// Inputs on which a backtracking pattern of core used to take seconds to hours (a semver constraint
// list, a plain YAML scalar). Each runs from the sources in a child process (testing/isolated.ts),
// bounded, so that a regression fails the test instead of holding the test runner: not a timing test, the
// bound is minutes away from the linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('patterns that backtracked', () => {
  it('parseSemverConstraint refuses a long constraint of white space and versions in linear time', async () => {
    const run = await runIsolated(`
      import { parseSemverConstraint } from '../../src/semver.js'
      for (const text of ['1' + '  1'.repeat(40) + '!', ' '.repeat(200000) + '1 - 2!', '>= 1.0, ' + '1 '.repeat(50000) + '!']) {
        try { parseSemverConstraint(text); console.log('accepted') } catch (e) { console.log(e.code) }
      }
      console.log(parseSemverConstraint('>= 1.2,  < 3 || 4.x').toString !== undefined)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(['SEMVER_INVALID_CONSTRAINT', 'SEMVER_INVALID_CONSTRAINT', 'SEMVER_INVALID_CONSTRAINT', 'true'])
  })

  it('reads a plain scalar of digits and hex letters that is no hex word in linear time', async () => {
    const run = await runIsolated(`
      import { parseDocuments } from '../../src/index.js'
      const v = '1' + 'a'.repeat(2_000_000) + 'g'
      const [doc] = parseDocuments('v: ' + v + '\\n', { source: 'x.yaml' })
      console.log(doc.value.v === v)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('true')
  })

  it('reads a literal block scalar whose header ends in a long run of spaces in linear time', async () => {
    const run = await runIsolated(`
      import { parseDocuments } from '../../src/index.js'
      const [doc] = parseDocuments('v: |' + ' '.repeat(300_000) + '\\n  text\\n', { source: 'x.yaml' })
      console.log(JSON.stringify(doc.value))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('{"v":"text\\n"}')
  })

  it('parseFloat64 refuses a megabyte of digits that is no float in linear time', async () => {
    // Reached by secrets' decryption of a `type:float` value (a sops file of up to 5 MiB) and by
    // callers of @gitops-sdk/core/go; the YAML resolver tests its own float syntax first.
    const run = await runIsolated(`
      import { parseFloat64 } from '../../src/go.js'
      const digits = '1_2'.repeat(350_000)
      console.log(parseFloat64(digits + 'x'), parseFloat64('-' + digits + 'e'), parseFloat64('1_000.5e1_0'), parseFloat64('12' + '.5'))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('undefined undefined 10005000000000 12.5')
  })

  it('tells a dotted version of megabytes without overflowing the stack', async () => {
    // The fast YAML reader's test; main's pattern threw RangeError there (and the full parser took over).
    const run = await runIsolated(`
      import { parseDocuments } from '../../src/index.js'
      import { isDottedVersion } from '../../src/yaml/fastScalars.js'
      const v = '1.'.repeat(4_150_000) + '1'
      const [doc] = parseDocuments('v: ' + v + '\\n', { source: 'x.yaml' })
      console.log(isDottedVersion(v), isDottedVersion(v + '.'), doc.value.v === v)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('true false true')
  })
})

describe('withoutComment', () => {
  it('gives what the backtracking pattern gave, on 100,000 random headers', () => {
    const random = prng(20261207)
    const alphabet = [' ', ' ', '#', 'a', '|', '-', '\n', '\r', '\u2028']
    for (let n = 0; n < 100_000; n++) {
      let header = ''
      for (let i = Math.floor(random() * 15); i > 0; i--) header += alphabet[Math.floor(random() * alphabet.length)] as string
      if (withoutComment(header) !== header.replace(/ +#.*$/, '')) expect.fail(JSON.stringify(header))
    }
  })
})

describe('isDottedVersion', () => {
  it('gives what /^[0-9]+(\\.[0-9]+){2,}$/ gave, on 100,000 random texts', () => {
    const random = prng(20261207)
    const alphabet = ['1', '0', '9', '.', '.', 'a', '\n', '-']
    for (let n = 0; n < 100_000; n++) {
      let text = ''
      for (let i = Math.floor(random() * 10); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)] as string
      if (isDottedVersion(text) !== /^[0-9]+(\.[0-9]+){2,}$/.test(text)) expect.fail(JSON.stringify(text))
    }
  })
})
