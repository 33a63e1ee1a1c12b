// `gitops build` of a tree without a user-written regular expression must not load re2js (about
// 9 ms of start-up): the built command runs in a child with a preload that records every module
// request naming re2js. A tree with a regular expression (a patch target `web|api`) checks that the
// preload sees the load.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url))

describe.skipIf(!existsSync(bin))('re2js in the built gitops command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-lazy-re2js-'))
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const hook = join(dir, 'hook.cjs')
  writeFileSync(
    hook,
    "const M = require('module'); const load = M._load; M._load = function (request, ...rest) { if (/(^|[\\\\/])re2js([\\\\/]|$)/.test(request)) process.stderr.write('LOADED re2js\\n'); return load.call(this, request, ...rest) }\n",
  )
  const tree = (name: string, kustomization: string): string => {
    const root = join(dir, name)
    mkdirSync(root)
    writeFileSync(join(root, 'kustomization.yaml'), kustomization)
    writeFileSync(join(root, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  mode: prod\n')
    return root
  }
  const build = (root: string) =>
    spawnSync(process.execPath, ['--require', hook, bin, 'build', root], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, NODE_DISABLE_COMPILE_CACHE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    })

  it('does not load re2js for a kustomization without a regular expression', () => {
    const r = build(tree('plain', 'resources:\n- cm.yaml\nlabels:\n- pairs:\n    app: web\nnamePrefix: p-\n'))
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('name: p-web')
    expect(r.stderr).toBe('')
  })

  it('loads re2js for a patch target that is a regular expression', () => {
    const patch = 'patches:\n- target: {kind: ConfigMap, name: "web|api"}\n  patch: |-\n    - {op: add, path: /data/x, value: "1"}\n'
    const r = build(tree('regexp', `resources:\n- cm.yaml\n${patch}`))
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('x: "1"')
    expect(r.stderr).toBe('LOADED re2js\n')
  })
})
