// For the helm suites: a Helm HTTP repository on 127.0.0.1 serving the chart `hello` 0.3.1 (the
// helm package's small test chart: one ConfigMap with `greeting`), a writer of fixture trees, and the
// versioned chart `app` the OCI suite pushes.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { chartArchive, indexYaml, sha256, startChartRepository } from '../../../helm/test/helpers/chartRepository.js'
import type { ChartRepositoryServer } from '../../../helm/test/helpers/chartRepository.js'

/** The repository and the archive it serves as `hello-0.3.1.tgz`. */
export interface HelloChartRepository {
  readonly repo: ChartRepositoryServer
  readonly archive: Buffer
}

/** Starts a repository whose index lists `hello` 0.3.1 (with its digest) and serves its archive. */
export async function serveHelloChart(): Promise<HelloChartRepository> {
  const archive = chartArchive('hello', '0.3.1')
  const repo = await startChartRepository()
  repo.routes.set('/index.yaml', { body: indexYaml({ hello: [{ version: '0.3.1', url: 'hello-0.3.1.tgz', digest: sha256(archive) }] }) })
  repo.routes.set('/hello-0.3.1.tgz', { body: archive })
  return { repo, archive }
}

/** Writes `files` (path → text) under `root`, making their folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
}

/**
 * The files of chart `app` at `version` under `src/<version>/app/`: a ConfigMap showing the chart
 * version, the kube version and values (a large integer among them), through a named template.
 */
export const versionedChart = (version: string): Record<string, string> => ({
  [`src/${version}/app/Chart.yaml`]: `apiVersion: v2\nname: app\nversion: ${version}\nappVersion: "1.2"\n`,
  [`src/${version}/app/values.yaml`]: 'replicas: 1\nlabels:\n  tier: web\nbig: 3000000\n',
  [`src/${version}/app/templates/_helpers.tpl`]: '{{- define "app.name" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}\n',
  [`src/${version}/app/templates/cm.yaml`]: [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ include "app.name" . }}',
    '  labels: {{- toYaml .Values.labels | nindent 4 }}',
    'data:',
    '  chart: {{ .Chart.Version | quote }}',
    '  kube: {{ .Capabilities.KubeVersion.Version | quote }}',
    '  big: {{ .Values.big | quote }}',
    '  replicas: {{ .Values.replicas | quote }}',
    '',
  ].join('\n'),
})
