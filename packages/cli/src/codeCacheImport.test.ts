// The code cache (codeCache.ts) and a file with an `import(`: its own test file, since useCodeCache
// changes how this process compiles CommonJS files (only those directly in the temporary folder
// below, all others load as before).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire, Module } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cachedDataVersionTag } from 'node:v8'
import { Script } from 'node:vm'
import { afterAll, describe, expect, it } from 'vitest'
import { cacheFileName, useCodeCache } from './codeCache.js'

describe('useCodeCache and dynamic import', () => {
  const root = mkdtempSync(join(tmpdir(), 'gitops-code-cache-import-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('loads a file that gained an `import(` through Node’s own loader, even with an entry planted under its key that V8 rejects', async () => {
    const bundles = join(root, 'dist')
    const cacheDir = join(root, 'cache')
    mkdirSync(bundles)
    mkdirSync(cacheDir, { mode: 0o700 })
    const file = join(bundles, 'gained.cjs')
    const content = "module.exports = () => import('node:path').then((m) => typeof m.join)\n"
    writeFileSync(file, content)
    // An entry whose key names the file as it is now (as an entry written for the file before its
    // edit would, had the edit kept its metadata), and whose data V8 made from another source.
    const st = statSync(file, { bigint: true })
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${content.length}:no-dynamic-import`
    const loader = Module as unknown as { wrap(source: string): string }
    const data = new Script(loader.wrap('module.exports = () => 1\n'), { filename: file }).createCachedData()
    const header = Buffer.alloc(4)
    header.writeUInt32LE(key.length, 0)
    const entry = cacheFileName(cacheDir, file, { tag: 'test', version: `${process.version}-${process.arch}`, flagsTag: cachedDataVersionTag() })
    writeFileSync(entry, Buffer.concat([header, Buffer.from(key, 'latin1'), data]), { mode: 0o600 })

    useCodeCache(bundles, cacheDir, { tag: 'test' })
    const loaded = createRequire(file)(file) as () => Promise<string>
    // Through a node:vm script its import() would reject ("A dynamic import callback was not specified").
    await expect(loaded()).resolves.toBe('function')
  })
})
