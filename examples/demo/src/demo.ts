// The guided tour behind `npm run demo`: a real reconcile of examples/fleet from a local git
// repository into the embedded apiserver, a commit, a hand edit found as drift, its correction.
// It lives beside the example fleet it needs, not in the published CLI.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { stringifyValue } from '@gitops-sdk/core'
import type { KubeValue } from '@gitops-sdk/core'
import type { ReconcileStatus } from '@gitops-sdk/reconcile'

/** A stream the demo writes to. */
export interface DemoStream {
  write(chunk: string): unknown
  readonly isTTY?: boolean | undefined
}

/** The world the demo runs in, injected so that its test runs it in process. */
export interface DemoIO {
  readonly stdout: DemoStream
  readonly stderr: DemoStream
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd?: string | undefined
  readonly signal?: AbortSignal | undefined
}

type OutputFormat = 'text' | 'json' | 'yaml'

const EXIT_OK = 0
const EXIT_ERROR = 2
const run = promisify(execFile)

/** examples/fleet, from src/ or from dist/. */
const defaultFleet = fileURLToPath(new URL('../../fleet', import.meta.url))

export const help = `npm run demo: a short guided tour of what the SDK does. It creates a fleet repository from
examples/fleet (a base, staging and prod overlays, a SOPS-encrypted Secret with a test-only age
key), serves it with git http-backend on 127.0.0.1, starts the embedded Kubernetes API server with
simulated controllers, and then: reconciles prod with prune and wait, commits a change and
reconciles again, edits the cluster by hand as another field manager and shows the drift report
naming it, reconciles once more to correct it, and cleans up. Nothing leaves 127.0.0.1.

Usage:
  npm run demo [-- --dir DIR] [-- -o text|json|yaml]

Flags:
  --dir DIR        the example fleet to start from (default: examples/fleet of this repository)
  -o, --output F   text (default): the tour on stdout; json or yaml: the tour on stderr and the
                   status of every reconcile on stdout

Example:
  npm run demo
`

class UsageError extends Error {
  override readonly name = 'UsageError'
}

function useColor(io: DemoIO): boolean {
  const noColor = io.env.NO_COLOR
  if (noColor !== undefined && noColor !== '') return false
  return io.stdout.isTTY === true && io.env.TERM !== 'dumb'
}

/** Runs the tour and resolves to the exit code (0 when every reconcile ended Ready, 2 otherwise). */
export async function runDemo(argv: readonly string[], io: DemoIO): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { dir: { type: 'string' }, output: { type: 'string', short: 'o', default: 'text' }, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: true,
      strict: true,
    })
    if (values.help) {
      io.stdout.write(help)
      return EXIT_OK
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`)
    const format = values.output
    if (format !== 'text' && format !== 'json' && format !== 'yaml') throw new UsageError(`--output must be text, json or yaml, not ${format}`)
    const fleetDir = resolve(io.cwd ?? process.cwd(), values.dir ?? defaultFleet)
    if (!existsSync(join(fleetDir, 'clusters', 'prod'))) throw new UsageError(`${fleetDir}: not an example fleet (no clusters/prod)`)
    const work = await mkdtemp(join(tmpdir(), 'gitops-demo-'))
    try {
      return await tour(io, { fleetDir, work, signal: io.signal ?? new AbortController().signal, format })
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err)
    io.stderr.write(`demo: ${message}${typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` [${code}]` : ''}\n`)
    return EXIT_ERROR
  }
}

function printResult(io: DemoIO, format: 'json' | 'yaml', data: unknown): void {
  if (format === 'json') io.stdout.write(`${JSON.stringify(data, undefined, 2)}\n`)
  else io.stdout.write(stringifyValue(JSON.parse(JSON.stringify(data)) as KubeValue))
}

interface TourOptions {
  readonly fleetDir: string
  readonly work: string
  readonly signal: AbortSignal
  /** text: the narrative on stdout; json or yaml: the narrative on stderr, the statuses on stdout. */
  readonly format: OutputFormat
}

async function tour(io: DemoIO, { fleetDir, work, signal, format }: TourOptions): Promise<number> {
  const [engine, apply, secrets, gitTesting, { startApiServer }] = await Promise.all([
    import('@gitops-sdk/reconcile'),
    import('@gitops-sdk/apply'),
    import('@gitops-sdk/secrets'),
    import('@gitops-sdk/git-source/testing'),
    import('@gitops-sdk/apiserver'),
  ])
  const { createReconcileSteps, formatReconcileStatus } = engine
  const color = useColor(io)
  const bold = (text: string): string => (color ? `\u001b[1m${text}\u001b[0m` : text)
  const dim = (text: string): string => (color ? `\u001b[2m${text}\u001b[0m` : text)
  const narrative = format === 'text' ? io.stdout : io.stderr
  const say = (text = ''): void => void narrative.write(`${text}\n`)
  const statuses: ReconcileStatus[] = []
  let step = 0
  const chapter = (title: string, ...lines: string[]): void => {
    step += 1
    say()
    say(bold(`${step}. ${title}`))
    for (const line of lines) say(dim(`   ${line}`))
  }

  say(bold('gitops-sdk demo: Flux’s machinery as a Node library, on 127.0.0.1 only'))

  chapter(
    'Set up: a fleet repository, a git server and a Kubernetes API server',
    'examples/fleet becomes a git repository, served by `git http-backend` behind a small Node server;',
    '@gitops-sdk/apiserver is an in-memory API server speaking the real REST API over TLS.',
  )
  const fleet = await gitTesting.filesFromDirectory(fleetDir)
  const repo = await gitTesting.createRepository(join(work, 'repos'), { name: 'fleet' })
  await repo.commit(fleet, { message: 'Add the fleet: base, staging and prod' })
  const gitServer = await gitTesting.startGitServer({ root: join(work, 'repos') })
  const apiserver = await startApiServer({ controllers: 'ready', readyDelayMs: 400 })
  try {
    const kubeconfig = join(work, 'kubeconfig')
    await writeFile(kubeconfig, apiserver.kubeconfigYaml(), { mode: 0o600 })
    const url = `${gitServer.url}/fleet`
    say(`   git:        ${url}`)
    say(`   apiserver:  ${apiserver.url} (kubeconfig ${kubeconfig})`)
    const client = await apply.createKubeClient({ kubeconfig, signal })
    const identities = await secrets.parseIdentities(await readFile(join(fleetDir, 'age.agekey'), 'utf8'), { source: 'age.agekey' })
    const inventory = { namespace: 'gitops-system', name: 'prod' }
    await apply.applyAll([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: inventory.namespace } }], { client, fieldManager: 'demo-setup', signal })
    const steps = createReconcileSteps({ source: { url, ref: { branch: 'main' } }, client, inventory, fieldManager: 'gitops', identities })
    const spec = { name: 'prod', path: 'clusters/prod', prune: true, wait: true, timeout: 60_000 }
    const show = (status: ReconcileStatus): boolean => {
      statuses.push(status)
      for (const line of formatReconcileStatus(status, { color }).split('\n')) say(`   ${line}`)
      const ms = Object.values(status.durations).reduce((a, b) => a + b, 0)
      say(dim(`   (${Math.round(ms)} ms: ${Object.entries(status.durations).map(([p, d]) => `${p} ${Math.round(d)}`).join(', ')})`))
      return engine.reconcileFailure(status) === undefined
    }

    chapter(
      'Reconcile clusters/prod, with prune and health wait',
      'fetch main → decrypt the SOPS Secret with the test-only age key (in memory only) → build the',
      'overlay as kustomize does → server-side apply in stages → record the inventory → wait until',
      'every Deployment is Available (the simulated controllers roll them out).',
    )
    let result = await engine.reconcile(spec, steps, { signal })
    if (!show(result.status)) return EXIT_ERROR

    chapter(
      'A commit: web scaled from 3 to 2 replicas, the cache Service removed',
      'The next reconcile configures what changed and prunes what left the inventory.',
    )
    const kustomization = await readFile(join(fleetDir, 'clusters/prod/kustomization.yaml'), 'utf8')
    const cache = await readFile(join(fleetDir, 'base/cache.yaml'), 'utf8')
    await repo.commit(
      {
        ...fleet,
        'clusters/prod/kustomization.yaml': kustomization.replace('count: 3', 'count: 2'),
        'base/cache.yaml': cache.slice(0, cache.indexOf('\n---')) + '\n',
      },
      { message: 'prod: two web replicas; drop the cache Service' },
    )
    result = await engine.reconcile(spec, steps, { signal, previous: result.state })
    if (!show(result.status)) return EXIT_ERROR

    chapter(
      'Someone scales web by hand',
      'Another field manager now owns .spec.replicas; Git still says 2.',
    )
    const manager = await scaleByHand(io, { kubeconfig, apiserverUrl: apiserver.url, token: apiserver.token, caData: apiserver.kubeconfig().clusters[0]?.caData })
    say(`   ${manager.how}`)

    chapter('The drift report', 'apply’s diff compares the cluster with Git and names who owns each drifted field.')
    const desired = result.state.applied?.objects ?? []
    const report = await apply.diff(desired, { client, fieldManager: 'gitops', inventory, signal })
    for (const line of apply.formatDiff(report, { color }).split('\n')) if (line !== '') say(`   ${line}`)

    chapter(
      'Reconcile again: the source is unchanged, so nothing is rendered',
      'A drift check (one LIST per kind, comparing resourceVersions) finds the edited object and only',
      'that one is applied again.',
    )
    result = await engine.reconcile(spec, steps, { signal, previous: result.state })
    if (!show(result.status)) return EXIT_ERROR
    const web = apiserver.get({ group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web' })
    say(`   Deployment/prod/web has ${String((web?.spec as { replicas?: number } | undefined)?.replicas)} replicas again.`)

    chapter('Clean up', 'Servers stopped, temporary repository and kubeconfig removed.')
    if (format !== 'text') printResult(io, format, { reconciles: statuses.map(engine.reconcileStatusData) })
    return EXIT_OK
  } finally {
    await gitServer.stop()
    await apiserver.stop()
  }
}

/**
 * Scales `web` to 7 replicas as a person would: with `kubectl scale` when kubectl is installed,
 * otherwise with a merge patch sent under the field manager kubectl would use.
 */
async function scaleByHand(
  io: DemoIO,
  target: { kubeconfig: string; apiserverUrl: string; token: string | undefined; caData: string | undefined },
): Promise<{ how: string }> {
  const kubectl = io.env.KUBECTL ?? 'kubectl'
  try {
    await run(kubectl, ['--kubeconfig', target.kubeconfig, '--cache-dir', join(target.kubeconfig, '..', 'kube-cache'), '-n', 'prod', 'scale', 'deployment/web', '--replicas=7'])
    return { how: '$ kubectl scale deployment/web --replicas=7 -n prod' }
  } catch {
    const { request } = await import('node:https')
    const url = new URL('/apis/apps/v1/namespaces/prod/deployments/web?fieldManager=kubectl-scale', target.apiserverUrl)
    await new Promise<void>((resolveRequest, reject) => {
      const req = request(
        url,
        {
          method: 'PATCH',
          ca: target.caData === undefined ? undefined : Buffer.from(target.caData, 'base64'),
          headers: { 'content-type': 'application/merge-patch+json', authorization: `Bearer ${target.token ?? ''}` },
        },
        (res) => {
          res.resume()
          res.on('end', () => (res.statusCode === 200 ? resolveRequest() : reject(new Error(`PATCH ${url.pathname}: ${String(res.statusCode)}`))))
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify({ spec: { replicas: 7 } }))
    })
    return { how: 'PATCH .../deployments/web {"spec":{"replicas":7}} as field manager kubectl-scale (kubectl is not installed)' }
  }
}
