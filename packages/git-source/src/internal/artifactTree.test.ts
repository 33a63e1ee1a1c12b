import { describe, expect, it } from 'vitest'
import type { ArtifactFile, ArtifactFiles } from './artifactTree.js'
import { dropEscapingLinks, resolveInside } from './artifactTree.js'

const file: ArtifactFile = { kind: 'file', oid: undefined, content: new Uint8Array() }

function tree(links: Record<string, string>, files: readonly string[] = []): { files: ArtifactFiles; target: (p: string) => string } {
  const map: ArtifactFiles = new Map(files.map((p) => [p, file]))
  for (const [path, target] of Object.entries(links)) map.set(path, { kind: 'symlink', oid: undefined, content: Buffer.from(target) })
  return { files: map, target: (p) => links[p] as string }
}

describe('resolveInside', () => {
  it('follows links component by component as the kernel does', () => {
    const { files, target } = tree({ 'd/up': '..', 'cfg': 'd/conf', 'loop': 'loop' }, ['d/conf/a.yaml'])
    expect(resolveInside(files, 'cfg/a.yaml', target)).toBe('d/conf/a.yaml')
    expect(resolveInside(files, 'd/up/d/up/cfg', target)).toBe('d/conf')
    expect(resolveInside(files, 'd/up/..', target)).toBeUndefined()
    expect(resolveInside(files, 'loop', target)).toBeUndefined()
  })
})

describe('dropEscapingLinks', () => {
  it('keeps in-tree and dangling links, drops absolute and climbing ones', () => {
    const { files, target } = tree({ ok: 'a.yaml', dangling: 'missing.yaml', abs: '/etc/passwd', up: '../x', 'd/root': '..', sneaky: 'd/root/../x' }, ['a.yaml'])
    const dropped: unknown[] = []
    const warnings = dropEscapingLinks(files, target, { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (_m, f) => dropped.push(f) })
    expect([...files.keys()].sort()).toEqual(['a.yaml', 'd/root', 'dangling', 'ok'])
    expect(dropped).toEqual([
      { path: 'abs', target: '/etc/passwd' },
      { path: 'up', target: '../x' },
      { path: 'sneaky', target: 'd/root/../x' },
    ])
    expect(warnings.map((w) => [w.type, w.path, w.message])).toEqual([
      ['symlink-outside', 'abs', 'abs: left out, a symlink to "/etc/passwd" that leads outside the artifact'],
      ['symlink-outside', 'up', 'up: left out, a symlink to "../x" that leads outside the artifact'],
      ['symlink-outside', 'sneaky', 'sneaky: left out, a symlink to "d/root/../x" that leads outside the artifact'],
    ])
  })
})
