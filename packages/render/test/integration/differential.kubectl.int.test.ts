// Differential test: random kustomize trees (test/helpers/randomTree.ts) built by render and by
// `kubectl kustomize` (kustomize v5.5.0) must give byte-identical output, or both fail. Skips
// when kubectl is not installed. RENDER_SEEDS=a-b picks the seeds (default 1-40).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { nodeFs, stringifyObjects } from '@gitops-sdk/core'
import { afterAll, describe, expect, it } from 'vitest'
import { isRenderError, render } from '../../src/index.js'
import { randomTree } from '../helpers/randomTree.js'
import { hasKubectl, kubectl } from '../../../../testing/kubectl.js'


const [from = 1, to = 40] = (process.env.RENDER_SEEDS ?? '').split('-').filter((x) => x !== '').map(Number)
const seeds = Array.from({ length: to - from + 1 }, (_, i) => from + i)
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function kustomize(dir: string): { out: string } | { error: string } {
  try {
    return { out: execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) }
  } catch (err) {
    return { error: String((err as { stderr?: string }).stderr ?? err) }
  }
}

describe.skipIf(!hasKubectl)('render against kubectl kustomize on random trees', () => {
  it.each(seeds)('seed %i', async (seed) => {
    const tree = randomTree(seed)
    const dir = mkdtempSync(join(tmpdir(), 'gitops-render-diff-'))
    dirs.push(dir)
    for (const [path, text] of Object.entries(tree.files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
    const want = kustomize(join(dir, tree.root))
    const got = await render(tree.root, { fs: nodeFs(dir) }).then(
      (objects) => ({ out: stringifyObjects(objects) }),
      (err: unknown) => ({ error: err }),
    )
    if ('error' in want) {
      expect('error' in got, `kubectl failed (${want.error.trim()}) but render succeeded`).toBe(true)
      if ('error' in got) expect(isRenderError(got.error), String(got.error)).toBe(true)
      return
    }
    if ('error' in got) throw got.error
    expect(got.out).toBe(want.out)
  })
})
