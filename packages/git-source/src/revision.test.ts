import { describe, expect, it } from 'vitest'
import { formatRevision, parseRevision } from './revision.js'

const commit = '0123456789abcdef0123456789abcdef01234567'

describe('formatRevision', () => {
  it('writes Flux revisions with and without a ref name', () => {
    expect(formatRevision({ name: 'main', commit })).toBe(`main@sha1:${commit}`)
    expect(formatRevision({ name: 'refs/pull/7/head', commit })).toBe(`refs/pull/7/head@sha1:${commit}`)
    expect(formatRevision({ name: undefined, commit })).toBe(`sha1:${commit}`)
  })
})

describe('parseRevision', () => {
  it.for([
    { name: 'branch', input: `main@sha1:${commit}`, expected: { name: 'main', commit } },
    { name: 'name with @', input: `release@2024@sha1:${commit}`, expected: { name: 'release@2024', commit } },
    { name: 'bare commit', input: `sha1:${commit}`, expected: { name: undefined, commit } },
    { name: 'legacy Flux v1 form', input: `main/${commit}`, expected: { name: 'main', commit } },
    { name: 'short commit', input: 'main@sha1:abc', expected: undefined },
    { name: 'garbage', input: 'nothing', expected: undefined },
  ])('$name', ({ input, expected }) => {
    expect(parseRevision(input)).toEqual(expected)
  })

  it('round-trips what formatRevision writes', () => {
    for (const name of ['main', 'v1.2.3', undefined]) expect(parseRevision(formatRevision({ name, commit }))).toEqual({ name, commit })
  })
})
