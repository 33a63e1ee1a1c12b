// `gitops controller`: Flux's source-controller and kustomize-controller in one process, on the
// runtime of @gitops-sdk/controller. The command only reads flags, connects and prints; the work
// is `createGitOpsController`'s.
import { existsSync } from 'node:fs'
import { delimiter } from 'node:path'
import { booleanFlag, parseCommandArgs, progress, stringFlag, UsageError } from '../context.js'
import type { CliIO, Command } from '../context.js'
import { durationFlag, kubeFlags, logSettings } from '../flags.js'
import type { FlagSpec, FlagValues } from '../flags.js'
import type { KubeConfig } from '@kubernetes/client-node'

const flags = {
  'watch-label-selector': { type: 'string' },
  'leader-elect': { type: 'boolean', default: false },
  'hash-shard': { type: 'string' },
  concurrent: { type: 'string' },
  'health-addr': { type: 'string' },
  'metrics-addr': { type: 'string' },
  'no-cross-namespace-refs': { type: 'boolean', default: false },
  'default-service-account': { type: 'string' },
  'leader-election-lease-duration': { type: 'string' },
  'leader-election-renew-deadline': { type: 'string' },
  'leader-election-retry-period': { type: 'string' },
  'requeue-dependency': { type: 'string' },
  ...kubeFlags,
} as const satisfies FlagSpec

export const controllerCommand: Command = {
  name: 'controller',
  summary: 'run the GitOps controller: Flux GitRepositories and Kustomizations, in a cluster or against one',
  help: `gitops controller: watch Flux's GitRepository and Kustomization objects and reconcile them as
source-controller and kustomize-controller do, in one process: fetch every interval, the artifact in
.status.artifact, build, decrypt, substitute, server-side apply, prune with the inventory in
.status.inventory, health checks, dependsOn, suspend, deletion by deletionPolicy, Events with Flux's
reasons. Runs until SIGINT or SIGTERM (the Lease is then released).

Usage:
  gitops controller [--watch-label-selector S] [--leader-elect | --hash-shard G] [--concurrent N]
                    [--health-addr A] [--metrics-addr A] [--no-cross-namespace-refs]
                    [--default-service-account SA] [--kubeconfig K] [--context C]

Flags:
  --watch-label-selector S        reconcile only objects matching S (Flux sharding:
                                  sharding.fluxcd.io/key=shard1, or !sharding.fluxcd.io/key)
  --leader-elect                  reconcile only while holding the Lease (one per selector) in
                                  $RUNTIME_NAMESPACE, else the kubeconfig's or the pod's namespace
  --hash-shard G                  share the objects among every replica run with the same G: each
                                  holds its own Lease G-<digest> in $RUNTIME_NAMESPACE and works only
                                  on the objects whose namespace/name hashes to it; a replica whose
                                  Lease lapses gives its objects to the others (excludes --leader-elect)
  --leader-election-lease-duration D, --leader-election-renew-deadline D,
  --leader-election-retry-period D
                                  Flux's leader election timings (default 35s, 30s, 5s), also
                                  those of --hash-shard
  --concurrent N                  reconciles of each kind at once (default 4)
  --health-addr A                 host:port of /healthz and /readyz (default :9440)
  --metrics-addr A                host:port of /metrics (default :8080)
  --no-cross-namespace-refs       refuse sources in another namespace than the Kustomization's
  --default-service-account SA    impersonate SA when a Kustomization names no service account
  --requeue-dependency D          retry delay while dependencies are not ready (default 30s)
  --kubeconfig K                  kubeconfig (default $KUBECONFIG, ~/.kube/config, else in-cluster)
  --context C                     kubeconfig context
  --log-level L, --log-format F   as for every command; --log-format json for one JSON object per line

Example:
  gitops controller --leader-elect --log-format json --health-addr :9440 --metrics-addr :8080
`,
  flags,
  logsOwnStart: true,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: positionals[0] } })
    const concurrency = countFlag(stringFlag(values, 'concurrent'))
    const hashShard = stringFlag(values, 'hash-shard')
    if (hashShard !== undefined && !/^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/.test(hashShard)) throw new UsageError(`--hash-shard must be a lowercase DNS label of 52 characters at most (it prefixes the Lease names), not ${hashShard.slice(0, 80)}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--hash-shard' } })
    if (hashShard !== undefined && booleanFlag(values, 'leader-elect')) throw new UsageError('--hash-shard and --leader-elect exclude each other: every replica of a hash shard group works', { code: 'CLI_FLAG_INVALID', details: { flag: '--hash-shard' } })
    const timings = {
      leaseDuration: durationFlag(stringFlag(values, 'leader-election-lease-duration'), 35_000, '--leader-election-lease-duration'),
      renewDeadline: durationFlag(stringFlag(values, 'leader-election-renew-deadline'), 30_000, '--leader-election-renew-deadline'),
      retryPeriod: durationFlag(stringFlag(values, 'leader-election-retry-period'), 5_000, '--leader-election-retry-period'),
    }
    const requeueDependency = durationFlag(stringFlag(values, 'requeue-dependency'), 30_000, '--requeue-dependency')
    const healthAddr = address(stringFlag(values, 'health-addr') ?? ':9440', '--health-addr')
    const metricsAddr = address(stringFlag(values, 'metrics-addr') ?? ':8080', '--metrics-addr')
    const [runtime, gitops, { createKubeClient }, { KubeConfig }] = await Promise.all([
      import('@gitops-sdk/controller'),
      import('@gitops-sdk/controller/gitops'),
      import('@gitops-sdk/apply'),
      import('@kubernetes/client-node'),
    ])
    // --log-format json: Flux's line shape (`ts` RFC 3339 with milliseconds, `level`, `msg`, and the
    // controller, object and reconcileID each reconcile carries), and the command's own lines too,
    // this first one among them.
    const logs = logSettings(argv)
    const logger = logs.format === 'json' ? runtime.createJsonLogger(io.stderr, { level: logs.level, fields: { logger: 'gitops-controller' } }) : io.logger
    logger?.debug('gitops controller: starting', { command: 'controller' })
    const kubeConfig = new KubeConfig()
    const inCluster = loadKubeConfig(io, values, kubeConfig)
    const client = inCluster
      ? await runtime.createControllerClient({ inCluster: await runtime.loadInClusterConfig({ env: io.env }), signal })
      : await runtime.createControllerClient({ kubeConfig, signal })
    const kubeClient = await createKubeClient({ kubeConfig, signal })
    const metrics = runtime.createControllerMetrics()
    // node:crypto and node:os load here, not at start-up: every other command would pay for them.
    const [{ randomUUID }, { hostname }] = await Promise.all([import('node:crypto'), import('node:os')])
    const identity = `${io.env.POD_NAME ?? hostname()}_${randomUUID().slice(0, 8)}`
    const namespace = io.env.RUNTIME_NAMESPACE ?? client.namespace
    const say = (message: string, fields: Record<string, unknown> = {}): void => (logs.format === 'json' ? logger?.info(message, fields) : progress(io, `gitops controller: ${message}`))
    const controller = gitops.createGitOpsController({
      client,
      kubeClient,
      clientFactory: gitops.createClientFactory({ kubeConfig, client }),
      labelSelector: stringFlag(values, 'watch-label-selector'),
      concurrency,
      noCrossNamespaceRefs: booleanFlag(values, 'no-cross-namespace-refs'),
      defaultServiceAccount: stringFlag(values, 'default-service-account'),
      leaderElection: booleanFlag(values, 'leader-elect') ? { namespace, identity, ...timings } : undefined,
      hashSharding: hashShard === undefined ? undefined : { namespace, identity, group: hashShard, ...timings },
      requeueDependency,
      metrics,
      logger,
    })
    const stop = new AbortController()
    const onAbort = (): void => stop.abort(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    const readyz = { informers: () => !controller.isLeader() || controller.hasSynced() }
    const shared = healthAddr === metricsAddr
    const health = await runtime.serveOperations({ address: healthAddr, healthz: { ping: () => true }, readyz, ...(shared ? { registry: metrics.registry } : {}), signal: stop.signal })
    const metricsServer = shared ? undefined : await runtime.serveOperations({ address: metricsAddr, registry: metrics.registry, signal: stop.signal })
    const selector = stringFlag(values, 'watch-label-selector')
    say(`${identity} watching${selector === undefined ? '' : ` ${selector}`}; probes on ${health.url}, metrics on ${(metricsServer ?? health).url}`, { identity, selector, probes: health.url, metrics: (metricsServer ?? health).url })
    logger?.debug('controller started', { identity, namespace, leaderElection: booleanFlag(values, 'leader-elect'), hashShard })
    try {
      const outcome = await controller.run(stop.signal)
      if (outcome === 'lost') {
        say(`${identity} lost the Lease; exiting so that another replica leads`, { identity })
        return 2
      }
      say(`${identity} stopped`, { identity })
      return 0
    } finally {
      signal.removeEventListener('abort', onAbort)
      stop.abort()
      await Promise.all([health.close(), metricsServer?.close()])
      client.close()
    }
  },
}

/** Loads the kubeconfig of `--kubeconfig`/`KUBECONFIG`/`~/.kube/config` into `kc`; true when running in a pod without one. */
function loadKubeConfig(io: CliIO, values: FlagValues, kc: KubeConfig): boolean {
  const KubeConfig = kc.constructor as new () => KubeConfig
  const explicit = stringFlag(values, 'kubeconfig') ?? io.env.KUBECONFIG
  const home = io.env.HOME
  const candidates = (explicit ?? (home === undefined ? '' : `${home}/.kube/config`)).split(delimiter).filter((f) => f !== '')
  const files = candidates.filter((f) => existsSync(f))
  if (files.length === 0) {
    if (explicit === undefined && io.env.KUBERNETES_SERVICE_HOST !== undefined) {
      kc.loadFromCluster()
      return true
    }
    throw new UsageError(`${candidates.join(delimiter) || '--kubeconfig'}: no kubeconfig file exists and not in a pod`, { code: 'CLI_FILE_NOT_FOUND', details: { flag: '--kubeconfig' } })
  }
  // Several files merge as kubectl merges them: the first file defining a name wins, and the
  // current context comes from the first file that sets one.
  const loaded = files.map((f) => {
    const one = new KubeConfig()
    one.loadFromFile(f)
    return one
  })
  const firstByName = <T extends { readonly name: string }>(lists: readonly (readonly T[])[]): T[] => {
    const seen = new Map<string, T>()
    for (const list of lists) for (const item of list) if (!seen.has(item.name)) seen.set(item.name, item)
    return [...seen.values()]
  }
  kc.loadFromOptions({
    clusters: firstByName(loaded.map((k) => k.clusters)),
    users: firstByName(loaded.map((k) => k.users)),
    contexts: firstByName(loaded.map((k) => k.contexts)),
    currentContext: loaded.map((k) => k.getCurrentContext() as string | undefined).find((c) => typeof c === 'string' && c !== '') ?? '',
  })
  const context = stringFlag(values, 'context')
  if (context !== undefined) kc.setCurrentContext(context)
  return false
}

function countFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^[1-9][0-9]{0,3}$/.test(value)) throw new UsageError(`--concurrent must be a whole number from 1 to 9999, not ${value}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--concurrent' } })
  return Number(value)
}

function address(value: string, flag: string): string {
  if (!/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):[0-9]{1,5}$/.test(value)) throw new UsageError(`${flag} must be host:port (such as :9440 or 127.0.0.1:0), not ${value}`, { code: 'CLI_FLAG_INVALID', details: { flag } })
  return value
}
