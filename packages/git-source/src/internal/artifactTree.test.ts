import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import type { ArtifactFile, ArtifactFiles } from './artifactTree.js'
import { dropEscapingLinks, fileBytes, resolveInside, treeFiles } from './artifactTree.js'
import type { GitObject, ObjectType } from './gitObjects.js'
import { ObjectFormatError } from './gitObjects.js'
import type { ObjectStore } from './objectStore.js'

const file: ArtifactFile = { kind: 'file', tree: undefined, at: 0, content: new Uint8Array() }

function tree(links: Record<string, string>, files: readonly string[] = []): { files: ArtifactFiles; target: (p: string) => string } {
  const map: ArtifactFiles = new Map(files.map((p) => [p, file]))
  for (const [path, target] of Object.entries(links)) map.set(path, { kind: 'symlink', tree: undefined, at: 0, content: Buffer.from(target) })
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

/** A store over objects given by content; `kept` says which ones it holds "in memory". */
function fakeStore(objects: readonly GitObject[], kept: (o: GitObject) => boolean): { store: ObjectStore; id: (o: GitObject) => string } {
  const id = (o: GitObject): string => createHash('sha1').update(`${o.type} ${o.data.byteLength}\0`).update(o.data).digest('hex')
  const byId = new Map(objects.map((o) => [id(o), o]))
  const store: ObjectStore = {
    read(oid) {
      const o = byId.get(oid)
      if (o === undefined) throw new Error(`${oid} is missing`)
      return o
    },
    inMemory(bytes, at) {
      const o = byId.get(Buffer.from(bytes.subarray(at, at + 20)).toString('hex'))
      return o !== undefined && kept(o) ? o : undefined
    },
    blobDigest: () => undefined,
    has: (oid) => byId.has(oid),
    add: () => undefined,
  }
  return { store, id }
}

const object = (type: ObjectType, data: string | Buffer): GitObject => ({ type, data: Buffer.from(data) })

describe('treeFiles', () => {
  const blob = (text: string): GitObject => object('blob', text)
  const entries = (list: readonly (readonly [string, string, string])[]): Buffer =>
    Buffer.concat(list.flatMap(([mode, name, oid]) => [Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')]))

  it.for([true, false])('takes the modes git writes, exactly, and leaves out the rest (objects in memory: %s)', (inMemory) => {
    const blobs = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'x', 'y'].map((t) => blob(`${t}\n`))
    const [a, b, c, d, e, f, g, h, x, y] = blobs as [GitObject, GitObject, GitObject, GitObject, GitObject, GitObject, GitObject, GitObject, GitObject, GitObject]
    const { id } = fakeStore([], () => true)
    const dir1 = object('tree', entries([['100644', 'x.yaml', id(x)]]))
    const dir2 = object('tree', entries([['100644', 'y.yaml', id(y)]]))
    const root = object(
      'tree',
      entries([
        ['100644', 'a', id(a)],
        ['0100644', 'b', id(b)],
        ['100664', 'c', id(c)],
        ['100755', 'd', id(d)],
        ['120000', 'e', id(e)],
        ['160000', 'f', id(f)],
        ['10064', 'g', id(g)],
        ['1006448', 'h', id(h)],
        ['40000', 'dir1', id(dir1)],
        ['040000', 'dir2', id(dir2)],
        ['0040000', 'dir3', id(dir1)],
        ['4000', 'dir4', id(dir1)],
      ]),
    )
    const { store } = fakeStore([...blobs, dir1, dir2, root], () => inMemory)
    const files = treeFiles('http://127.0.0.1/repo.git', id(root), store)
    expect([...files].map(([path, file]) => [path, file.kind, Buffer.from(fileBytes(store, file)).toString()])).toEqual([
      ['a', 'file', 'a\n'],
      ['c', 'file', 'c\n'],
      ['d', 'executable', 'd\n'],
      ['e', 'symlink', 'e\n'],
      ['dir1/x.yaml', 'file', 'x\n'],
      ['dir2/y.yaml', 'file', 'y\n'],
    ])
  })

  it('refuses a truncated tree and a blob where a tree should be, naming it', () => {
    const a = blob('a\n')
    const { id } = fakeStore([], () => true)
    const truncated = object('tree', entries([['100644', 'a', id(a)]]).subarray(0, 20))
    const { store } = fakeStore([a, truncated], () => true)
    expect(() => treeFiles('u', id(truncated), store)).toThrow(ObjectFormatError)
    const wrong = object('tree', entries([['40000', 'dir', id(a)]]))
    const second = fakeStore([a, wrong], () => false)
    expect(() => treeFiles('u', id(wrong), second.store)).toThrow(`u: dir: ${id(a)} is a blob, not a tree`)
  })
})
