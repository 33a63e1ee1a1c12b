// kustomize's helmCharts through `gitops build --enable-helm` against `kubectl kustomize
// --enable-helm --helm-command <helm>` with the real Helm v4.1.4 (extracted by the helm package's
// test helper): one kubectl run builds every case, byte for byte. The oci:// cases pull from
// Debian's docker-registry on 127.0.0.1 (charts pushed there by helm) and are left out, with a
// notice, when it is not installed.
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isGitOpsError } from '@gitops-sdk/core'
import { registryAvailable, startRegistry } from '@gitops-sdk/oci-source/testing'
import type { TestRegistry } from '@gitops-sdk/oci-source/testing'
import { hasKubectl, kubectl } from '../../../../testing/kubectl.js'
import { helmBinary } from '../../../helm/test/helpers/helmBinary.js'
import { chartArchive } from '../../../helm/test/helpers/chartRepository.js'
import type { ChartRepositoryServer } from '../../../helm/test/helpers/chartRepository.js'
import { serveHelloChart, writeFiles } from '../helpers/chartServer.js'
import { run } from '../helpers/run.js'

const helm = hasKubectl ? helmBinary() : undefined
if (!hasKubectl) process.stderr.write('kubectl not found, skipping the helmCharts comparison\n')
if (!registryAvailable) process.stderr.write('docker-registry not found (apt-get install docker-registry), leaving the oci:// helmCharts cases out\n')
const withOci = helm !== undefined && registryAvailable

const root = mkdtempSync(join(tmpdir(), 'gitops-helmcharts-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const write = (files: Record<string, string>, dir = root): void => writeFiles(dir, files)

const chart = (prefix: string, version = '0.1.0'): Record<string, string> => ({
  [`${prefix}/Chart.yaml`]: `apiVersion: v2\nname: app\nversion: ${version}\nappVersion: "1.2"\n`,
  [`${prefix}/values.yaml`]: 'replicas: 1\nimage:\n  repository: nginx\n  tag: "1.27"\nlabels:\n  tier: web\nports: [80]\nextra: 3000000\n',
  [`${prefix}/templates/_helpers.tpl`]: '{{- define "app.name" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}\n',
  [`${prefix}/templates/deploy.yaml`]: [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ include "app.name" . }}',
    '  labels: {{- toYaml .Values.labels | nindent 4 }}',
    '  annotations:',
    '    kube: {{ .Capabilities.KubeVersion.Version | quote }}',
    '    widgets: {{ .Capabilities.APIVersions.Has "example.com/v1" | quote }}',
    '    extra: {{ .Values.extra | quote }}',
    '    ns: {{ .Release.Namespace }}',
    'spec:',
    '  replicas: {{ .Values.replicas }}',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
    '          ports:',
    '          {{- range .Values.ports }}',
    '            - containerPort: {{ . }}',
    '          {{- end }}',
    '',
  ].join('\n'),
  [`${prefix}/templates/tests/test.yaml`]: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ include "app.name" . }}-test\n  annotations:\n    "helm.sh/hook": test\nspec:\n  containers: []\n',
  [`${prefix}/templates/hook.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "app.name" . }}-hook\n  annotations:\n    "helm.sh/hook": pre-install\n',
  [`${prefix}/crds/widget.yaml`]: 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n',
})

write({
  'fleet/kustomization.yaml': `resources: [a, b, c, d, e${withOci ? ', f, g' : ''}]\n`,
  // a: the default chart home, every flag, values inline over an additional file.
  ...chart('fleet/a/charts/app'),
  'fleet/a/kustomization.yaml': [
    'helmCharts:',
    '- name: app',
    '  releaseName: ra',
    '  namespace: apps',
    '  includeCRDs: true',
    '  kubeVersion: v1.31.2',
    '  apiVersions: [example.com/v1]',
    '  additionalValuesFiles: [more.yaml]',
    '  valuesInline:',
    '    replicas: 3',
    '    labels: {team: blue}',
    '    ports: [8080, 9090]',
    '',
  ].join('\n'),
  'fleet/a/more.yaml': 'image:\n  tag: "2.0"\n',
  // b: helmGlobals.chartHome, a valuesFile merged under valuesInline, no release name, tests skipped,
  // and kustomize's own transformers over helm's output.
  ...chart('fleet/b/vendor/app'),
  'fleet/b/kustomization.yaml': [
    'namespace: bns',
    'labels: [{pairs: {owner: b}}]',
    'helmGlobals:',
    '  chartHome: vendor',
    'helmCharts:',
    '- name: app',
    '  valuesFile: prod-values.yaml',
    '  valuesMerge: merge',
    '  skipTests: true',
    '  kubeVersion: v1.32.0',
    '  valuesInline:',
    '    replicas: 7',
    '    image: {repository: busybox}',
    '',
  ].join('\n'),
  'fleet/b/prod-values.yaml': 'replicas: 2\nimage:\n  tag: "3.0"\n',
  // c: valuesMerge replace, and a null that kustomize's merge drops (the chart default stays).
  ...chart('fleet/c/charts/app'),
  'fleet/c/kustomization.yaml': 'helmCharts:\n- name: app\n  releaseName: rc\n  kubeVersion: v1.32.0\n  valuesMerge: replace\n  valuesInline:\n    replicas: 4\n    extra: null\n',
  // d: repo and version: the chart is where kustomize pulls it to (<chartHome>/<name>-<version>/<name>).
  ...chart('fleet/d/charts/app-1.0.0/app', '1.0.0'),
  'fleet/d/kustomization.yaml': 'helmCharts:\n- name: app\n  repo: https://charts.invalid/\n  version: 1.0.0\n  releaseName: rd\n  kubeVersion: v1.32.0\n',
})

// e: a chart pulled from an HTTP repository on 127.0.0.1 (helm pull on kubectl's side, into
// memory on ours).
let repo: ChartRepositoryServer
beforeAll(async () => {
  repo = (await serveHelloChart()).repo
  write({ 'fleet/e/kustomization.yaml': `helmCharts:\n- name: hello\n  repo: ${repo.url}\n  version: 0.3.1\n  releaseName: re\n  kubeVersion: v1.32.0\n  valuesInline: {greeting: hey}\n` })
})
afterAll(() => repo.close())

// f and g: charts pushed by helm to docker-registry, pulled by an exact version (f) and by a semver
// range (g) through `repo: oci://…` (kubectl's helm pull writes them under charts/, ours reads
// them into memory).
let registry: TestRegistry | undefined
beforeAll(async () => {
  if (!withOci) return
  registry = await startRegistry()
  const host = registry.host
  // Side by side: each push is a helm process that mostly waits on the registry.
  await Promise.all(
    ([['oci', '0.4.0'], ['oci', '0.5.0-rc.1'], ['oci', '0.4.2'], ['oci', '1.0.0']] as const).map(async ([name, version]) => {
      const archive = join(root, 'pushed', `${name}-${version}.tgz`)
      write({ [`pushed/${name}-${version}.tgz`]: '' })
      writeFileSync(archive, chartArchive(name, version, { 'templates/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\n  namespace: {{ .Release.Namespace }}\n' }))
      const pushed = await helmCommand(['push', archive, `oci://${host}/charts`, '--plain-http'])
      expect(pushed.code, pushed.stderr).toBe(0)
    }),
  )
  write({
    'fleet/f/kustomization.yaml': `helmCharts:\n- name: oci\n  repo: oci://${registry.host}/charts/\n  version: 0.4.0\n  releaseName: rf\n  namespace: fns\n  kubeVersion: v1.32.0\n  valuesInline: {greeting: oci}\n`,
    'fleet/g/kustomization.yaml': `helmCharts:\n- name: oci\n  repo: oci://${registry.host}/charts\n  version: '~0.4'\n  releaseName: rg\n  kubeVersion: v1.32.0\n`,
  })
}, 60_000)
afterAll(async () => {
  await registry?.stop()
})

function helmCommand(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = join(root, 'helm-home')
  const env = { PATH: process.env.PATH ?? '', HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') }
  return new Promise((resolve) => {
    execFile(helm ?? 'helm', args, { timeout: 60_000, env }, (err, stdout, stderr) => resolve({ code: err === null ? 0 : 1, stdout, stderr }))
  })
}

function kubectlKustomize(dir: string, helmCommand: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(kubectl, ['kustomize', '--enable-helm', '--helm-command', helmCommand, dir], { timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: root } }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : 1, stdout, stderr }),
    )
  })
}

describe.skipIf(helm === undefined)('gitops build --enable-helm', () => {
  it('prints what kubectl kustomize --enable-helm prints with the real helm, byte for byte', async () => {
    // kustomize v5.5.0 asks `helm version -c --short` and wants a v3: the wrapper answers that one
    // question and hands every other command to Helm v4.1.4 unchanged, but for `--plain-http` on a
    // pull from the test registry (helm speaks HTTPS to a registry unless told; ours speaks plain
    // HTTP to 127.0.0.1, as Flux's insecure loopback does).
    const wrapper = join(root, 'helm-wrapper')
    writeFileSync(wrapper, `#!/bin/sh\n[ "$1" = version ] && { echo v3.99.0; exit 0; }\ncase "$1 $*" in pull*oci://*) exec '${helm ?? ''}' "$@" --plain-http;; esac\nexec '${helm ?? ''}' "$@"\n`)
    chmodSync(wrapper, 0o755)
    // Ours first: kubectl's helm pull writes the chart under fleet/e/charts, ours writes nothing.
    const ours = await run(['build', 'fleet', '--enable-helm'], { cwd: root })
    expect(existsSync(join(root, 'fleet/e/charts'))).toBe(false)
    expect(existsSync(join(root, 'fleet/f/charts'))).toBe(false)
    const expected = await kubectlKustomize(join(root, 'fleet'), wrapper)
    expect(expected.stderr).toBe('')
    expect(ours.err).toBe('')
    expect(ours.code).toBe(0)
    expect(ours.out).toBe(expected.stdout)
    // The cases did what they say (so the comparison is not vacuous).
    expect(ours.out).toContain('name: ra-app-test') // a keeps its test hook
    expect(ours.out).not.toContain('name: release-name-app-test') // b skips it
    expect(ours.out).toContain('kind: CustomResourceDefinition')
    expect(ours.out).toContain('kube: v1.31.2')
    expect(ours.out).toContain('namespace: bns')
    expect(ours.out).toContain('image: busybox:3.0')
    expect(ours.out).toContain('greeting: hey')
    expect(repo.requests.filter((r) => r.path === '/hello-0.3.1.tgz').length).toBe(2) // pulled by both
    if (withOci) {
      expect(existsSync(join(root, 'fleet/f/charts/oci-0.4.0/oci/Chart.yaml'))).toBe(true) // kubectl pulled it
      expect(ours.out).toContain('greeting: oci\n  version: 0.4.0') // f: the exact version
      expect(ours.out).toContain('name: rf-oci\n  namespace: fns')
      expect(ours.out).toContain('  greeting: hello\n  version: 0.4.2\nkind: ConfigMap\nmetadata:\n  name: rg\n') // g: the highest in ~0.4
    }
  })

  it('refuses helmCharts without --enable-helm, as kubectl kustomize does', async () => {
    const r = await run(['build', 'fleet/a'], { cwd: root })
    expect(r.code).not.toBe(0)
    expect(r.err).toContain('RENDER_PLUGIN_UNSUPPORTED')
  })

  it.skipIf(!withOci)('names the oci:// repo when no tag matches the version or the chart is missing, and writes nothing', async () => {
    const host = registry?.host ?? ''
    write({
      'bad/nomatch/kustomization.yaml': `helmCharts:\n- name: oci\n  repo: oci://${host}/charts\n  version: '>=9'\n`,
      'bad/missing/kustomization.yaml': `helmCharts:\n- name: nope\n  repo: oci://${host}/charts\n  version: 1.0.0\n`,
    })
    const nomatch = await run(['build', 'bad/nomatch', '--enable-helm'], { cwd: root })
    expect(nomatch.code).not.toBe(0)
    // render's error names the kustomization and the entry; its cause is the source's.
    expect(isGitOpsError(nomatch.error, 'RENDER_HELM_FAILED')).toBe(true)
    expect(isGitOpsError((nomatch.error as Error).cause, 'HELM_SOURCE_NOT_FOUND')).toBe(true)
    expect(nomatch.err).toContain(`bad/nomatch/kustomization.yaml: helmCharts[0]: chart 'oci': oci://${host}/charts/oci: no version matches '>=9'`)
    const missing = await run(['build', 'bad/missing', '--enable-helm'], { cwd: root })
    expect(isGitOpsError(missing.error, 'RENDER_HELM_FAILED')).toBe(true)
    expect(isGitOpsError((missing.error as Error).cause, 'OCI_NOT_FOUND')).toBe(true)
    expect(missing.err).toContain(`bad/missing/kustomization.yaml: helmCharts[0]: chart 'nope': oci://${host}/charts/nope`)
    expect(existsSync(join(root, 'bad/nomatch/charts'))).toBe(false)
    expect(existsSync(join(root, 'bad/missing/charts'))).toBe(false)
  })
})
