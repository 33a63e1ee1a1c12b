// Brackets that do not nest (in quoted strings, comments and block scalars) fail core's cheap
// nesting scan; the real measure lets such a document through, and render builds it as
// `kubectl kustomize` does, byte for byte. Real nesting past the budget is still refused, typed.
// Skips the comparison when kubectl is not installed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeFs, stringifyObjects } from '@gitops-sdk/core'
import { afterAll, describe, expect, it } from 'vitest'
import { isRenderError, render } from '../../src/index.js'
import { hasKubectl } from '../../../../testing/kubectl.js'
import { kustomize } from '../helpers/kustomize.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function tree(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-render-nesting-'))
  dirs.push(dir)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

const brackets = '['.repeat(1200) + '{'.repeat(1200)
const configMap = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: patterns # ' + brackets,
  'data:',
  `  regex: "^${brackets}\\\\[x\\\\]$"`,
  `  single: '${brackets} '' ${brackets}'`,
  '  script: |',
  `    match = ${brackets}`,
  `    ${' '.repeat(1100)}${brackets}`,
  '  folded: >-',
  `    ${brackets}`,
  `  plain: x${brackets}`,
  '',
].join('\n')

describe('render of documents whose brackets do not nest', () => {
  it('builds a ConfigMap holding 2,400 brackets in strings, comments and block scalars, as kubectl kustomize does', async () => {
    const dir = tree({
      'kustomization.yaml': 'resources:\n- cm.yaml\nnamePrefix: p-\ncommonLabels:\n  app: re\n',
      'cm.yaml': configMap,
    })
    const objects = await render('.', { fs: nodeFs(dir) })
    expect(objects[0]?.data).toMatchObject({ single: `${brackets} ' ${brackets}`, plain: `x${brackets}` })
    if (!hasKubectl) return
    const want = await kustomize(dir)
    expect('out' in want ? want.out : want.error).toBe(stringifyObjects(objects))
  })

  it('still refuses 1,001 real levels with a typed error naming the file and line', async () => {
    const dir = tree({
      'kustomization.yaml': 'resources:\n- cm.yaml\n',
      'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep # ${brackets}\ndata:\n  x: ${'['.repeat(1000)}${']'.repeat(1000)}\n`,
    })
    const err: unknown = await render('.', { fs: nodeFs(dir) }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isRenderError(err), String(err)).toBe(true)
    expect((err as Error).message).toMatch(/cm\.yaml.*line 6: nested more than 1000 levels deep/)
  })
})
