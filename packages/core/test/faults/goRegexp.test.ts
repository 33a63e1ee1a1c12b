import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// User-written patterns (selectors, .sops.yaml rules, chart templates and schemas, CRD patterns)
// must match in linear time, as Go's regexp does: each case runs from the sources in a child
// process (testing/isolated.ts), bounded, so that a backtracking engine fails the test instead of
// holding the test runner. Not a timing test: the bound is far from linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('compileGoRegexp on pathological patterns', () => {
  it('answers nested quantifiers on long inputs at once', async () => {
    const run = await runIsolated(`
      import { compileGoRegexp } from '../../src/go/regexp.js'
      const long = 'a'.repeat(5000) + 'b'
      console.log([
        compileGoRegexp('^(a+)+$').test(long),
        compileGoRegexp('(x+x+)+y').test('x'.repeat(5000)),
        compileGoRegexp('(a|aa)+$').findAll(long, -1).length,
        compileGoRegexp('(a*)*b$').replaceAll('a'.repeat(5000), 'x').length,
        compileGoRegexp('(a+)+c').split(long, -1).length,
      ].join(' '))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('false false 0 5000 1')
  })

  it('checks an image-name pattern with tens of thousands of optional groups in linear time', async () => {
    // ^x(L1[a]*)?(L2[a]*)?…$ with 60,000 groups, each literal a distinct character: whether the
    // one-pass matcher may take it compared every pair of groups (quadratic, minutes).
    const run = await runIsolated(`
      import { compileGoRegexp } from '../../src/go/regexp.js'
      const letter = (i: number): string => String.fromCharCode(0x100 + i + (0x100 + i >= 0xd800 ? 0x800 : 0))
      const groups = Array.from({ length: 60_000 }, (_, i) => '(' + letter(i) + '[a]*)?')
      const re = compileGoRegexp('^x' + groups.join('') + '$')
      console.log([
        re.constructor.name,
        re.test('x'),
        re.test('x' + letter(3) + 'aaa' + letter(59_999) + 'a'),
        re.test('x' + letter(59_999) + letter(3)),
      ].join(' '))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('PrefixTailRegexp true true false')
  })
})
