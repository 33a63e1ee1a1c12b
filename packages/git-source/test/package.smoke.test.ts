// The shared smoke checks (testing/packageSmoke.ts) with one change: `require` runs in a plain
// node process. vitest starts its workers with `--conditions @gitops-sdk/source`, so an in-process
// require of dist/index.cjs resolves @gitops-sdk/core to its TypeScript sources and fails; the
// shared helper only passes today because core depends on no SDK package.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { publint } from 'publint'
import { describe, expect, it } from 'vitest'
import * as sources from '../src/index.js'
import * as testingSources from '../src/testing.js'

const dir = new URL('..', import.meta.url).pathname
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }

function requireInPlainNode(file: string): string[] {
  const script = `process.stdout.write(JSON.stringify(Object.keys(require(${JSON.stringify(file)}))))`
  return (JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })) as string[]).sort()
}

describe.skipIf(!existsSync(join(dir, 'dist', 'index.js')))(`${manifest.name} as built`, () => {
  it.for([
    { entry: 'index', exports: sources },
    { entry: 'testing', exports: testingSources },
  ])('$entry loads through import and require with the same exports as its sources', async ({ entry, exports }) => {
    const esm = (await import(pathToFileURL(join(dir, 'dist', `${entry}.js`)).href)) as Record<string, unknown>
    expect(Object.keys(esm).sort()).toEqual(Object.keys(exports).sort())
    expect(requireInPlainNode(join(dir, 'dist', `${entry}.cjs`))).toEqual(Object.keys(exports).sort())
  })

  it('passes publint', async () => {
    const { messages } = await publint({ pkgDir: dir, level: 'warning', strict: true })
    expect(messages.map((m) => `${m.code} ${JSON.stringify(m.path)}`)).toEqual([])
  })
})
