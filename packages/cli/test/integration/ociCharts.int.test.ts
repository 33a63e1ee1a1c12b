// Charts from an OCI registry: Debian's docker-registry on 127.0.0.1, charts pushed by the real
// Helm v4.1.4 (`helm push --plain-http`), then `gitops template oci://…` compared byte for byte with
// `helm template oci://…` on the same registry, by range, exact version (with build metadata,
// stored as _) and digest; credentials through the token flow; and the same charts in
// `gitops fleet build --fetch-charts` (OCIRepository chartRef with a secretRef, HelmRepository of
// type oci) and `gitops build --enable-helm` (helmCharts with an oci:// repo).
import { execFile } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isGitOpsError } from '@gitops-sdk/core'
import { registryAvailable, startRegistry } from '@gitops-sdk/oci-source/testing'
import type { TestRegistry } from '@gitops-sdk/oci-source/testing'
import { API_VERSIONS, KUBE_VERSION, helmBinary, helmTemplate } from '../../../helm/test/helpers/helmBinary.js'
import { hasKubectl, kubectl } from '../../../../testing/kubectl.js'
import { versionedChart, writeFiles } from '../helpers/chartServer.js'
import { run } from '../helpers/run.js'

const helm = registryAvailable ? helmBinary() : undefined
const skip = helm === undefined
if (!registryAvailable) process.stderr.write('docker-registry not found (apt-get install docker-registry), skipping the OCI chart suite\n')

const user = { username: 'bot', password: 'test-only-Pa55word' }
const identityToken = 'test-only-refresh-T0ken'
const root = mkdtempSync(join(tmpdir(), 'gitops-ocicharts-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const write = (files: Record<string, string>, dir = root): void => writeFiles(dir, files)

function helmCmd(args: readonly string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const home = join(root, 'helm-home')
  const env = { PATH: process.env.PATH ?? '', HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data'), TZ: 'UTC' }
  return new Promise((resolve) => {
    execFile(helm as string, args, { env, cwd: root, timeout: 60_000 }, (err, stdout, stderr) => resolve({ ok: err === null, stdout, stderr }))
  })
}

const versions = ['1.0.0', '1.2.0', '1.3.0+build.1', '2.0.0-rc.1', 'v1.5.0']
let open: TestRegistry | undefined
let guarded: TestRegistry | undefined

async function push(registry: TestRegistry, version: string, auth: readonly string[] = []): Promise<void> {
  // A destination per registry too: the pushes run side by side, 1.2.0 to both registries.
  const destination = join(root, 'pkg', registry.host.replace(/[^0-9a-z]+/giu, '-'), version)
  const packaged = await helmCmd(['package', join(root, 'src', version, 'app'), '--destination', destination])
  expect(packaged.stderr).toBe('')
  const pushed = await helmCmd(['push', join(destination, `app-${version}.tgz`), `oci://${registry.host}/charts`, '--plain-http', ...auth])
  expect(pushed.ok, pushed.stderr).toBe(true)
}

beforeAll(async () => {
  if (skip) return
  for (const v of versions) write(versionedChart(v))
  const started = await Promise.all([startRegistry(), startRegistry({ auth: 'token', user: { ...user, identityToken } })])
  ;[open, guarded] = started
  // Side by side: each push is a helm process that mostly waits on the registry.
  await Promise.all([...versions.map((v) => push(started[0], v)), push(started[1], '1.2.0', ['--username', user.username, '--password', user.password])])
}, 120_000)
afterAll(async () => {
  await Promise.all([open?.stop(), guarded?.stop()])
})

const pinned = ['--kube-version', KUBE_VERSION, ...API_VERSIONS.flatMap((v) => ['--api-versions', v])]

/** The registries, once beforeAll started them (the suites skip when it did not). */
function registries(): { open: TestRegistry; guarded: TestRegistry } {
  if (open === undefined || guarded === undefined) throw new Error('registries not started')
  return { open, guarded }
}

describe.skipIf(skip)('gitops template oci://… against helm template oci://… on docker-registry', () => {
  it.each([
    ['a semver range', ['--version', '1.x'], '1.3.0+build.1'],
    ['an exact version with build metadata', ['--version', '1.3.0+build.1'], '1.3.0+build.1'],
    ['a range naming a pre-release', ['--version', '>=2.0.0-0'], '2.0.0-rc.1'],
    // Helm's ranges read tags strictly (v1.5.0 is none), but an exact version is asked for as it is.
    ['an exact v-prefixed version', ['--version', 'v1.5.0'], 'v1.5.0'],
  ])('prints what helm prints for %s', async (_name, args, expected) => {
    const ref = `oci://${registries().open.host}/charts/app`
    const [ours, theirs] = await Promise.all([run(['template', ref, ...args, ...pinned, '--release-name', 'web', '-n', 'prod'], { cwd: root }), helmTemplate(ref, { releaseName: 'web', namespace: 'prod', extraArgs: [...args, '--plain-http'] })])
    expect(theirs.ok, theirs.stderr).toBe(true)
    expect(ours.error).toBeUndefined()
    expect(ours.out).toContain(`chart: "${expected}"`)
    expect(ours.out).toBe(theirs.stdout)
  })

  it('fetches by digest, the same bytes as by tag', async () => {
    const head = await fetch(`http://${registries().open.host}/v2/charts/app/manifests/1.2.0`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })
    const digest = head.headers.get('docker-content-digest') ?? ''
    expect(digest).toMatch(/^sha256:/u)
    const byDigest = await run(['template', `oci://${registries().open.host}/charts/app@${digest}`, ...pinned], { cwd: root })
    const byTag = await run(['template', `oci://${registries().open.host}/charts/app:1.2.0`, ...pinned], { cwd: root })
    expect(byDigest.error).toBeUndefined()
    expect(byDigest.out).toContain('chart: "1.2.0"')
    expect(byDigest.out).toBe(byTag.out)
  })

  it('uses credentials through the token flow, and never prints them', async () => {
    const ref = `oci://${registries().guarded.host}/charts/app`
    const env = { PW: user.password, BAD: 'wrong-Pa55word' }
    const ok = await run(['template', ref, '--version', '1.2.0', '--username', user.username, '--password-env', 'PW', ...pinned], { cwd: root, env })
    expect(ok.error).toBeUndefined()
    expect(ok.out).toContain('chart: "1.2.0"')
    const config = JSON.stringify({ auths: { [registries().guarded.host]: { auth: Buffer.from(`${user.username}:${user.password}`).toString('base64') } } })
    write({ 'docker/config.json': config })
    const viaConfig = await run(['template', ref, '--version', '1.2.0', '--registry-config', 'docker/config.json', ...pinned], { cwd: root })
    expect(viaConfig.out).toBe(ok.out)
    for (const argv of [['template', ref], ['template', ref, '--username', user.username, '--password-env', 'BAD']]) {
      const refused = await run(argv, { cwd: root, env })
      expect(refused.code).not.toBe(0)
      expect(isGitOpsError(refused.error, 'OCI_AUTH_FAILED')).toBe(true)
      expect(refused.err).toContain(`oci://${registries().guarded.host}/charts/app`)
      expect(refused.err + refused.out).not.toContain(user.password)
      expect(refused.err + refused.out).not.toContain('wrong-Pa55word')
    }
  })

  it("reads helm's registry credential files as helm does when no credentials are given", async () => {
    const ref = `oci://${registries().guarded.host}/charts/app`
    const host = registries().guarded.host
    const good = JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${user.username}:${user.password}`).toString('base64') } } })
    const wrong = JSON.stringify({ auths: { [host]: { username: user.username, password: 'wrong-Pa55word' } } })
    const elsewhere = JSON.stringify({ auths: { 'registry.invalid': { auth: Buffer.from('x:y').toString('base64') } } })
    // Each case: the files under a HOME of its own, and the environment both sides get.
    const cases: [string, Record<string, string>, Record<string, string>, boolean][] = [
      ['$HELM_REGISTRY_CONFIG', { 'r.json': good }, { HELM_REGISTRY_CONFIG: 'r.json' }, true],
      ['$HELM_CONFIG_HOME/registry/config.json', { 'h/registry/config.json': good }, { HELM_CONFIG_HOME: 'h' }, true],
      ['$XDG_CONFIG_HOME/helm/registry/config.json', { 'x/helm/registry/config.json': good }, { XDG_CONFIG_HOME: 'x' }, true],
      ['~/.config/helm/registry/config.json', { '.config/helm/registry/config.json': good }, {}, true],
      ["Docker's config.json when helm's has no entry for the host", { '.config/helm/registry/config.json': elsewhere, 'd/config.json': good }, { DOCKER_CONFIG: 'd' }, true],
      ["~/.docker/config.json when helm's file is absent", { '.docker/config.json': good }, {}, true],
      ["helm's file first: its wrong entry wins over Docker's right one", { 'r.json': wrong, '.docker/config.json': good }, { HELM_REGISTRY_CONFIG: 'r.json' }, false],
      ['$HELM_REGISTRY_CONFIG over $HELM_CONFIG_HOME', { 'r.json': elsewhere, 'h/registry/config.json': good }, { HELM_REGISTRY_CONFIG: 'r.json', HELM_CONFIG_HOME: 'h' }, false],
      ['no file at all', {}, {}, false],
      // Docker credential helpers, which both sides run (fake ones on PATH), and identity tokens
      ['credHelpers for the host', { 'd/config.json': JSON.stringify({ credsStore: 'fakenone', credHelpers: { [host]: 'fakegood' } }) }, { DOCKER_CONFIG: 'd' }, true],
      ['credsStore', { '.docker/config.json': JSON.stringify({ credsStore: 'fakegood' }) }, {}, true],
      ['credsStore answering an identity token', { '.docker/config.json': JSON.stringify({ credsStore: 'faketoken' }) }, {}, true],
      ['identitytoken in auths', { 'r.json': JSON.stringify({ auths: { [host]: { identitytoken: identityToken } } }) }, { HELM_REGISTRY_CONFIG: 'r.json' }, true],
      ["a helper holding nothing, then Docker's file", { 'r.json': JSON.stringify({ credsStore: 'fakenone' }), '.docker/config.json': good }, { HELM_REGISTRY_CONFIG: 'r.json' }, true],
      ['a wrong identity token', { '.docker/config.json': JSON.stringify({ auths: { [host]: { identitytoken: 'wrong-Pa55word' } } }) }, {}, false],
    ]
    const helperDir = join(root, 'cred-helpers')
    write({
      'docker-credential-fakegood': `#!/bin/sh\ncat >/dev/null\nprintf '{"Username":"${user.username}","Secret":"${user.password}"}'\n`,
      'docker-credential-faketoken': `#!/bin/sh\ncat >/dev/null\nprintf '{"Username":"<token>","Secret":"${identityToken}"}'\n`,
      'docker-credential-fakenone': "#!/bin/sh\ncat >/dev/null\necho 'credentials not found in native keychain'\nexit 1\n",
    }, helperDir)
    for (const f of ['fakegood', 'faketoken', 'fakenone']) chmodSync(join(helperDir, `docker-credential-${f}`), 0o755)
    // The cases side by side: each has a HOME of its own, and both sides mostly wait on the registry.
    const results = await Promise.all(cases.map(async ([name, files, vars, succeeds]) => {
      const home = join(root, 'homes', name.replace(/[^a-z]+/giu, '-'))
      write(files, home)
      mkdirSync(home, { recursive: true })
      const env: Record<string, string> = { HOME: home, PATH: `${helperDir}:${process.env.PATH ?? ''}` }
      for (const [k, v] of Object.entries(vars)) env[k] = join(home, v)
      const args = ['--version', '1.2.0', ...pinned]
      const [ours, theirs] = await Promise.all([
        run(['template', ref, ...args], { cwd: root, env }),
        new Promise<{ ok: boolean; stdout: string; stderr: string }>((resolve) => {
          const helmEnv = { PATH: process.env.PATH ?? '', HELM_CACHE_HOME: join(home, 'cache'), HELM_DATA_HOME: join(home, 'data'), TZ: 'UTC', ...env }
          execFile(helm as string, ['template', 'release-name', ref, '--plain-http', ...args], { env: helmEnv, cwd: root, timeout: 60_000 }, (err, stdout, stderr) => resolve({ ok: err === null, stdout, stderr }))
        }),
      ])
      return { name, succeeds, ours, theirs }
    }))
    for (const { name, succeeds, ours, theirs } of results) {
      expect([name, theirs.ok], theirs.stderr).toEqual([name, succeeds])
      expect([name, ours.code === 0], ours.err).toEqual([name, succeeds])
      if (succeeds) expect(ours.out).toBe(theirs.stdout)
      else {
        expect(isGitOpsError(ours.error, 'OCI_AUTH_FAILED')).toBe(true)
        expect(ours.err + ours.out).not.toContain(user.password)
        expect(ours.err + ours.out).not.toContain('wrong-Pa55word')
      }
    }
  })

  it('takes the highest stable version when none is given, and names a missing chart and a version no tag matches', async () => {
    expect((await run(['template', `oci://${registries().open.host}/charts/app`, ...pinned], { cwd: root })).out).toContain('chart: "1.3.0+build.1"')
    const missing = await run(['template', `oci://${registries().open.host}/charts/nope`], { cwd: root })
    expect(isGitOpsError(missing.error, 'OCI_NOT_FOUND')).toBe(true)
    const nomatch = await run(['template', `oci://${registries().open.host}/charts/app`, '--version', '>=3'], { cwd: root })
    expect(isGitOpsError(nomatch.error, 'HELM_SOURCE_NOT_FOUND')).toBe(true)
    expect(nomatch.err).toContain(`oci://${registries().open.host}/charts/app: no version matches '>=3' (tags seen: 2.0.0-rc.1, 1.3.0+build.1, 1.2.0, 1.0.0)`)
  })
})

describe.skipIf(skip)('OCI charts in gitops fleet build --fetch-charts and gitops build --enable-helm', () => {
  const kustomization = (name: string, path: string): string =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  interval: 10m\n  path: ${path}\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n`

  it('renders a chartRef OCIRepository with a secretRef and a chart from a HelmRepository of type oci', async () => {
    write({
      'fleet/clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\n',
      'fleet/clusters/prod/flux-system/gotk-sync.yaml': kustomization('flux-system', './clusters/prod'),
      'fleet/clusters/prod/apps.yaml': kustomization('apps', './apps'),
      'fleet/apps/sources.yaml': [
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: OCIRepository',
        'metadata: {name: app, namespace: apps}',
        `spec: {interval: 1h, url: 'oci://${registries().guarded.host}/charts/app', ref: {semver: '1.x'}, secretRef: {name: registry}, layerSelector: {mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip, operation: copy}}`,
        '---',
        'apiVersion: v1',
        'kind: Secret',
        'metadata: {name: registry, namespace: apps}',
        `stringData: {username: ${user.username}, password: ${user.password}}`,
        '---',
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: HelmRepository',
        'metadata: {name: charts, namespace: apps}',
        `spec: {interval: 1h, type: oci, url: 'oci://${registries().open.host}/charts'}`,
        // Flux's semver rules over the open registry's tags (1.0.0, 1.2.0, 1.3.0_build.1, 2.0.0-rc.1).
        ...[
          ['plain-range', "{semver: '1.x'}"],
          ['rc-filter', "{semver: '>=1.0.0-0', semverFilter: '.*-rc.*'}"],
          ['patch-filter', "{semver: '>=1.0.0', semverFilter: '^1\\.0\\.'}"],
          ['digest-wins', "{semver: '1.x', tag: '1.0.0', digest: 'DIGEST'}"],
        ].flatMap(([name, ref]) => [
          '---',
          'apiVersion: source.toolkit.fluxcd.io/v1',
          'kind: OCIRepository',
          `metadata: {name: ${name}, namespace: apps}`,
          `spec: {interval: 1h, url: 'oci://${registries().open.host}/charts/app', ref: ${ref ?? ''}}`,
        ]),
        '',
      ].join('\n'),
      'fleet/apps/releases.yaml': [
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata: {name: guarded, namespace: apps}',
        'spec: {interval: 5m, chartRef: {kind: OCIRepository, name: app}, dependsOn: [{name: open}]}',
        '---',
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata: {name: open, namespace: apps}',
        "spec: {interval: 5m, chart: {spec: {chart: app, version: '~1.0', sourceRef: {kind: HelmRepository, name: charts}}}, values: {replicas: 3}}",
        '---',
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        'metadata: {name: helm-range, namespace: apps}',
        "spec: {interval: 5m, chart: {spec: {chart: app, version: '1.x', sourceRef: {kind: HelmRepository, name: charts}}}}",
        ...['plain-range', 'rc-filter', 'patch-filter', 'digest-wins'].flatMap((name) => ['---', 'apiVersion: helm.toolkit.fluxcd.io/v2', 'kind: HelmRelease', `metadata: {name: ${name}, namespace: apps}`, `spec: {interval: 5m, chartRef: {kind: OCIRepository, name: ${name}}}`]),
        '',
      ].join('\n'),
    })
    const head = await fetch(`http://${registries().open.host}/v2/charts/app/manifests/1.2.0`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })
    const sources = join(root, 'fleet/apps/sources.yaml')
    write({ 'fleet/apps/sources.yaml': readFileSync(sources, 'utf8').replace('DIGEST', head.headers.get('docker-content-digest') ?? '') })
    const built = await run(['fleet', 'build', 'fleet', '--fetch-charts', '-o', 'json'], { cwd: root })
    expect(built.error).toBeUndefined()
    const releases = (JSON.parse(built.out) as { helmRelease?: string; objects: { data?: Record<string, string> }[] }[]).filter((e) => e.helmRelease !== undefined)
    expect(Object.fromEntries(releases.map((r) => [r.helmRelease, [r.objects[0]?.data?.chart, r.objects[0]?.data?.replicas]]))).toEqual({
      'apps/open': ['1.0.0', '3'],
      'apps/guarded': ['1.2.0', '1'],
      // A HelmRepository of type oci reads tags as Helm does (1.3.0_build.1 is 1.3.0+build.1, v1.5.0 no version) ...
      'apps/helm-range': ['1.3.0+build.1', '1'],
      // ... an OCIRepository as source-controller does: 1.3.0_build.1 is no version there, v1.5.0 is.
      'apps/plain-range': ['v1.5.0', '1'],
      'apps/rc-filter': ['2.0.0-rc.1', '1'],
      'apps/patch-filter': ['1.0.0', '1'],
      'apps/digest-wins': ['1.2.0', '1'],
    })
    expect(releases.findIndex((r) => r.helmRelease === 'apps/open')).toBeLessThan(releases.findIndex((r) => r.helmRelease === 'apps/guarded'))
    expect(built.err).not.toContain(user.password)
  })

  it('renders kustomize helmCharts whose repo is oci://', async () => {
    write({
      'kz/kustomization.yaml': `helmCharts:\n- name: app\n  repo: oci://${registries().open.host}/charts\n  version: 1.2.0\n  releaseName: web\n  namespace: prod\n  kubeVersion: ${KUBE_VERSION}\n`,
    })
    const built = await run(['build', 'kz', '--enable-helm'], { cwd: root })
    expect(built.error).toBeUndefined()
    expect(built.out).toContain('chart: 1.2.0')
    expect(built.out).toContain('name: web-app')
  })

  it.skipIf(!hasKubectl)("pulls helmCharts from a guarded registry with the credential files kustomize's helm reads, as kubectl kustomize --enable-helm does", async () => {
    const host = registries().guarded.host
    const good = JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${user.username}:${user.password}`).toString('base64') } } })
    const kustomization = `helmCharts:\n- name: app\n  repo: oci://${host}/charts\n  version: 1.2.0\n  releaseName: web\n  kubeVersion: ${KUBE_VERSION}\n`
    // kustomize v5.5.0 wants a v3 from `helm version`; pulls from the test registry speak plain HTTP.
    const wrapper = join(root, 'kz-helm')
    writeFileSync(wrapper, `#!/bin/sh\n[ "$1" = version ] && { echo v3.99.0; exit 0; }\ncase "$1 $*" in pull*oci://*) exec '${helm ?? ''}' "$@" --plain-http;; esac\nexec '${helm ?? ''}' "$@"\n`)
    chmodSync(wrapper, 0o755)
    const cases: [string, Record<string, string>, Record<string, string>, boolean][] = [
      ['~/.docker/config.json', { '.docker/config.json': good }, {}, true],
      ['$HELM_REGISTRY_CONFIG', { 'r.json': good }, { HELM_REGISTRY_CONFIG: 'r.json' }, true],
      // kustomize sets HELM_CONFIG_HOME to a directory of its own: the user's helm file is not read.
      ['~/.config/helm/registry/config.json', { '.config/helm/registry/config.json': good }, {}, false],
    ]
    // The cases side by side, each in a kustomization of its own (kubectl's helm pulls the chart
    // under it, so no case sees another's pull).
    const results = await Promise.all(cases.map(async ([name, files, vars, succeeds]) => {
      const slug = name.replace(/[^a-z]+/giu, '-')
      const home = join(root, 'kz-homes', slug)
      write(files, home)
      write({ [`kzg/${slug}/kustomization.yaml`]: kustomization })
      const env: Record<string, string> = { HOME: home }
      for (const [k, v] of Object.entries(vars)) env[k] = join(home, v)
      const ours = await run(['build', `kzg/${slug}`, '--enable-helm'], { cwd: root, env })
      const theirs = await new Promise<{ ok: boolean; stdout: string; stderr: string }>((resolve) => {
        execFile(kubectl, ['kustomize', '--enable-helm', '--helm-command', wrapper, join(root, 'kzg', slug)], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (err, stdout, stderr) => resolve({ ok: err === null, stdout, stderr }))
      })
      return { name, succeeds, ours, theirs }
    }))
    for (const { name, succeeds, ours, theirs } of results) {
      expect([name, theirs.ok], theirs.stderr).toEqual([name, succeeds])
      expect([name, ours.code === 0], ours.err).toEqual([name, succeeds])
      if (succeeds) {
        expect(ours.out).toContain('chart: 1.2.0')
        expect(ours.out).toBe(theirs.stdout)
      } else {
        expect(isGitOpsError(ours.error, 'RENDER_HELM_FAILED')).toBe(true)
        expect(isGitOpsError((ours.error as Error).cause, 'OCI_AUTH_FAILED')).toBe(true)
        expect(ours.err).not.toContain(user.password)
      }
    }
  })
})
