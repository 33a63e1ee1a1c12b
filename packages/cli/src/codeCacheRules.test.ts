// The pure parts of the code cache (codeCache.ts): where it lives, how its files are named, which
// files go through it and which cache files it reads. The built command is tested in
// codeCache.test.ts.
import { describe, expect, it } from 'vitest'
import { cacheFileName, cacheTag, codeCacheDir, isPackageBuild, isTrustedCache } from './codeCache.js'

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

describe('cacheTag', () => {
  it('names the command, or _ when the first argument is not a command name', () => {
    expect(cacheTag(['build', '.'])).toBe('build')
    expect(cacheTag(['fleet', 'build'])).toBe('fleet')
    expect(cacheTag([])).toBe('_')
    expect(cacheTag(['--help'])).toBe('_')
    expect(cacheTag(['-o', 'json', 'build'])).toBe('_')
    // Nothing that could leave the cache directory or make an odd file name.
    expect(cacheTag(['../x'])).toBe('_')
    expect(cacheTag(['Build'])).toBe('_')
    expect(cacheTag(['a'.repeat(40)])).toBe('_')
  })
})

describe('isPackageBuild', () => {
  it('names the .cjs files directly in a dist folder of the SDK, on either separator', () => {
    expect(isPackageBuild('/n/node_modules/@gitops-sdk/apply/dist/index.cjs')).toBe(true)
    expect(isPackageBuild('/w/packages/core/dist/chunk-MW73WZXO.cjs')).toBe(true)
    expect(isPackageBuild('C:\\n\\core\\dist\\index.cjs')).toBe(true)
    expect(isPackageBuild('/n/core/dist/index.js')).toBe(false)
    expect(isPackageBuild('/n/core/dist/sub/index.cjs')).toBe(false)
    expect(isPackageBuild('/n/core/distx/index.cjs')).toBe(false)
    expect(isPackageBuild('/n/core/lib/index.cjs')).toBe(false)
    // Installed: the SDK's packages, also under pnpm's store; no other package.
    expect(isPackageBuild('/p/node_modules/.pnpm/@gitops-sdk+apply@0.1.0/node_modules/@gitops-sdk/apply/dist/index.cjs')).toBe(true)
    expect(isPackageBuild('/p/node_modules/.pnpm/jsonpath-plus@10.3.0/node_modules/jsonpath-plus/dist/index-node-cjs.cjs')).toBe(false)
    expect(isPackageBuild('/p/node_modules/other/dist/index.cjs')).toBe(false)
    expect(isPackageBuild('C:\\p\\node_modules\\@gitops-sdk\\core\\dist\\index.cjs')).toBe(true)
  })

  it('names no third-party file installed under an SDK package, nor any other file of one', () => {
    expect(isPackageBuild('/p/node_modules/@gitops-sdk/core/node_modules/jsonpath-plus/dist/index-node-cjs.cjs')).toBe(false)
    expect(isPackageBuild('/p/node_modules/@gitops-sdk/core/node_modules/@scope/x/dist/x.cjs')).toBe(false)
    expect(isPackageBuild('C:\\p\\node_modules\\@gitops-sdk\\core\\node_modules\\yaml\\dist\\index.cjs')).toBe(false)
    expect(isPackageBuild('/p/node_modules/.pnpm/@gitops-sdk+core@0.1.0/node_modules/@gitops-sdk/core/node_modules/x/dist/x.cjs')).toBe(false)
    expect(isPackageBuild('/p/node_modules/@gitops-sdk/core/lib/dist/x.cjs')).toBe(false)
    expect(isPackageBuild('/p/node_modules/@gitops-sdk/core/dist/sub/x.cjs')).toBe(false)
    expect(isPackageBuild('/p/node_modules/@gitops-sdk/dist/x.cjs')).toBe(false)
    expect(isPackageBuild('/w/packages/core/node_modules/x/dist/x.cjs')).toBe(false)
  })
})

describe('isTrustedCache', () => {
  it("reads only the user's own file, writable by no one else, in the user's own directory no one else can write to", () => {
    const file = { uid: 1000, mode: 0o100600 }
    const dir = { uid: 1000, mode: 0o40700 }
    expect(isTrustedCache(file, dir, 1000)).toBe(true)
    expect(isTrustedCache({ uid: 1000, mode: 0o100644 }, { uid: 1000, mode: 0o40755 }, 1000)).toBe(true)
    // Another user's file or directory, even with the same modes (root's included).
    expect(isTrustedCache({ ...file, uid: 1001 }, dir, 1000)).toBe(false)
    expect(isTrustedCache({ ...file, uid: 0 }, dir, 1000)).toBe(false)
    expect(isTrustedCache(file, { ...dir, uid: 1001 }, 1000)).toBe(false)
    expect(isTrustedCache(file, dir, 0)).toBe(false)
    // Writable by the group or by others: the file, or the directory (sticky or not).
    for (const mode of [0o100620, 0o100602, 0o100666]) expect(isTrustedCache({ ...file, mode }, dir, 1000)).toBe(false)
    for (const mode of [0o40770, 0o40707, 0o41777, 0o40777]) expect(isTrustedCache(file, { ...dir, mode }, 1000)).toBe(false)
    // No user ids (Windows): nothing to tell apart.
    expect(isTrustedCache({ uid: 0, mode: 0o100666 }, { uid: 0, mode: 0o40777 }, undefined)).toBe(true)
  })
})

describe('cacheFileName', () => {
  it('names the bundle, command, Node version and the V8 flags in effect, so runs under other flags keep files of their own', () => {
    const name = (flagsTag: number | undefined, tag = 'template') => cacheFileName('/c', '/x/dist/template.cjs', { tag, version: 'v20.20.2-x64', flagsTag })
    expect(name(2526724978)).toMatch(/^\/c\/template-template-v20\.20\.2-x64-969ac372-[0-9a-f]+$/)
    // A tuned and an untuned run of one command (GITOPS_V8_TUNING=off, the user's tiering flags).
    expect(name(2526724978)).not.toBe(name(2208153205))
    expect(name(2526724978)).not.toBe(name(2526724978, 'build'))
    expect(name(undefined)).toMatch(/^\/c\/template-template-v20\.20\.2-x64-v8-[0-9a-f]+$/)
    // Another place of the same bundle name.
    expect(cacheFileName('/c', '/y/dist/template.cjs', { tag: 'template', version: 'v20.20.2-x64', flagsTag: 1 })).not.toBe(name(1))
  })
})
