import { execFileSync } from 'node:child_process'
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
  it('prints each Kustomization\'s objects after a comment naming it, and a HelmRelease it cannot build on stderr', async () => {
    const dir = tree(fleet)
    const { io, out, err } = capture()
    expect(await main(['fleet', 'build', dir], io)).toBe(2)
    expect(out()).toContain('---\n# Kustomization flux-system/apps\napiVersion: v1\ndata:\n  env: prod\nkind: ConfigMap\nmetadata:\n  labels:\n')
    expect(out()).toContain('  namespace: web\n')
    expect(out()).toContain('  env: prod\n')
    expect(err()).toContain('gitops fleet build: failed: HelmRelease/web/podinfo: spec.chart or spec.chartRef is required')
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
    [['fleet', 'status', '.'], 'unknown sub-command "status"'],
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

describe('gitops fleet diff', () => {
  const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' }
  const git = (dir: string, ...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { env: gitEnv, encoding: 'utf8' })

  function history(): string {
    const dir = tree({ ...fleet, 'apps/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2-old}\n' })
    git(dir, 'init', '-q', '-b', 'main')
    git(dir, 'add', '-A')
    git(dir, 'commit', '-q', '-m', 'first')
    git(dir, 'tag', 'v1')
    writeFileSync(join(dir, 'apps/settings.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {env: "${env}", tier: web}\n')
    writeFileSync(join(dir, 'apps/secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2-new}\n')
    writeFileSync(join(dir, 'apps/extra.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: bot}\n')
    writeFileSync(join(dir, 'apps/uncommitted.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: not-in-history}\n')
    git(dir, 'add', 'apps/settings.yaml', 'apps/secret.yaml', 'apps/extra.yaml')
    git(dir, 'commit', '-q', '-m', 'second')
    return dir
  }

  it('prints what changes between two revisions, per Kustomization, with Secret values masked; exit 1', async () => {
    const dir = history()
    const { io, out } = capture()
    expect(await main(['fleet', 'diff', dir, '--from', 'v1', '--to', 'main'], io)).toBe(1)
    expect(out()).toBe(
      'Kustomization flux-system/apps\n  + ServiceAccount/web/bot\n  ~ ConfigMap/web/settings\n      data.tier: (none) -> "web"\n  ~ Secret/web/db\n      stringData.password: "***" -> "***"\n',
    )
    expect(out()).not.toContain('hunter2')
  })

  it('exits 0 when two revisions apply the same objects, and prints JSON on request', async () => {
    const dir = history()
    const { io, out } = capture()
    expect(await main(['fleet', 'diff', dir, '--from', 'main', '--to', 'HEAD', '-o', 'json'], io)).toBe(0)
    expect(JSON.parse(out())).toEqual([])
  })

  it('refuses an unknown revision with exit 2 naming it, and a missing --to', async () => {
    const dir = history()
    const unknown = capture()
    expect(await main(['fleet', 'diff', dir, '--from', 'no-such-rev', '--to', 'main'], unknown.io)).toBe(2)
    expect(unknown.err()).toContain('no-such-rev: not a revision of the repository')
    const missing = capture()
    expect(await main(['fleet', 'diff', dir, '--from', 'main'], missing.io)).toBe(2)
    expect(missing.err()).toContain('needs --from REV and --to REV')
  })
})

describe('gitops fleet validate', () => {
  // A generated fleet of `n` apps, each a Kustomization with a Deployment; `broken` lists the apps
  // given a known error: a string replica count, an unknown field, a dependency on a missing app.
  function generated(n: number, broken: ReadonlySet<number>): Record<string, string> {
    const files: Record<string, string> = {
      'clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\n',
      'clusters/prod/flux-system/gotk-sync.yaml': kustomization('flux-system', './clusters/prod'),
    }
    for (let i = 0; i < n; i++) {
      const bad = broken.has(i)
      files[`clusters/prod/app-${i}.yaml`] = kustomization(`app-${i}`, `./apps/app-${i}`, bad ? '  dependsOn: [{name: app-missing}]\n' : '')
      files[`apps/app-${i}/deploy.yaml`] = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-${i}, namespace: apps}\nspec:\n  replicas: ${bad ? 'two' : '0'}\n  selector: {matchLabels: {app: a${i}}}\n  template:\n    metadata: {labels: {app: a${i}}}\n    spec:\n      containers: [{name: c, image: nginx${bad ? ', colour: red' : ''}}]\n`
    }
    return files
  }

  it('exits 0 on a clean fleet and says how many objects it checked', async () => {
    const dir = tree(generated(5, new Set()))
    const { io, out, err } = capture()
    expect(await main(['fleet', 'validate', dir], io)).toBe(0)
    expect(out()).toBe('')
    expect(err()).toContain('gitops fleet validate: 11 objects checked, 0 problems')
  })

  it('prints one line per known error naming file, object and field, and exits 1', async () => {
    const dir = tree(generated(6, new Set([1, 4])))
    const { io, out } = capture()
    expect(await main(['fleet', 'validate', dir, '--path', 'clusters/prod'], io)).toBe(1)
    const lines = out().trimEnd().split('\n')
    expect(lines).toHaveLength(6)
    for (const i of [1, 4]) {
      expect(lines).toContain(`apps/app-${i}/deploy.yaml: Deployment/apps/app-${i}: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`)
      expect(lines).toContain(`apps/app-${i}/deploy.yaml: Deployment/apps/app-${i}: spec.template.spec.containers[0].colour: unknown field "spec.template.spec.containers[0].colour"`)
      expect(lines).toContain(`clusters/prod/app-${i}.yaml: Kustomization/flux-system/app-${i}: spec.dependsOn[0]: Kustomization flux-system/app-missing is not defined by the fleet`)
    }
  })

  it('prints the issues as JSON for CI bots', async () => {
    const dir = tree(generated(2, new Set([0])))
    const { io, out } = capture()
    expect(await main(['fleet', 'validate', dir, '-o', 'json'], io)).toBe(1)
    const result = JSON.parse(out()) as { objects: number; issues: { type: string; file: string; object: string; field: string }[] }
    expect(result.objects).toBe(5)
    expect(result.issues.map((i) => [i.type, i.file, i.object, i.field])).toEqual([
      ['schema', 'apps/app-0/deploy.yaml', 'Deployment/apps/app-0', 'spec.replicas'],
      ['schema', 'apps/app-0/deploy.yaml', 'Deployment/apps/app-0', 'spec.template.spec.containers[0].colour'],
      ['graph', 'clusters/prod/app-0.yaml', 'Kustomization/flux-system/app-0', 'spec.dependsOn[0]'],
    ])
  })

  it('exits 2 with a typed error when DIR holds no cluster directory', async () => {
    const dir = tree({ 'README.md': 'nothing\n' })
    const { io, err } = capture()
    expect(await main(['fleet', 'validate', dir], io)).toBe(2)
    expect(err()).toContain('no directory holds flux-system')
  })
})
