// `ref.semverFilter` is a Go regular expression (RE2), as source-controller compiles it: Go's
// syntax, time linear in the tag's length, a pattern Go rejects refused before any request. The
// pathological case runs from the sources in a child process (testing/isolated.ts), bounded: not
// a timing test.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { resolveSemverTag } from '../../src/index.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const url = 'oci://registry.test/acme/charts/app'

function registry(list: readonly string[]): { fetch: typeof globalThis.fetch; requests: string[] } {
  const requests: string[] = []
  const fetch: typeof globalThis.fetch = (input) => {
    requests.push(String(input instanceof Request ? input.url : input))
    return Promise.resolve(new Response(JSON.stringify({ name: 'acme/charts/app', tags: list }), { status: 200, headers: { 'content-type': 'application/json' } }))
  }
  return { fetch, requests }
}

describe('semverFilter is a Go regular expression', () => {
  it.for([
    { name: 'a named group', filter: '^(?P<major>1)\\.', want: '1.9.0' },
    { name: 'a flag group mid-pattern', filter: '-(?i)RC', want: '2.0.0-rc.1' },
    { name: 'a POSIX class and \\z', filter: '^1\\.[[:digit:]]\\.0\\z', want: '1.9.0' },
    { name: 'quoted text', filter: '\\Q1.9\\E', want: '1.9.0' },
    { name: 'a Unicode class', filter: '^\\pN', want: '2.0.0-rc.1' },
  ])('picks by $name', async ({ filter, want }) => {
    const { fetch } = registry(['1.9.0', '2.0.0-rc.1', 'x'])
    expect(await resolveSemverTag(url, { ref: { semver: '>=1.0.0-0', semverFilter: filter }, fetch })).toBe(want)
  })

  it.for([
    { name: 'a lookahead', filter: '^1(?=\\.)' },
    { name: 'a backreference', filter: '(1)\\1' },
  ])('refuses $name before any request, typed', async ({ filter }) => {
    const { fetch, requests } = registry(['1.0.0'])
    await expect(resolveSemverTag(url, { ref: { semver: '*', semverFilter: filter }, fetch })).rejects.toMatchObject({ code: 'OCI_INVALID_OPTION', message: expect.stringContaining(JSON.stringify(filter)) as unknown })
    expect(requests).toEqual([])
  })

  it('answers a nested quantifier on a long tag at once', async () => {
    const run = await runIsolated(`
      import { resolveSemverTag } from '../../src/index.js'
      const tags = ['1.0.0', '1.0.0-' + 'a'.repeat(3000) + '!']
      const fetch = async () => new Response(JSON.stringify({ name: 'x', tags }), { status: 200, headers: { 'content-type': 'application/json' } })
      console.log(await resolveSemverTag('oci://registry.test/x', { ref: { semver: '*', semverFilter: '^[0-9.]+(-(a+)+)?$' }, fetch }))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('1.0.0')
  })
})
