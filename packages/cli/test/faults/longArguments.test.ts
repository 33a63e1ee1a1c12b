import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// Arguments of any length on node's command line or in NODE_OPTIONS, read before the command starts
// (the V8 tuning choice): a token with a long run of quotes inside cost seconds when its quotes were
// trimmed with a RegExp. Run from the sources in a child process (testing/isolated.ts), bounded, so
// that a regression fails the test instead of holding the test runner. Not a timing test: the bound
// is far from the linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('long arguments', () => {
  it('reads a node option with 200 KB of quotes inside in linear time', async () => {
    const run = await runIsolated(`
      import { chooseV8Tuning, tieringFlag } from '../../src/v8Tuning.js'
      const quotes = '"'.repeat(200_000)
      console.log(tieringFlag(['--title=x' + quotes + 'x', quotes + '--max-opt=2' + quotes]))
      console.log(chooseV8Tuning({ NODE_OPTIONS: '--title=x' + quotes + 'x --no-warnings' }, ['-e' + quotes + 'x']).reason)`, here, 20_000)
    expect([run.status, run.signal], run.stderr).toEqual([0, null])
    expect(run.stdout.trim().split('\n')).toEqual(['--max-opt=2', 'default'])
  })
})
