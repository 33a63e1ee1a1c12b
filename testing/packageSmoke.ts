// Shared by every package's smoke test: the built package loads through `import` (and `require`
// where it ships CJS), exports what its sources export, and passes publint.
import { existsSync, readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { publint } from 'publint'
import { describe, expect, it } from 'vitest'

interface Manifest {
  readonly name: string
  readonly exports: Record<string, unknown>
}

/** Declares the smoke tests of the package in `dir`; they skip until the package is built. */
export function describePackageSmoke(dir: string, sourceExports: Record<string, unknown>): void {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest
  const built = existsSync(join(dir, 'dist', 'index.js'))
  const root = manifest.exports['.'] as Record<string, unknown>
  describe.skipIf(!built)(`${manifest.name} as built`, () => {
    it('loads through import with the same exports as its sources', async () => {
      const mod = (await import(pathToFileURL(join(dir, 'dist', 'index.js')).href)) as Record<string, unknown>
      expect(Object.keys(mod).sort()).toEqual(Object.keys(sourceExports).sort())
    })

    it.runIf('require' in root)('loads through require with the same exports', () => {
      // In a child process: vitest runs tests with the @gitops-sdk/source condition, under which
      // a sibling dependency would resolve to its TypeScript sources, which require cannot load.
      const script = `process.stdout.write(JSON.stringify(Object.keys(require(${JSON.stringify(join(dir, 'dist', 'index.cjs'))}))))`
      const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
      expect(result.stderr).toBe('')
      expect((JSON.parse(result.stdout) as string[]).sort()).toEqual(Object.keys(sourceExports).sort())
    })

    it('passes publint', async () => {
      // npm is on every machine; pnpm is only on PATH inside the root scripts.
      const { messages } = await publint({ pkgDir: dir, level: 'warning', strict: true, pack: 'npm' })
      expect(messages.map((m) => `${m.code} ${JSON.stringify(m.path)}`)).toEqual([])
    })
  })
}
