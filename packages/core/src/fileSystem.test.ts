import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { memoryFs, nodeFs, normalizePath, overlayFs, readTextFile } from './index.js'
import type { FileSystem } from './index.js'

const root = mkdtempSync(join(tmpdir(), 'gitops-fs-'))
const outside = mkdtempSync(join(tmpdir(), 'gitops-outside-'))
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})
mkdirSync(join(root, 'app', 'base'), { recursive: true })
writeFileSync(join(root, 'app', 'base', 'kustomization.yaml'), 'resources: []\n')
writeFileSync(join(root, 'app', 'readme.md'), 'hi')
writeFileSync(join(outside, 'secret.txt'), 'do not read')
symlinkSync(join(outside, 'secret.txt'), join(root, 'app', 'escape.txt'))
symlinkSync('base/kustomization.yaml', join(root, 'app', 'inside.yaml'))
symlinkSync('base', join(root, 'app', 'linked'))

const trees: [string, FileSystem][] = [
  ['nodeFs', nodeFs(root)],
  ['memoryFs', memoryFs({ 'app/base/kustomization.yaml': 'resources: []\n', 'app/readme.md': 'hi', 'app/inside.yaml': 'resources: []\n' })],
]

describe.each(trees)('%s', (_name, fs) => {
  it('reads files by relative POSIX path', async () => {
    expect(await readTextFile(fs, 'app/base/kustomization.yaml')).toBe('resources: []\n')
    expect(await readTextFile(fs, './app/../app/base/kustomization.yaml')).toBe('resources: []\n')
    expect(await readTextFile(fs, 'app/inside.yaml')).toBe('resources: []\n')
  })

  it('lists directories sorted and stats paths', async () => {
    const names = (await fs.readdir('app')).map((e) => `${e.name}:${e.type}`)
    expect(names).toContain('base:directory')
    expect(names).toContain('readme.md:file')
    expect(await fs.stat('app/base')).toMatchObject({ type: 'directory' })
    expect(await fs.stat('app/readme.md')).toMatchObject({ type: 'file', size: 2 })
    expect(await fs.stat('app/missing')).toBeUndefined()
  })

  it('fails with typed errors for missing files, directories read as files and .. escapes', async () => {
    await expect(fs.readFile('app/missing.yaml')).rejects.toMatchObject({ code: 'CORE_FS_NOT_FOUND' })
    await expect(fs.readFile('app/base')).rejects.toMatchObject({ code: 'CORE_FS_NOT_A_FILE' })
    await expect(fs.readdir('app/readme.md')).rejects.toMatchObject({ code: 'CORE_FS_NOT_A_DIRECTORY' })
    await expect(fs.readFile('../etc/passwd')).rejects.toMatchObject({ code: 'CORE_FS_PATH_ESCAPES_ROOT' })
  })
})

describe('nodeFs', () => {
  it('reads a file as a Uint8Array over memory that holds that file alone, large or empty', async () => {
    const fs = nodeFs(root)
    const big = Buffer.alloc(3 << 20, 'kind: ConfigMap\n')
    writeFileSync(join(root, 'big.yaml'), big)
    writeFileSync(join(root, 'empty.yaml'), '')
    for (const [path, expected] of [
      ['big.yaml', big],
      ['app/readme.md', Buffer.from('hi')],
      ['empty.yaml', Buffer.alloc(0)],
    ] as const) {
      const bytes = await fs.readFile(path)
      expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype)
      expect(Buffer.from(bytes).equals(expected)).toBe(true)
      // Nothing of another allocation (Node's shared pool) is reachable through .buffer.
      expect(bytes.byteOffset).toBe(0)
      expect(bytes.buffer.byteLength).toBe(expected.length)
    }
  })

  it('refuses a symlink that leads outside the root', async () => {
    const fs = nodeFs(root)
    await expect(fs.readFile('app/escape.txt')).rejects.toMatchObject({ code: 'CORE_FS_PATH_ESCAPES_ROOT' })
    await expect(fs.stat('app/escape.txt')).rejects.toMatchObject({ code: 'CORE_FS_PATH_ESCAPES_ROOT' })
  })

  it('tells where a path really is, following symlinks inside the root', async () => {
    const fs = nodeFs(root)
    expect(await fs.realpath?.('app/inside.yaml')).toBe('app/base/kustomization.yaml')
    expect(await fs.realpath?.('app/./readme.md')).toBe('app/readme.md')
    expect(await fs.realpath?.('app/missing.yaml')).toBe('app/missing.yaml')
    // A path that does not exist is where its folder really is (an overlay's added file).
    expect(await fs.realpath?.('app/linked/missing.yaml')).toBe('app/base/missing.yaml')
    expect(await fs.realpath?.('app/linked/no/such.yaml')).toBe('app/base/no/such.yaml')
    expect(await overlayFs(fs, new Map([['app/linked/new.yaml', new Uint8Array()]])).realpath?.('app/linked/new.yaml')).toBe('app/base/new.yaml')
    expect(await fs.realpath?.('')).toBe('')
    await expect(fs.realpath?.('app/escape.txt')).rejects.toMatchObject({ code: 'CORE_FS_PATH_ESCAPES_ROOT' })
    expect(await overlayFs(fs, new Map()).realpath?.('app/inside.yaml')).toBe('app/base/kustomization.yaml')
  })

  it('reads below the file system root when rooted at /', async () => {
    const fs = nodeFs('/')
    const rel = join(root, 'app', 'readme.md').slice(1)
    expect(await readTextFile(fs, rel)).toBe('hi')
    expect(await fs.stat(join(root, 'app').slice(1))).toMatchObject({ type: 'directory' })
  })
})

describe('overlayFs', () => {
  it('shows replaced contents over the base without touching it', async () => {
    const base = memoryFs({ 'a/secret.env': 'ENC[...]', 'a/plain.txt': 'x' })
    const fs = overlayFs(base, new Map([['a/secret.env', new TextEncoder().encode('KEY=value')]]))
    expect(await readTextFile(fs, 'a/secret.env')).toBe('KEY=value')
    expect(await readTextFile(base, 'a/secret.env')).toBe('ENC[...]')
    expect(await fs.stat('a/secret.env')).toMatchObject({ size: 9 })
  })

  it('adds files the base does not have: listed, read and stat-ed, new folders included', async () => {
    const base = memoryFs({ 'a/plain.txt': 'x' })
    const fs = overlayFs(base, new Map([['a/added.env', new TextEncoder().encode('K=v')], ['new/deep/file.yaml', new TextEncoder().encode('k: v\n')]]))
    expect(await fs.readdir('a')).toEqual([{ name: 'added.env', type: 'file' }, { name: 'plain.txt', type: 'file' }])
    expect((await fs.readdir('')).map((e) => e.name)).toEqual(['a', 'new'])
    expect(await fs.readdir('new/deep')).toEqual([{ name: 'file.yaml', type: 'file' }])
    expect(await fs.stat('new')).toMatchObject({ type: 'directory' })
    expect(await fs.stat('new/deep/file.yaml')).toMatchObject({ type: 'file', size: 5 })
    expect(await readTextFile(fs, 'new/deep/file.yaml')).toBe('k: v\n')
    expect(await fs.stat('missing')).toBeUndefined()
    expect(await base.stat('new')).toBeUndefined()
  })
})

describe('normalizePath', () => {
  it.each([
    ['', ''],
    ['.', ''],
    ['/a//b/./c/', 'a/b/c'],
    ['a/b/../c', 'a/c'],
    ['a\\b', 'a/b'],
  ])('normalises %j to %j', (input, output) => {
    expect(normalizePath(input)).toBe(output)
  })
})
