// The built package: loads through import and require with the same exports as its sources, and
// passes publint. The require check runs in a child Node process: vitest starts its workers with
// `--conditions @gitops-sdk/source`, under which a CJS require of @gitops-sdk/core would resolve
// to core's TypeScript sources instead of its built CJS.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { publint } from 'publint'
import { describe, expect, it } from 'vitest'
import * as sources from '../src/index.js'

const dir = new URL('..', import.meta.url).pathname
const built = existsSync(join(dir, 'dist', 'index.cjs'))
const names = Object.keys(sources).sort()

describe.skipIf(!built)('@gitops-sdk/render as built', () => {
  it('loads through import with the same exports as its sources', async () => {
    const mod = (await import(pathToFileURL(join(dir, 'dist', 'index.js')).href)) as Record<string, unknown>
    expect(Object.keys(mod).sort()).toEqual(names)
  })

  it('loads through require with the same exports', () => {
    const script = `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(join(dir, 'dist', 'index.cjs'))})).sort()))`
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
    expect(JSON.parse(out)).toEqual(names)
  })

  it('passes publint', async () => {
    const { messages } = await publint({ pkgDir: dir, level: 'warning', strict: true })
    expect(messages.map((m) => `${m.code} ${JSON.stringify(m.path)}`)).toEqual([])
  })
})
