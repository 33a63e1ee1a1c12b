// resolveSemverTag on bad input and on tag lists that select nothing: OCI_INVALID_OPTION before any
// request, OCI_NO_SEMVER_MATCH listing the tags seen, OCI_AUTH_FAILED / OCI_PROTOCOL_ERROR from the
// registry, each naming the repository's URL; polluting tags stay plain data.
import { describe, expect, it } from 'vitest'
import { assertNoPollution, pollutingKeys } from '../../../../testing/pollution.js'
import { resolveSemverTag } from '../../src/index.js'

const url = 'oci://registry.test/acme/charts/app'

/** A registry answering the tag list with `body` (status 200 unless given). */
function registry(body: string, status = 200): { fetch: typeof globalThis.fetch; requests: string[] } {
  const requests: string[] = []
  const fetch: typeof globalThis.fetch = (input) => {
    requests.push(String(input instanceof Request ? input.url : input))
    return Promise.resolve(new Response(body, { status, headers: { 'content-type': 'application/json' } }))
  }
  return { fetch, requests }
}

const tags = (...list: string[]): string => JSON.stringify({ name: 'acme/charts/app', tags: list })

describe('resolveSemverTag', () => {
  it.each([
    ['a plain range', '1.x', undefined, ['1.0.0', '1.2.0', '1.3.0_build.1', '2.0.0-rc.1', 'latest'], '1.2.0'],
    ['a range naming a pre-release', '>=1.0.0-0', '.*-rc.*', ['1.0.0', '1.2.0', '2.0.0-rc.1'], '2.0.0-rc.1'],
    ['a filter before the range', '>=1.0.0', '^1\\.0\\.', ['1.0.0', '1.0.3', '1.2.0'], '1.0.3'],
    ['v-prefixed tags', '^2', undefined, ['v2.1.0', 'v2.0.0', '2.0.5'], 'v2.1.0'],
    // Masterminds/semver, where node-semver answers otherwise
    ['comma-separated and', '>= 1.0, < 2.0', undefined, ['0.9.0', '1.4.0', '2.0.0'], '1.4.0'],
    ['an or', '<1 || >=3', undefined, ['0.9.0', '2.5.0', '3.1.0'], '3.1.0'],
    ['a caret on zero', '^0.2', undefined, ['0.2.9', '0.3.0', '1.0.0'], '0.2.9'],
    ['a tilde on a major', '~1', undefined, ['1.0.0', '1.9.3', '2.0.0'], '1.9.3'],
    ['a pre-release range with a plain upper bound', '>=1.0.0-0 <2', undefined, ['1.5.0', '2.0.0-rc.1'], '2.0.0-rc.1'],
    ['partial and zero-padded tags, which are no versions to Flux', '*', undefined, ['1.0.0', '1.5', '2', '01.2.3', 'V3.0.0'], '1.0.0'],
    ['build metadata, ignored in the order', '1.x', undefined, ['1.2.0+b.2', '1.1.0'], '1.2.0+b.2'],
    ['the reversed spelling of >=', '=>1.2', undefined, ['1.1.0', '1.2.0'], '1.2.0'],
  ])('picks what source-controller picks for %s', async (_name, semver, semverFilter, list, expected) => {
    const { fetch } = registry(tags(...list))
    expect(await resolveSemverTag(url, { ref: { semver, semverFilter }, fetch })).toBe(expected)
  })

  it.each([
    ['a filter that is no regular expression', { semver: '>=1.0.0', semverFilter: '(' }, 'OCI_INVALID_OPTION', 'ref.semverFilter "(" is not a valid regular expression'],
    ['a range that does not parse', { semver: '>=>1' }, 'OCI_INVALID_OPTION', 'ref.semver ">=>1" is not a valid semver range: improper constraint: >=>1'],
    ['a range of four numbers', { semver: '1.2.3.4' }, 'OCI_INVALID_OPTION', 'ref.semver "1.2.3.4" is not a valid semver range: improper constraint: 1.2.3.4'],
    ['a range with an empty or-branch', { semver: '1 ||' }, 'OCI_INVALID_OPTION', 'ref.semver "1 ||" is not a valid semver range: improper constraint: '],
    ['a range with a doubled comma', { semver: '>=1,,<2' }, 'OCI_INVALID_OPTION', 'ref.semver ">=1,,<2" is not a valid semver range: improper constraint: >=1,,<2'],
  ])('refuses %s before any request', async (_name, ref, code, says) => {
    const { fetch, requests } = registry(tags('1.0.0'))
    const error = await resolveSemverTag(url, { ref, fetch }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code, details: { url } })
    expect((error as Error).message).toBe(`${url}: ${says}`)
    expect(requests).toEqual([])
  })

  it('names the tags seen when the filter leaves none in the range', async () => {
    const { fetch } = registry(tags('1.0.0', '1.3.0_build.1', 'latest'))
    const error = await resolveSemverTag(url, { ref: { semver: '>=1.1.0', semverFilter: '^1' }, fetch }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'OCI_NO_SEMVER_MATCH', details: { url } })
    expect((error as Error).message).toBe(`${url}: no tag satisfies >=1.1.0 among those matching ^1; tags seen: 1.0.0, 1.3.0_build.1`)
  })

  it.each([
    ['a tag list that is not JSON', 'not json', 200, 'OCI_PROTOCOL_ERROR'],
    ['a tag list without an array', '{"tags": "1.0.0"}', 200, 'OCI_PROTOCOL_ERROR'],
    ['a 401', '', 401, 'OCI_AUTH_FAILED'],
  ])('fails on %s with a typed error naming the repository', async (_name, body, status, code) => {
    const { fetch } = registry(body, status)
    const error = await resolveSemverTag(url, { ref: { semver: '*' }, fetch }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code })
    expect((error as Error).message.startsWith(url)).toBe(true)
  })

  it('keeps polluting tags plain data', async () => {
    const { fetch } = registry(`{"tags": ${JSON.stringify([...pollutingKeys, '1.0.0'])}, "__proto__": {"tags": ["9.9.9"]}}`)
    expect(await resolveSemverTag(url, { ref: { semver: '*', semverFilter: '.' }, fetch })).toBe('1.0.0')
    assertNoPollution()
  })
})
