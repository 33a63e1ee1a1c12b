// kustomize's helmCharts through `gitops build --enable-helm` against `kubectl kustomize
// --enable-helm --helm-command <helm>` with the real Helm v4.1.4 (extracted by the helm package's
// test helper): one kubectl run builds every case, byte for byte.
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasKubectl, kubectl } from '../../../../testing/kubectl.js'
import { helmBinary } from '../../../helm/test/helpers/helmBinary.js'
import type { ChartRepositoryServer } from '../../../helm/test/helpers/chartRepository.js'
import { serveHelloChart, writeFiles } from '../helpers/chartServer.js'
import { run } from '../helpers/run.js'

const helm = hasKubectl ? helmBinary() : undefined
if (!hasKubectl) process.stderr.write('kubectl not found, skipping the helmCharts comparison\n')

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
  'fleet/kustomization.yaml': 'resources: [a, b, c, d, e]\n',
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
    // question and hands every other command to Helm v4.1.4 unchanged.
    const wrapper = join(root, 'helm-wrapper')
    writeFileSync(wrapper, `#!/bin/sh\n[ "$1" = version ] && { echo v3.99.0; exit 0; }\nexec '${helm ?? ''}' "$@"\n`)
    chmodSync(wrapper, 0o755)
    // Ours first: kubectl's helm pull writes the chart under fleet/e/charts, ours writes nothing.
    const ours = await run(['build', 'fleet', '--enable-helm'], { cwd: root })
    expect(existsSync(join(root, 'fleet/e/charts'))).toBe(false)
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
  })

  it('refuses helmCharts without --enable-helm, as kubectl kustomize does', async () => {
    const r = await run(['build', 'fleet/a'], { cwd: root })
    expect(r.code).not.toBe(0)
    expect(r.err).toContain('RENDER_PLUGIN_UNSUPPORTED')
  })
})
