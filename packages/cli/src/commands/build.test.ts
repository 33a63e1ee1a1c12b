import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../main.js'
import type { CliIO } from '../context.js'
import { hasKubectl, kubectl } from '../../../../testing/kubectl.js'

const root = mkdtempSync(join(tmpdir(), 'gitops-build-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 't-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

function capture(cwd?: string): { io: CliIO; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd },
    out: () => out,
    err: () => err,
  }
}

const app = {
  'base/kustomization.yaml': 'resources: [cm.yaml]\ncommonLabels: {app: web}\n',
  'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  env: ${env:=dev}\n  replicas: ${replicas:=1}\n',
  'prod/kustomization.yaml': 'resources: [../base]\nnamePrefix: prod-\n',
  'vars.env': 'env=staging\nreplicas=2\n',
}


describe('gitops build', () => {
  it('prints the built objects, and kustomize warnings on stderr', async () => {
    const dir = tree(app)
    const c = capture(dir)
    expect(await main(['build', 'prod'], c.io)).toBe(0)
    expect(c.out()).toBe(
      'apiVersion: v1\ndata:\n  env: ${env:=dev}\n  replicas: ${replicas:=1}\nkind: ConfigMap\nmetadata:\n  labels:\n    app: web\n  name: prod-settings\n',
    )
    expect(c.err()).toContain("# Warning: 'commonLabels' is deprecated.")
  })

  it('reads files outside the kustomization directory with --load-restrictor LoadRestrictionsNone, as kubectl kustomize does', async () => {
    const files = { 'shared/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n', 'apps/kustomization.yaml': 'resources:\n- ../shared/cm.yaml\n' }
    const dir = tree(files)
    const refused = capture(dir)
    expect(await main(['build', 'apps'], refused.io)).not.toBe(0)
    expect(refused.err()).toContain('shared/cm.yaml')
    expect(await main(['build', 'apps', '--load-restrictor', 'LoadRestrictionsRootOnly'], capture(dir).io)).not.toBe(0)
    const c = capture(dir)
    expect(await main(['build', 'apps', '--load-restrictor', 'LoadRestrictionsNone'], c.io)).toBe(0)
    expect(c.out()).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n')
    if (hasKubectl) {
      const reference = execFileSync(kubectl, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', join(dir, 'apps')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      expect(c.out()).toBe(reference)
      expect(spawnSync(kubectl, ['kustomize', join(dir, 'apps')]).status).not.toBe(0)
    }
  })

  it.runIf(hasKubectl)('prints byte for byte what kubectl kustomize prints', async () => {
    const dir = tree(app)
    const c = capture(dir)
    expect(await main(['build', join(dir, 'prod')], c.io)).toBe(0)
    expect(c.out()).toBe(execFileSync(kubectl, ['kustomize', join(dir, 'prod')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
  })

  it('substitutes variables from flags and files; the flags win', async () => {
    const dir = tree(app)
    const c = capture(dir)
    expect(await main(['build', 'prod', '--substitute-from', 'vars.env', '--substitute', 'env=prod'], c.io)).toBe(0)
    expect(c.out()).toContain('  env: prod\n  replicas: 2\n')
  })

  it('builds a plain directory with --plain-dirs', async () => {
    const dir = tree({ 'plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' })
    const c = capture(dir)
    expect(await main(['build', 'plain', '--plain-dirs'], c.io)).toBe(0)
    expect(c.out()).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n')
  })

  it('fails with one line naming the file and field, exit 2', async () => {
    const dir = tree({ 'bad/kustomization.yaml': 'resources: [missing.yaml]\n' })
    const c = capture(dir)
    expect(await main(['build', 'bad'], c.io)).toBe(2)
    expect(c.err()).toBe("gitops build: bad/kustomization.yaml: resources[0]: 'bad/missing.yaml' doesn't exist [RENDER_FILE_NOT_FOUND]\n")
    expect(c.out()).toBe('')
  })

  it('refuses a symlink out of the kustomization directory, as kubectl kustomize does', async () => {
    const dir = tree({ 'app/kustomization.yaml': 'resources: [link.yaml]\n', 'other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' })
    symlinkSync('../other/cm.yaml', join(dir, 'app', 'link.yaml'))
    const c = capture(dir)
    expect(await main(['build', 'app'], c.io)).toBe(2)
    expect(c.err()).toBe("gitops build: app/kustomization.yaml: resources[0]: security; file 'app/link.yaml' is not in or below 'app' [RENDER_PATH_ESCAPES_ROOT]\n")
    if (hasKubectl) expect(spawnSync('kubectl', ['kustomize', join(dir, 'app')]).status).not.toBe(0)
  })

  it('names files outside the working directory by their absolute path', async () => {
    const dir = tree({ 'bad/kustomization.yaml': 'resources: [../base]\n' })
    const c = capture(join(dir, 'bad'))
    expect(await main(['build', '.'], c.io)).toBe(2)
    expect(c.err()).toBe(
      `gitops build: kustomization.yaml: resources[0]: '${join(dir, 'base')}' doesn't exist [RENDER_FILE_NOT_FOUND]\n`,
    )
  })

  it('builds several directories in one process, each labelled and separated, byte for byte what each alone prints', async () => {
    const dir = tree({ ...app, 'other/kustomization.yaml': 'resources: [cm.yaml]\n', 'other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n' })
    const alone = await Promise.all(['prod', 'other'].map(async (d) => {
      const c = capture(dir)
      expect(await main(['build', d], c.io)).toBe(0)
      return c.out()
    }))
    const c = capture(dir)
    expect(await main(['build', 'prod', 'other'], c.io)).toBe(0)
    expect(c.out()).toBe(`# Source: prod\n${alone[0]}---\n# Source: other\n${alone[1]}`)
    expect(c.err()).toContain("prod: # Warning: 'commonLabels' is deprecated.")
    const j = capture(dir)
    expect(await main(['build', 'prod', 'other', '-o', 'json'], j.io)).toBe(0)
    expect(JSON.parse(j.out())).toMatchObject([
      { dir: 'prod', objects: [{ kind: 'ConfigMap', metadata: { name: 'prod-settings' } }] },
      { dir: 'other', objects: [{ kind: 'ConfigMap', metadata: { name: 'other' } }] },
    ])
  })

  it('builds the other directories when one fails, names the failed one, and exits 2; --fail-fast stops there', async () => {
    const dir = tree({ ...app, 'broken/kustomization.yaml': 'resources: [missing.yaml]\n' })
    const c = capture(dir)
    expect(await main(['build', 'broken', 'prod', '-o', 'json'], c.io)).toBe(2)
    const out = JSON.parse(c.out()) as { dir: string; objects?: unknown[]; error?: { code: string; message: string } }[]
    expect(out.map((r) => r.dir)).toEqual(['broken', 'prod'])
    expect(out[0]?.error).toMatchObject({ code: 'RENDER_FILE_NOT_FOUND', message: expect.stringContaining('missing.yaml') as unknown })
    expect(out[1]?.objects).toHaveLength(1)
    expect(c.err()).toMatch(/^gitops build: broken: .*missing\.yaml.*\[RENDER_FILE_NOT_FOUND\]$/m)
    expect(c.err()).toContain('gitops build: 1 of 2 directories failed\n')
    const t = capture(dir)
    expect(await main(['build', 'broken', 'prod', '--fail-fast'], t.io)).toBe(2)
    expect(t.out()).toBe('')
    expect(t.err()).toContain('1 of 2 directories failed')
  })

  it('refuses bad usage, exit 2', async () => {
    const c = capture(root)
    expect(await main(['build'], c.io)).toBe(2)
    expect(c.err()).toBe('gitops build: build takes one or more directories: gitops build DIR...\n')
    const d = capture(root)
    expect(await main(['build', '.', '--substitute', 'novalue'], d.io)).toBe(2)
    expect(d.err()).toBe('gitops build: --substitute novalue: expected NAME=value\n')
  })
})

const bin = fileURLToPath(new URL('../../dist/bin.cjs', import.meta.url))

describe.skipIf(!existsSync(bin))('gitops build through the built binary', () => {
  it('builds a tree', () => {
    const dir = tree(app)
    const out = execFileSync(process.execPath, [bin, 'build', join(dir, 'prod'), '--substitute', 'env=x'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    expect(out).toContain('  env: x\n')
  })
})
