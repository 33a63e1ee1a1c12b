// Runs every case of the shared kustomize conformance corpus (kustomize v5.5.0's own krusty
// tests, with the exact v5.5.0 output): output cases must print byte for byte what kubectl
// kustomize printed, error cases must fail with a RenderError. Cases listed in
// KNOWN_DIFFERENCES.md are skipped. Skips cleanly when the shared folder is absent.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeFs, stringifyObjects } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { sharedPath } from '../../../testing/sharedDir.js'
import { isRenderError, render } from '../src/index.js'

interface CaseIndexEntry {
  readonly name: string
  readonly root: string
  readonly expect: 'output' | 'error'
}

const dir = sharedPath('conformance/kustomize')
const cases: CaseIndexEntry[] = dir === undefined ? [] : (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as CaseIndexEntry[])
const only = process.env.RENDER_CASE
const known = new Set(
  [...readFileSync(new URL('../KNOWN_DIFFERENCES.md', import.meta.url), 'utf8').matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] as string),
)

describe.skipIf(dir === undefined)('kustomize v5.5.0 conformance', () => {
  const selected = cases.filter((c) => (only === undefined || c.name.includes(only)) && !known.has(c.name))
  it.each(selected.map((c) => ({ ...c, label: c.name })))('$label', async (c) => {
    const caseDir = join(dir as string, 'cases', c.name)
    const fs = nodeFs(join(caseDir, 'in'))
    if (c.expect === 'error') {
      const err: unknown = await render(c.root, { fs }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err, 'the build must fail').toBeDefined()
      expect(isRenderError(err), String(err)).toBe(true)
      return
    }
    const expected = readFileSync(join(caseDir, 'expected.yaml'), 'utf8')
    const objects = await render(c.root, { fs })
    expect(stringifyObjects(objects)).toBe(expected)
  })

  it('lists only cases that exist in KNOWN_DIFFERENCES.md, at most 10', () => {
    for (const name of known) expect(existsSync(join(dir as string, 'cases', name)), name).toBe(true)
    expect(known.size).toBeLessThanOrEqual(10)
  })
})
