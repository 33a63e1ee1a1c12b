// The README examples of the packages, run as a stranger runs them: each one's first ts block,
// unchanged but for its placeholders, in a project where the packages are installed. All run in one
// node process, one after the other, each in a folder of its own (used by
// examples/packages.smoke.test.ts).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { transform } from 'esbuild'
import { expect } from 'vitest'

/** Where the READMEs are and where the packages are installed. */
export interface ReadmeExamplesWhere {
  /** The folder holding one folder per package, each with its README.md. */
  readonly packagesDir: string
  /** The consumer project: the examples run in folders under its `examples/`. */
  readonly consumer: string
}

/** The first TypeScript example of a package README. */
export function readmeExample(dir: string): string {
  const readme = readFileSync(join(dir, 'README.md'), 'utf8')
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  if (block === undefined) throw new Error(`${dir}/README.md has no ts example`)
  return block
}

/** One README example to run: its package, the files of its working directory and its environment. */
export interface ExampleCase {
  readonly pkg: string
  /** README placeholders (a path or URL of the reader's machine) → their stand-ins here. */
  readonly replace?: Readonly<Record<string, string>> | undefined
  readonly files?: Readonly<Record<string, string>> | undefined
  readonly env?: Readonly<Record<string, string>> | undefined
}

/** What one example did in the shared process: its stdout, its error, the exit code it set. */
export interface ExampleRun {
  readonly stdout: string
  readonly error: string | undefined
  readonly exitCode: number | undefined
}

// Runs the examples one after the other in one node process (one start-up and one load of the
// packages for all of them): each in a folder of its own as working directory, with its
// environment, its output framed by marker lines.
const RUNNER = `
import { pathToFileURL } from 'node:url'
const plan = JSON.parse(process.argv[2])
for (const { pkg, dir, env } of plan) {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  Object.assign(process.env, env)
  process.chdir(dir)
  process.exitCode = undefined
  process.stdout.write('\\n@@begin ' + pkg + '\\n')
  let error
  try { await import(pathToFileURL(dir + '/readme.mjs').href) } catch (e) { error = String(e && e.stack || e) }
  process.stdout.write('\\n@@end ' + JSON.stringify({ pkg, error, exitCode: process.exitCode }) + '\\n')
  for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v }
}
process.exitCode = 0
`

/**
 * Writes every example, unchanged but for its placeholders (each asserted present, so an edited
 * README fails here instead of silently running something else), into the consumer project and
 * runs them all in one process. `onLine` sees stdout as it comes (the controller example runs until
 * SIGTERM).
 */
export async function runReadmeExamples(cases: readonly ExampleCase[], where: ReadmeExamplesWhere, onLine: (line: string, child: ChildProcess) => void): Promise<{ runs: Map<string, ExampleRun>; stderr: string }> {
  const plan = []
  for (const { pkg, replace = {}, files = {}, env = {} } of cases) {
    let code = readmeExample(join(where.packagesDir, pkg))
    for (const [from, to] of Object.entries(replace)) {
      expect(code, `${pkg} README example mentions ${from}`).toContain(from)
      code = code.split(from).join(to)
    }
    const dir = join(where.consumer, 'examples', pkg)
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'readme.mjs'), (await transform(code, { loader: 'ts', format: 'esm', target: 'node20' })).code)
    plan.push({ pkg, dir, env })
  }
  writeFileSync(join(where.consumer, 'run-examples.mjs'), RUNNER)
  const child = spawn(process.execPath, [join(where.consumer, 'run-examples.mjs'), JSON.stringify(plan)], { cwd: where.consumer, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let pending = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) onLine(line, child)
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  if (code !== 0) throw new Error(`the README examples' process exited ${code}:\n${stdout}\n${stderr}`)
  const runs = new Map<string, ExampleRun>()
  for (const [, pkg = '', body = '', end = '{}'] of stdout.matchAll(/^@@begin (\S+)\n([\s\S]*?)\n@@end (.*)$/gm)) {
    const { error, exitCode } = JSON.parse(end) as { error?: string; exitCode?: number }
    runs.set(pkg, { stdout: body, error, exitCode })
  }
  return { runs, stderr }
}


/** A small chart at `charts/web`, for the helm example. */
export const WEB_CHART: Readonly<Record<string, string>> = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: "1.27"\n',
  'charts/web/values.yaml': 'replicaCount: 1\nimage: nginx\n',
  'charts/web/templates/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ .Release.Name }}',
    '  namespace: {{ .Release.Namespace }}',
    '  labels: {app: {{ .Chart.Name | quote }}, version: {{ .Chart.AppVersion | quote }}}',
    'spec:',
    '  replicas: {{ .Values.replicaCount }}',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: {{ .Values.image }}:{{ .Chart.AppVersion }}',
    '',
  ].join('\n'),
}

/** `clusters/prod/apps.yaml` for the flux example: a Kustomization and a HelmRelease. */
export const FLUX_APPS: string = [
  'apiVersion: kustomize.toolkit.fluxcd.io/v1',
  'kind: Kustomization',
  'metadata: {name: apps, namespace: flux-system}',
  'spec:',
  '  interval: 10m',
  '  timeout: 2m',
  '  path: ./apps/prod',
  '  prune: true',
  '  sourceRef: {kind: GitRepository, name: fleet}',
  '---',
  'apiVersion: helm.toolkit.fluxcd.io/v2',
  'kind: HelmRelease',
  'metadata: {name: redis, namespace: apps}',
  'spec: {interval: 5m, chart: {spec: {chart: redis, sourceRef: {kind: HelmRepository, name: bitnami}}}}',
  '',
].join('\n')
