import { describe, expect, it } from 'vitest'
import type { RemoteRefs } from '../transport.js'
import { closeMatches, resolveRef, validateRef } from './resolveRef.js'

const url = 'https://git.example/fleet.git'
const id = (n: number): string => n.toString(16).padStart(40, '0')

function remote(refs: Record<string, string>, head: string | null = 'refs/heads/main'): RemoteRefs {
  return {
    refs: new Map(Object.entries(refs)),
    symrefs: new Map(head === null ? [] : [['HEAD', head]]),
    capabilities: new Set(),
  }
}

const refs = remote({
  HEAD: id(1),
  'refs/heads/main': id(1),
  'refs/heads/dev': id(2),
  'refs/tags/v1.0.0': id(10),
  'refs/tags/v1.0.0^{}': id(3),
  'refs/tags/1.1': id(4),
  'refs/tags/v2.0.0-rc.1': id(5),
  'refs/tags/not-semver': id(6),
})

describe('resolveRef', () => {
  it('resolves the default branch from the HEAD symref, or from HEAD’s commit', async () => {
    expect(await resolveRef(url, {}, refs)).toMatchObject({ name: 'main', fullRef: 'refs/heads/main', want: id(1), commit: id(1) })
    expect(await resolveRef(url, {}, remote({ HEAD: id(2), 'refs/heads/dev': id(2), 'refs/heads/main': id(1) }, null))).toMatchObject({ name: 'dev' })
  })

  it('wants the annotated tag object and knows its commit from the peeled entry', async () => {
    expect(await resolveRef(url, { tag: 'v1.0.0' }, refs)).toMatchObject({ want: id(10), commit: id(3), fullRef: 'refs/tags/v1.0.0' })
  })

  it('picks the highest tag in the range, pre-releases only when asked', async () => {
    expect((await resolveRef(url, { semver: '*' }, refs)).name).toBe('v1.0.0')
    expect((await resolveRef(url, { semver: '>=2.0.0-rc.0' }, refs)).name).toBe('v2.0.0-rc.1')
    expect((await resolveRef(url, { semver: '~1.0' }, refs)).name).toBe('v1.0.0')
  })

  it('marks a commit as advertised only when a ref points at it', async () => {
    expect(await resolveRef(url, { commit: id(2) }, refs)).toMatchObject({ advertised: true, name: undefined })
    expect(await resolveRef(url, { commit: id(99) }, refs)).toMatchObject({ advertised: false, want: id(99) })
    expect(await resolveRef(url, { commit: id(99), branch: 'dev' }, refs)).toMatchObject({ name: 'dev', branchRef: 'refs/heads/dev' })
    await expect(resolveRef(url, { commit: id(99), branch: 'gone' }, refs)).rejects.toMatchObject({ code: 'GIT_REF_NOT_FOUND' })
  })

  it('fails on an empty repository and on a HEAD that points nowhere', async () => {
    await expect(resolveRef(url, {}, remote({}))).rejects.toMatchObject({ code: 'GIT_EMPTY_REPOSITORY' })
    await expect(resolveRef(url, {}, remote({ 'refs/heads/dev': id(2) }, 'refs/heads/main'))).rejects.toMatchObject({
      code: 'GIT_REF_NOT_FOUND',
      message: `${url}: the remote HEAD points at no branch; name one with ref.branch (branches: dev)`,
    })
  })

  it('validates refs before any I/O', async () => {
    await expect(validateRef(url, { commit: 'ABC' })).rejects.toMatchObject({ code: 'GIT_INVALID_OPTION' })
    await expect(validateRef(url, { semver: '>>1' })).rejects.toMatchObject({ code: 'GIT_INVALID_OPTION' })
    await expect(validateRef(url, { semver: '>=1.0.0, <2.0.0' })).resolves.toBeUndefined()
  })
})

describe('closeMatches', () => {
  it('suggests near names, closest first, at most five', () => {
    expect(closeMatches('mian', ['main', 'dev', 'maint', 'release'])).toEqual(['main'])
    expect(closeMatches('feature', ['feature/x', 'fix'])).toEqual(['feature/x'])
    expect(closeMatches('v1.0', ['v1.0.0', 'v1.0.1', 'v2.0.0'])).toEqual(['v1.0.0', 'v1.0.1'])
    expect(closeMatches('x', Array.from({ length: 9 }, (_, i) => `x${i}`))).toHaveLength(5)
  })
})
