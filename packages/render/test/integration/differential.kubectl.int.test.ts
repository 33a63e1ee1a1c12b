// Differential test: random kustomize trees (test/helpers/randomTree.ts) built by render and by
// `kubectl kustomize` (kustomize v5.5.0) must give byte-identical output, or both fail. Skips
// when kubectl is not installed. RENDER_SEEDS=a-b picks the seeds (default 1-40).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { nodeFs, stringifyObjects } from '@gitops-sdk/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRenderError, render } from '../../src/index.js'
import { randomTree } from '../helpers/randomTree.js'
import { hasKubectl } from '../../../../testing/kubectl.js'
import { type KustomizeResult, kustomizeAll } from '../helpers/kustomize.js'


const [from = 1, to = 40] = (process.env.RENDER_SEEDS ?? '').split('-').filter((x) => x !== '').map(Number)
const seeds = Array.from({ length: to - from + 1 }, (_, i) => from + i)
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe.skipIf(!hasKubectl)('render against kubectl kustomize on random trees', () => {
  // Every tree is written and built by kubectl up front, a few processes at a time (they mostly
  // wait); each test then renders its tree and compares with kubectl's result.
  const trees = seeds.map((seed) => randomTree(seed))
  let wants: KustomizeResult[] = []
  beforeAll(async () => {
    const roots = trees.map((tree) => {
      const dir = mkdtempSync(join(tmpdir(), 'gitops-render-diff-'))
      dirs.push(dir)
      for (const [path, text] of Object.entries(tree.files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true })
        writeFileSync(join(dir, path), text)
      }
      return join(dir, tree.root)
    })
    wants = await kustomizeAll(roots)
  }, 300_000)

  it.each(seeds.map((seed, index) => ({ seed, index })))('seed $seed', async ({ seed, index }) => {
    const tree = trees[index]
    const dir = dirs[index]
    const want = wants[index]
    if (tree === undefined || dir === undefined || want === undefined) throw new Error(`seed ${seed}: no tree or kubectl result`)
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
