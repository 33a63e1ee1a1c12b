// HelmReleases in `gitops fleet build`: a fleet in a temporary directory, its charts rendered as
// helm-controller installs them, compared with the real Helm v4.1.4 (`helm template --no-hooks`)
// given the values Flux would pass.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseObjects, stringifyObjects } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { helmBinary } from '../../../helm/test/helpers/helmBinary.js'
import type { ChartRepositoryServer } from '../../../helm/test/helpers/chartRepository.js'
import { serveHelloChart, writeFiles } from '../helpers/chartServer.js'
import { run } from '../helpers/run.js'

const helm = helmBinary()
const root = mkdtempSync(join(tmpdir(), 'gitops-helmrelease-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const write = (files: Record<string, string>): void => writeFiles(root, files)

const chart = (prefix: string): Record<string, string> => ({
  [`${prefix}/Chart.yaml`]: 'apiVersion: v2\nname: app\nversion: 1.4.0\n',
  [`${prefix}/values.yaml`]: 'replicas: 1\nimage:\n  repository: nginx\n  tag: "1.0"\nservice:\n  port: 80\nlabels: {}\n',
  [`${prefix}/templates/deploy.yaml`]: [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ .Release.Name }}',
    '  labels: {{- toYaml .Values.labels | nindent 4 }}',
    'spec:',
    '  replicas: {{ .Values.replicas }}',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
    '          ports: [{containerPort: {{ .Values.service.port }}}]',
    '',
  ].join('\n'),
  [`${prefix}/templates/service.yaml`]: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\nspec:\n  ports: [{port: {{ .Values.service.port }}}]\n',
  [`${prefix}/templates/hook.yaml`]: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations: {"helm.sh/hook": pre-upgrade}\nspec: {template: {spec: {containers: []}}}\n',
  [`${prefix}/crds/widget.yaml`]: 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n',
})

const kustomization = (name: string, path: string): string =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  interval: 10m\n  path: ${path}\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n`

const longName = 'a-very-long-helmrelease-name-that-goes-past-the-limit'

write({
  'fleet/clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\n',
  'fleet/clusters/prod/flux-system/gotk-sync.yaml': kustomization('flux-system', './clusters/prod'),
  'fleet/clusters/prod/apps.yaml': kustomization('apps', './apps'),
  ...chart('fleet/charts/app'),
  'fleet/apps/values.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: base-values, namespace: apps}',
    'data:',
    '  values.yaml: |',
    '    replicas: 1',
    '    image: {repository: nginx, tag: "1.0"}',
    '    labels: {a: b}',
    '  port: "8080"',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: secret-values, namespace: apps}',
    'stringData:',
    `  repo: '"ghcr.io/x/app"'`,
    '',
  ].join('\n'),
  'fleet/apps/web.yaml': [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata: {name: web, namespace: apps}',
    'spec:',
    '  interval: 5m',
    '  targetNamespace: prod',
    '  chart:',
    '    spec:',
    '      chart: ./charts/app',
    '      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}',
    '  valuesFrom:',
    '    - {kind: ConfigMap, name: base-values}',
    '    - {kind: Secret, name: secret-values, valuesKey: repo, targetPath: image.repository}',
    '    - {kind: ConfigMap, name: absent, optional: true}',
    '    - {kind: ConfigMap, name: base-values, valuesKey: port, targetPath: service.port}',
    '  values:',
    '    replicas: 2',
    '    image: {tag: "9"}',
    '',
  ].join('\n'),
  'fleet/apps/long.yaml': [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    `metadata: {name: ${longName}, namespace: apps}`,
    'spec:',
    '  interval: 5m',
    '  targetNamespace: production-eu-west',
    '  chartRef: {kind: OCIRepository, name: app-oci}',
    '  install: {crds: Skip}',
    '  commonMetadata: {labels: {team: blue}, annotations: {owner: ops}}',
    '  postRenderers:',
    '    - kustomize:',
    '        images: [{name: nginx, newTag: "2.0"}]',
    '        patches:',
    '          - target: {kind: Deployment}',
    '            patch: |',
    '              - {op: add, path: /spec/replicas, value: 5}',
    '',
  ].join('\n'),
  'fleet/apps/repo.yaml': [
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: HelmRepository',
    'metadata: {name: remote, namespace: apps}',
    'spec: {interval: 1h, url: "http://user:hunter2@127.0.0.1:1/"}',
    '---',
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata: {name: fetched, namespace: apps}',
    'spec:',
    '  interval: 5m',
    '  chart: {spec: {chart: app, version: "1.x", sourceRef: {kind: HelmRepository, name: remote}}}',
    '---',
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata: {name: mapped, namespace: apps}',
    'spec:',
    '  interval: 5m',
    '  releaseName: custom',
    '  chart: {spec: {chart: app, sourceRef: {kind: HelmRepository, name: local}}}',
    '',
  ].join('\n'),
  ...chart('oci/app'),
  ...chart('helmrepo/app'),
  'expected-web.yaml': 'replicas: 2\nimage:\n  repository: ghcr.io/x/app\n  tag: "9"\nservice:\n  port: 8080\nlabels:\n  a: b\n',
})

// A HelmRepository served on 127.0.0.1, for --fetch-charts.
let served: ChartRepositoryServer
beforeAll(async () => {
  const { repo, archive } = await serveHelloChart()
  served = repo
  writeFileSync(join(root, 'hello-0.3.1.tgz'), archive)
  write({
    'fleet/apps/served.yaml': [
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: HelmRepository',
      'metadata: {name: served, namespace: apps}',
      `spec: {interval: 1h, url: "${served.url}"}`,
      '---',
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata: {name: hello, namespace: apps}',
      'spec:',
      '  interval: 5m',
      '  chart: {spec: {chart: hello, version: "0.x", sourceRef: {kind: HelmRepository, name: served}}}',
      '  values: {greeting: bonjour}',
      '',
    ].join('\n'),
  })
})
afterAll(() => served.close())

function helmTemplate(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(helm ?? 'helm', ['template', ...args], { env: { PATH: process.env.PATH ?? '', HELM_CONFIG_HOME: join(root, 'h'), HELM_CACHE_HOME: join(root, 'h'), HELM_DATA_HOME: join(root, 'h') } }, (err, stdout, stderr) =>
      err === null ? resolve(stdout) : reject(new Error(stderr)),
    )
  })
}

const withFluxLabels = (objects: KubeObject[], name: string, namespace: string): KubeObject[] =>
  objects.map((o) => ({ ...o, metadata: { ...o.metadata, labels: { ...(o.metadata.labels ?? {}), 'helm.toolkit.fluxcd.io/name': name, 'helm.toolkit.fluxcd.io/namespace': namespace } } }))

interface Built {
  readonly helmRelease?: string
  readonly releaseName?: string
  readonly namespace?: string
  readonly objects: KubeObject[]
}

describe.skipIf(helm === undefined)('gitops fleet build with HelmReleases', () => {
  it('renders each HelmRelease as helm-controller installs it, with the values Flux passes, as helm does', async () => {
    const [result, expectedWeb] = await Promise.all([
      run(['fleet', 'build', 'fleet', '--source', 'apps/app-oci=oci/app', '--source', 'apps/local=helmrepo', '-o', 'json'], { cwd: root }),
      helmTemplate(['prod-web', join(root, 'fleet/charts/app'), '-n', 'prod', '-f', join(root, 'expected-web.yaml'), '--no-hooks', '--include-crds']),
    ])
    const built = JSON.parse(result.out) as Built[]
    const releases = new Map(built.filter((b) => b.helmRelease !== undefined).map((b) => [b.helmRelease, b]))
    // web: chart.spec from this repository, values and valuesFrom merged in Flux's order.
    const web = releases.get('apps/web')
    expect(web?.releaseName).toBe('prod-web')
    expect(web?.namespace).toBe('prod')
    expect(stringifyObjects(web?.objects ?? [])).toBe(stringifyObjects(withFluxLabels(parseObjects(expectedWeb), 'web', 'apps')))
    expect(stringifyObjects(web?.objects ?? [])).not.toContain('prod-web-migrate') // hooks are not release objects
    // long: a release name past 53 characters is shortened with a hash; chartRef, commonMetadata,
    // post-renderers, CRDs skipped.
    const full = `production-eu-west-${longName}`
    const long = releases.get(`apps/${longName}`)
    expect(long?.releaseName).toBe(`${full.slice(0, 40)}-${createHash('sha256').update(full).digest('hex').slice(0, 12)}`)
    const deploy = long?.objects.find((o) => o.kind === 'Deployment') as (KubeObject & { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }) | undefined
    expect(deploy?.spec.replicas).toBe(5)
    expect(deploy?.spec.template.spec.containers[0]?.image).toBe('nginx:2.0')
    expect(deploy?.metadata.labels).toMatchObject({ team: 'blue', 'helm.toolkit.fluxcd.io/name': longName, 'helm.toolkit.fluxcd.io/namespace': 'apps' })
    expect(deploy?.metadata.annotations).toEqual({ owner: 'ops' })
    expect(long?.objects.some((o) => o.kind === 'CustomResourceDefinition')).toBe(false)
    // mapped: a HelmRepository mapped with --source; fetched: a HelmRepository outside the repository,
    // without fetching allowed, is a problem naming it (and not its password).
    expect(releases.get('apps/mapped')?.releaseName).toBe('custom')
    expect(releases.has('apps/fetched')).toBe(false)
    expect(result.err).toContain('HelmRelease/apps/fetched: source HelmRepository/apps/remote is outside the repository')
    expect(result.err).toContain('gitops fleet build: unavailable: HelmRelease/apps/fetched')
    expect(result.err).not.toContain('hunter2')
    expect(result.code).toBe(0) // an unreachable chart source is unavailable, as for a Kustomization
  })

  it('fetches a HelmRepository chart over HTTP with --fetch-charts, as helm renders the same archive', async () => {
    const [result, expected] = await Promise.all([
      run(['fleet', 'build', 'fleet', '--kustomization', 'flux-system/apps', '--fetch-charts', '--source', 'apps/app-oci=oci/app', '--source', 'apps/local=helmrepo', '-o', 'json'], { cwd: root }),
      helmTemplate(['hello', join(root, 'hello-0.3.1.tgz'), '-n', 'apps', '--set', 'greeting=bonjour', '--no-hooks', '--include-crds']),
    ])
    const built = JSON.parse(result.out) as Built[]
    const hello = built.find((b) => b.helmRelease === 'apps/hello')
    expect(stringifyObjects(hello?.objects ?? [])).toBe(stringifyObjects(withFluxLabels(parseObjects(expected), 'hello', 'apps')))
    expect(served.requests.map((r) => r.path)).toEqual(['/index.yaml', '/hello-0.3.1.tgz'])
    // The unreachable repository is a problem naming it, without its password.
    expect(result.err).toMatch(/HelmRelease\/apps\/fetched: source HelmRepository\/apps\/remote: http:\/\/127\.0\.0\.1:1\/index\.yaml: /u)
    expect(result.err).not.toContain('hunter2')
  })
})
