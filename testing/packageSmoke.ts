// Shared by every package's smoke test: each built entry loads through `import` and `require`
// with the exports of its sources, every subpath offers both, and the package passes publint.
// The installed tarballs are tested from outside the workspace by examples/packages.smoke.test.ts.
// The `require` check runs in a plain node process: vitest starts its workers with
// `--conditions @gitops-sdk/source`, under which a CJS require of a sibling package would resolve
// to its TypeScript sources.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { publint } from 'publint'
import { describe, expect, it } from 'vitest'

interface Manifest {
  readonly name: string
  readonly exports: Record<string, unknown>
}

function requireInPlainNode(file: string): string[] {
  const script = `process.stdout.write(JSON.stringify(Object.keys(require(${JSON.stringify(file)}))))`
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
  if (result.status !== 0) throw new Error(`require(${file}) failed: ${result.stderr}`)
  return (JSON.parse(result.stdout) as string[]).sort()
}

/**
 * Declares the smoke tests of the package in `dir`; they skip until the package is built.
 * `entries` maps each built entry (`index`, `testing`, …) to the exports of its sources.
 */
export function describePackageSmoke(dir: string, entries: Readonly<Record<string, Record<string, unknown>>>): void {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest
  const built = existsSync(join(dir, 'dist', 'index.js'))
  describe.skipIf(!built)(`${manifest.name} as built`, () => {
    it('offers every subpath to import and to require, each with its types', () => {
      for (const [subpath, conditions] of Object.entries(manifest.exports)) {
        if (subpath === './package.json') continue
        expect(conditions, subpath).toMatchObject({
          import: { types: expect.stringMatching(/\.d\.ts$/) as unknown, default: expect.stringMatching(/\.js$/) as unknown },
          require: { types: expect.stringMatching(/\.d\.cts$/) as unknown, default: expect.stringMatching(/\.cjs$/) as unknown },
        })
      }
    })

    it.each(Object.entries(entries))('%s loads through import with the same exports as its sources', async (entry, sources) => {
      const mod = (await import(pathToFileURL(join(dir, 'dist', `${entry}.js`)).href)) as Record<string, unknown>
      expect(Object.keys(mod).sort()).toEqual(Object.keys(sources).sort())
    })

    it.each(Object.entries(entries))('%s loads through require with the same exports', (entry, sources) => {
      expect(requireInPlainNode(join(dir, 'dist', `${entry}.cjs`))).toEqual(Object.keys(sources).sort())
    })

    it('passes publint', async () => {
      // npm is on every machine; pnpm is only on PATH inside the root scripts.
      const { messages } = await publint({ pkgDir: dir, level: 'warning', strict: true, pack: 'npm' })
      expect(messages.map((m) => `${m.code} ${JSON.stringify(m.path)}`)).toEqual([])
    })
  })
}
