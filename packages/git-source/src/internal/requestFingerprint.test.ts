import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { memoryFs } from '@gitops-sdk/core'
import { checkoutIdentity, requestFingerprint } from './requestFingerprint.js'

describe('requestFingerprint', () => {
  const fs = memoryFs({ 'a.yaml': 'a\n' })

  it('is the same for the same request, however the dir is spelled', () => {
    const dir = join(process.cwd(), 'out')
    expect(requestFingerprint({ ref: { branch: 'main' }, dir })).toBe(requestFingerprint({ ref: { branch: 'main' }, dir: relative(process.cwd(), dir) }))
    expect(requestFingerprint({})).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it.for([
    { name: 'the ref', other: { ref: { tag: 'main' } } },
    { name: 'the ignore option', other: { ref: { branch: 'main' }, ignore: '*.md' } },
    { name: 'an empty ignore option', other: { ref: { branch: 'main' }, ignore: '' } },
    { name: 'the dir', other: { ref: { branch: 'main' }, dir: '/tmp/out' } },
    { name: 'an include', other: { ref: { branch: 'main' }, include: [{ artifact: { fs, digest: 'sha256:1' }, toPath: 'x' }] } },
  ])('changes with $name', ({ other }) => {
    expect(requestFingerprint(other)).not.toBe(requestFingerprint({ ref: { branch: 'main' } }))
  })

  it('tells includes apart by digest and paths', () => {
    const of = (digest: string, toPath: string): string | undefined => requestFingerprint({ include: [{ artifact: { fs, digest }, toPath }] })
    expect(of('sha256:1', 'x')).toBe(of('sha256:1', 'x'))
    expect(of('sha256:1', 'x')).not.toBe(of('sha256:2', 'x'))
    expect(of('sha256:1', 'x')).not.toBe(of('sha256:1', 'y'))
  })

  it('has none for an include without a digest', () => {
    expect(requestFingerprint({ include: [{ artifact: { fs }, toPath: 'x' }] })).toBeUndefined()
  })
})

describe('checkoutIdentity', () => {
  it('changes when the directory is replaced, and is undefined when it is gone', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gitops-git-source-identity-'))
    try {
      const dir = join(root, 'out')
      await mkdir(dir)
      const first = await checkoutIdentity(dir)
      expect(first).toMatch(/^\d+:\d+:\d+$/)
      expect(await checkoutIdentity(dir)).toBe(first)
      // (An entry added within the same clock tick may keep the change time: not asserted here.)
      await mkdir(join(root, 'next'))
      await rename(dir, join(root, 'old'))
      await rename(join(root, 'next'), dir)
      expect(await checkoutIdentity(dir)).not.toBe(first)
      await rm(dir, { recursive: true })
      expect(await checkoutIdentity(dir)).toBeUndefined()
      await writeFile(dir, 'a file\n')
      expect(await checkoutIdentity(dir)).toBeUndefined()
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
