import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
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

/** `fs`'s readFileNoFollow, which the test expects it to have. */
function noFollowOf(fs: FileSystem): (path: string) => Promise<Uint8Array> {
  return async (path) => {
    if (fs.readFileNoFollow === undefined) throw new Error('no readFileNoFollow')
    return fs.readFileNoFollow(path)
  }
}

describe('nodeFs readFileNoFollow', () => {
  const read = noFollowOf(nodeFs(root))

  it('reads a regular file at a path with no symlink, as readFile does', async () => {
    const big = Buffer.alloc(1 << 20, 'kind: ConfigMap\n')
    writeFileSync(join(root, 'nofollow-big.yaml'), big)
    writeFileSync(join(root, 'nofollow-empty.yaml'), '')
    for (const [path, expected] of [
      ['nofollow-big.yaml', big],
      ['app/readme.md', Buffer.from('hi')],
      ['./app/base/../readme.md', Buffer.from('hi')],
      ['nofollow-empty.yaml', Buffer.alloc(0)],
    ] as const) {
      const bytes = await read(path)
      expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype)
      expect(Buffer.from(bytes).equals(expected)).toBe(true)
      expect(bytes.buffer.byteLength).toBe(expected.length)
    }
  })

  it('refuses a symlink as the file, inside the root or out of it, naming the path', async () => {
    await expect(read('app/inside.yaml')).rejects.toMatchObject({
      code: 'CORE_FS_SYMLINK_REFUSED',
      message: 'app/inside.yaml: a symlink is on the path (or the file moved); this read follows none',
      details: { path: 'app/inside.yaml' },
    })
    await expect(read('app/escape.txt')).rejects.toMatchObject({ code: 'CORE_FS_SYMLINK_REFUSED' })
  })

  it('refuses a symlinked folder on the path', async () => {
    await expect(read('app/linked/kustomization.yaml')).rejects.toMatchObject({ code: 'CORE_FS_SYMLINK_REFUSED' })
  })

  it('refuses a folder that became a symlink out of the root after the path was checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitops-swap-'))
    try {
      mkdirSync(join(dir, 'app'))
      writeFileSync(join(dir, 'app', 'cm.yaml'), 'inside')
      writeFileSync(join(outside, 'cm.yaml'), 'outside')
      const read = noFollowOf(nodeFs(dir))
      expect(Buffer.from(await read('app/cm.yaml')).toString()).toBe('inside')
      renameSync(join(dir, 'app'), join(dir, 'moved'))
      symlinkSync(outside, join(dir, 'app'))
      await expect(read('app/cm.yaml')).rejects.toMatchObject({ code: 'CORE_FS_SYMLINK_REFUSED' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails with typed errors for missing files, folders, the root and .. escapes', async () => {
    await expect(read('app/missing.yaml')).rejects.toMatchObject({ code: 'CORE_FS_NOT_FOUND' })
    await expect(read('app/readme.md/x')).rejects.toMatchObject({ code: 'CORE_FS_NOT_FOUND' })
    await expect(read('app/base')).rejects.toMatchObject({ code: 'CORE_FS_NOT_A_FILE' })
    await expect(read('')).rejects.toMatchObject({ code: 'CORE_FS_NOT_A_FILE' })
    await expect(read('../etc/passwd')).rejects.toMatchObject({ code: 'CORE_FS_PATH_ESCAPES_ROOT' })
  })

  const hasMkfifo = (() => {
    try {
      execFileSync('mkfifo', ['--version'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()
  it.skipIf(!hasMkfifo)('refuses a FIFO without waiting for a writer', async () => {
    execFileSync('mkfifo', [join(root, 'nofollow.pipe')])
    await expect(read('nofollow.pipe')).rejects.toMatchObject({ code: 'CORE_FS_NOT_A_FILE', message: 'nofollow.pipe: not a regular file' })
  })

  it('is offered by an overlay over nodeFs: overrides as they are, the rest read from the base without following', async () => {
    const fs = overlayFs(nodeFs(root), new Map([['app/new.yaml', new TextEncoder().encode('new')]]))
    const noFollow = noFollowOf(fs)
    expect(new TextDecoder().decode(await noFollow('app/new.yaml'))).toBe('new')
    expect(new TextDecoder().decode(await noFollow('app/readme.md'))).toBe('hi')
    await expect(noFollow('app/inside.yaml')).rejects.toMatchObject({ code: 'CORE_FS_SYMLINK_REFUSED' })
    expect('readFileNoFollow' in overlayFs(memoryFs(), new Map())).toBe(false)
    expect('readFileNoFollow' in memoryFs()).toBe(false)
  })

  it("shows an override only under the path it was given (or the reader's name for it), never as the file a symlink leads to", async () => {
    // app/inside.yaml -> base/kustomization.yaml; app/linked -> base.
    const fs = overlayFs(
      nodeFs(root),
      new Map([
        ['app/inside.yaml', new TextEncoder().encode('override of the link')],
        ['app/linked/added.yaml', new TextEncoder().encode('added through the linked folder')],
      ]),
    )
    const noFollow = (path: string, named?: string): Promise<Uint8Array> => (fs.readFileNoFollow as (p: string, n?: string) => Promise<Uint8Array>).call(fs, path, named)
    expect(new TextDecoder().decode(await noFollow('app/base/kustomization.yaml'))).toBe('resources: []\n')
    expect(new TextDecoder().decode(await noFollow('app/base/kustomization.yaml', 'app/base/kustomization.yaml'))).toBe('resources: []\n')
    expect(new TextDecoder().decode(await noFollow('app/base/kustomization.yaml', 'app/inside.yaml'))).toBe('override of the link')
    // Read at its real path under the name asked for (render does so), an override in a linked folder is found;
    // its real path alone names no override.
    expect(new TextDecoder().decode(await noFollow('app/base/added.yaml', 'app/linked/added.yaml'))).toBe('added through the linked folder')
    await expect(noFollow('app/base/added.yaml')).rejects.toMatchObject({ code: 'CORE_FS_NOT_FOUND' })
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
    ['a/b', 'a/b'],
    ['/a', 'a'],
    ['a/', 'a'],
    ['./a', 'a'],
    ['a/.', 'a'],
    ['a/..', ''],
    ['a/b/..', 'a'],
    ['a\\..\\b', 'b'],
    // Dots inside a name are no segments of their own: kept as they are.
    ['.a/b.', '.a/b.'],
    ['..a/...', '..a/...'],
    ['a/.b/..c', 'a/.b/..c'],
  ])('normalises %j to %j', (input, output) => {
    expect(normalizePath(input)).toBe(output)
  })

  it.each(['..', '../a', 'a/../..', '/..', 'a\\..\\..', './..'])('refuses %j, which climbs above the root', (input) => {
    expect(() => normalizePath(input)).toThrow(expect.objectContaining({ code: 'CORE_FS_PATH_ESCAPES_ROOT' }))
  })

  // A JavaScript caller's non-string fails at once, as it did before the fast path for normal paths.
  it.each([undefined, null, 5, ['a', '..', '..']])('throws a TypeError for the non-string %j', (input) => {
    expect(() => normalizePath(input as unknown as string)).toThrow(TypeError)
  })
})
