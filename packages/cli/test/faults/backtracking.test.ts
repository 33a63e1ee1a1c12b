import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { runIsolated } from '../../../../testing/isolated.js'
import { redactUrl, redactUrls } from '../../src/redact.js'

// Text the CLI masks before printing it (an error of a library or a server) on which finding URLs
// took seconds: a long run of scheme characters after word boundaries (`a-a-a-…`), a URL ending in
// a long run of punctuation that is not at its end. Run from the sources in a child process
// (testing/isolated.ts), bounded, so that a regression fails the test instead of holding the test
// runner. Not a timing test: the bound is far from the linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('patterns that backtracked', () => {
  it('masks the URLs of a text with long runs of scheme characters and punctuation in linear time', async () => {
    const run = await runIsolated(`
      import { redactUrls } from '../../src/redact.js'
      console.log(redactUrls('a-'.repeat(150_000)).length)
      const masked = redactUrls('see https://user:hunter22@host/' + '.'.repeat(300_000) + 'x and https://tok@h.')
      console.log(masked.includes('hunter22'), masked.endsWith('https://***@h.'))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(['300000', 'false true'])
  })
})

describe('an oci:// chart repository URL with a long run of slashes inside', () => {
  it('is trimmed in one pass before the chart is fetched', async () => {
    // The request is aborted before it goes out: what is measured is the URL's trim, which
    // `/\/+$/` did from each slash of the run (200,000 slashes: a minute).
    const run = await runIsolated(`
      import { fetchChartToFs } from '../../src/helmCharts.js'
      const repo = 'oci://127.0.0.1:1/r' + '/'.repeat(200_000) + 'a//'
      const signal = AbortSignal.abort(new Error('stopped before the request'))
      await fetchChartToFs(repo, { name: 'web', version: '1.0.0' }, { signal }).then(
        () => console.log('fetched'),
        (err: unknown) => console.log((err as Error).message),
      )`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('stopped before the request')
  })
})

describe('redactUrls', () => {
  it('finds the URLs the pattern found, on 20,000 random texts', () => {
    const old = (text: string): string =>
      text.replace(/\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s'"<>`]+/g, (found) => {
        const trail = /[.,;:)\]}]+$/.exec(found)?.[0] ?? ''
        return redactUrl(found.slice(0, found.length - trail.length)) + trail
      })
    const random = prng(20261207)
    const alphabet = ['a', 'h', '1', '_', '+', '.', '-', '://', ':', '/', '@', 'u:p@', ' ', '"', '<', ')', ']', ',', '?token=x', 'é']
    for (let n = 0; n < 20_000; n++) {
      let text = ''
      for (let i = Math.floor(random() * 13); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)] as string
      if (redactUrls(text) !== old(text)) expect.fail(JSON.stringify(text))
    }
  })
})
