import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { codeCacheDir } from './codeCache.js'

describe('codeCacheDir', () => {
  it('follows NODE_COMPILE_CACHE, then XDG_CACHE_HOME, then ~/.cache, and is off when told', () => {
    expect(codeCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/gitops-sdk/v8')
    expect(codeCacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/gitops-sdk/v8')
    expect(codeCacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg', NODE_COMPILE_CACHE: '/nc' })).toBe('/nc/gitops-sdk')
    expect(codeCacheDir({ HOME: '/home/u', NODE_DISABLE_COMPILE_CACHE: '1' })).toBeUndefined()
    // Relative or absent bases are not guessed at (the cache would land in the working directory).
    expect(codeCacheDir({ HOME: 'relative', XDG_CACHE_HOME: 'also-relative' })).toBeUndefined()
    expect(codeCacheDir({})).toBeUndefined()
  })
})

const bin = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url))

// Node >= 22.1 uses its own compile cache, not this one.
const nodeHasOwnCache = 'enableCompileCache' in (await import('node:module')).default

describe.skipIf(!existsSync(bin) || nodeHasOwnCache)('the code cache of the built gitops command (Node 20)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-code-cache-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const root = join(dir, 'app')
  mkdirSync(root)
  writeFileSync(join(root, 'kustomization.yaml'), 'resources:\n- cm.yaml\nlabels:\n- pairs:\n    app: web\n')
  writeFileSync(join(root, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: "prod"\n')
  const run = (env: Record<string, string>, stdout: 'pipe' | number = 'pipe') => {
    const r = spawnSync(process.execPath, [bin, 'build', root], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    return r.stdout
  }
  const cacheDir = join(dir, 'cache')
  const files = () => readdirSync(join(cacheDir, 'gitops-sdk')).sort()

  it('writes, uses and replaces its files without changing a byte of output, and never fails the command', () => {
    const expected = run({ NODE_DISABLE_COMPILE_CACHE: '1', HOME: dir })
    expect(expected).toContain('app: web')
    expect(existsSync(join(dir, '.cache'))).toBe(false)

    // First run: one file per bundle loaded (main, sdk), each the bundle's source then V8's data.
    expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
    const written = files()
    expect(written.map((f) => f.replace(/-v\d.*$/, ''))).toEqual(['main', 'sdk'])
    const sdkCache = join(cacheDir, 'gitops-sdk', written[1]!)
    const sdkSource = readFileSync(fileURLToPath(new URL('../dist/sdk.cjs', import.meta.url)))
    const stored = readFileSync(sdkCache)
    expect(stored.readUInt32LE(0)).toBe(sdkSource.length)
    expect(stored.subarray(4, 4 + sdkSource.length).equals(sdkSource)).toBe(true)
    expect(stored.length).toBeGreaterThan(4 + sdkSource.length)

    // Second run: the cache is accepted, so it is not written again.
    const before = statSync(sdkCache).mtimeMs
    expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
    expect(statSync(sdkCache).mtimeMs).toBe(before)

    // A cache made from another source (one byte changed) is not used, and is written anew.
    const stale = Buffer.from(stored)
    stale[4 + 100] = stale[4 + 100]! ^ 1
    writeFileSync(sdkCache, stale)
    expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
    expect(readFileSync(sdkCache).subarray(4, 4 + sdkSource.length).equals(sdkSource)).toBe(true)

    // Garbage and truncated files: ignored, then replaced.
    writeFileSync(sdkCache, Buffer.from('not a cache at all'))
    expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
    writeFileSync(sdkCache, stored.subarray(0, 4 + sdkSource.length + 10))
    expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
    expect(readFileSync(sdkCache).subarray(4, 4 + sdkSource.length).equals(sdkSource)).toBe(true)
    expect(files().filter((f) => f.endsWith('.tmp'))).toEqual([])

    // A cache directory that cannot be made (under a regular file): the command runs as without one.
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, '')
    expect(run({ NODE_COMPILE_CACHE: join(blocker, 'cache') })).toBe(expected)

    // Output to a regular file (written directly, not through process.stdout) is the same bytes.
    const out = join(dir, 'out.yaml')
    const fd = openSync(out, 'w')
    try {
      run({ NODE_COMPILE_CACHE: cacheDir }, fd)
    } finally {
      closeSync(fd)
    }
    expect(readFileSync(out, 'utf8')).toBe(expected)
  })
})
