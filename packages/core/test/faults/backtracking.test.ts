import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Inputs on which a backtracking pattern of core used to take seconds to hours (a semver constraint
// list, a plain YAML scalar). Each runs against the built package in a child process with a bound,
// so that a regression fails the test instead of holding the test runner: not a timing test, the
// bound is minutes away from the linear time.
const dist = (entry: string): string => fileURLToPath(new URL(`../../dist/${entry}`, import.meta.url))

function runBounded(script: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe.skipIf(!existsSync(dist('semver.js')) || !existsSync(dist('index.js')))('patterns that backtracked', () => {
  it('parseSemverConstraint refuses a long constraint of white space and versions in linear time', () => {
    const run = runBounded(`
      import { parseSemverConstraint } from ${JSON.stringify(dist('semver.js'))}
      for (const text of ['1' + '  1'.repeat(40) + '!', ' '.repeat(200000) + '1 - 2!', '>= 1.0, ' + '1 '.repeat(50000) + '!']) {
        try { parseSemverConstraint(text); console.log('accepted') } catch (e) { console.log(e.code) }
      }
      console.log(parseSemverConstraint('>= 1.2,  < 3 || 4.x').toString !== undefined)`)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(['SEMVER_INVALID_CONSTRAINT', 'SEMVER_INVALID_CONSTRAINT', 'SEMVER_INVALID_CONSTRAINT', 'true'])
  })

  it('reads a plain scalar of digits and hex letters that is no hex word in linear time', () => {
    const run = runBounded(`
      import { parseDocuments } from ${JSON.stringify(dist('index.js'))}
      const v = '1' + 'a'.repeat(2_000_000) + 'g'
      const [doc] = parseDocuments('v: ' + v + '\\n', { source: 'x.yaml' })
      console.log(doc.value.v === v)`)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('true')
  })
})
