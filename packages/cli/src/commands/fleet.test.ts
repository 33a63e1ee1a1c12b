import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../main.js'
import type { CliIO } from '../context.js'

const root = mkdtempSync(join(tmpdir(), 'gitops-fleet-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 't-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return { io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {} }, out: () => out, err: () => err }
}

const kustomization = (name: string, path: string, extra = ''): string =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  interval: 10m\n  path: ${path}\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n${extra}`

const fleet = {
  'clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\n',
  'clusters/prod/flux-system/gotk-sync.yaml': kustomization('flux-system', './clusters/prod'),
  'clusters/prod/apps.yaml': kustomization('apps', './apps', '  targetNamespace: web\n  postBuild:\n    substitute: {env: prod}\n'),
  'clusters/prod/release.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: podinfo, namespace: web}\nspec: {interval: 5m}\n',
  'apps/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {env: "${env}"}\n',
}

describe('gitops fleet build', () => {
  it('prints each Kustomization\'s objects after a comment naming it, and lists HelmReleases on stderr', async () => {
    const dir = tree(fleet)
    const { io, out, err } = capture()
    expect(await main(['fleet', 'build', dir], io)).toBe(0)
    expect(out()).toContain('---\n# Kustomization flux-system/apps\napiVersion: v1\ndata:\n  env: prod\nkind: ConfigMap\nmetadata:\n  labels:\n')
    expect(out()).toContain('  namespace: web\n')
    expect(out()).toContain('  env: prod\n')
    expect(err()).toContain('gitops fleet build: unsupported: helm.toolkit.fluxcd.io/v2 HelmRelease is not supported')
  })

  it('prints JSON for CI bots and one Kustomization on request', async () => {
    const dir = tree(fleet)
    const { io, out } = capture()
    expect(await main(['fleet', 'build', dir, '--kustomization', 'flux-system/apps', '-o', 'json'], io)).toBe(0)
    const parsed = JSON.parse(out()) as { kustomization: string; path: string; objects: { metadata: { namespace: string } }[] }[]
    expect(parsed.map((k) => [k.kustomization, k.path, k.objects.length])).toEqual([['flux-system/apps', 'apps', 1]])
    expect(parsed[0]?.objects[0]?.metadata.namespace).toBe('web')
  })

  it.each([
    [['fleet'], 'missing sub-command'],
    [['fleet', 'diff', '.'], 'unknown sub-command "diff"'],
    [['fleet', 'build'], 'missing DIR'],
    [['fleet', 'build', '/no/such/dir'], '/no/such/dir: no such directory'],
    [['fleet', 'build', '.', '--source', 'bad'], '--source bad: expected NS/NAME=DIR'],
  ])('refuses %j with exit 2 naming the problem', async (argv, message) => {
    const { io, err } = capture()
    expect(await main(argv, io)).toBe(2)
    expect(err()).toContain(message)
  })

  it('exits 2 when a Kustomization fails to build, still printing the others', async () => {
    const dir = tree({ ...fleet, 'apps/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [not, a, name]}\n' })
    const { io, out, err } = capture()
    expect(await main(['fleet', 'build', dir], io)).toBe(2)
    expect(out()).toContain('# Kustomization flux-system/flux-system\n')
    expect(err()).toMatch(/failed: Kustomization\/flux-system\/apps: /)
  })
})
