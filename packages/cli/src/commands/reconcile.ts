import type { ReconcilerEvent, ReconcileRecord, ReconcileStatus } from '@gitops-sdk/reconcile'
import { booleanFlag, debug, EXIT_ERROR, EXIT_OK, outputFormat, parseCommandArgs, printResult, stringFlag, stringListFlag, UsageError } from '../context.js'
import type { Command } from '../context.js'
import { createProgress, useColor } from '../terminal.js'
import { conflictsFlag, durationFlag, impersonationFlags, integrityFlag, inventoryFlag, kubeconfigPath, kubeFlags, namespaceValue, parseRef, secretFrom, substituteFlags, takeOverManagersFlag } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { maskData, maskText, redactUrl, secretsOf } from '../redact.js'
import { loadAgeIdentities, logRequest } from './options.js'
import { dryRunReconcile, offlineClient } from './reconcileDryRun.js'

const flags = {
  url: { type: 'string' },
  ref: { type: 'string' },
  path: { type: 'string', default: '.' },
  inventory: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  prune: { type: 'boolean', default: false },
  'allow-empty': { type: 'boolean', default: false },
  wait: { type: 'boolean', default: false },
  once: { type: 'boolean', default: false },
  interval: { type: 'string' },
  timeout: { type: 'string' },
  'age-key-file': { type: 'string', multiple: true },
  'decryption-integrity': { type: 'string' },
  substitute: { type: 'string', multiple: true },
  'target-namespace': { type: 'string' },
  force: { type: 'boolean', default: false },
  conflicts: { type: 'string' },
  'take-over-manager': { type: 'string', multiple: true },
  'field-manager': { type: 'string' },
  username: { type: 'string' },
  'password-env': { type: 'string' },
  'token-env': { type: 'string' },
  'metrics-port': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'enable-helm': { type: 'boolean', default: false },
  ...kubeFlags,
} as const satisfies FlagSpec

export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'fetch, decrypt, render, apply, prune and wait: one Flux Kustomization, once or on an interval',
  help: `gitops reconcile: reconcile a path of a git repository into a cluster, as a Flux GitRepository plus
Kustomization would: fetch the ref, decrypt SOPS files with age keys, build the kustomization (or
plain directory) with post-build substitution, server-side apply in stages, prune what left the
inventory, wait for health. With --once it runs one reconcile and exits 0 when Ready; otherwise it
keeps reconciling every --interval, correcting drift, until interrupted.

Usage:
  gitops reconcile --url U --ref R --path P --inventory NS/NAME [--prune] [--wait]
                   [--once | --interval 5m] [--age-key-file F]... [--substitute K=V]...
                   [--conflicts=force|fail] [--take-over-manager M]...
                   [--metrics-port N] [--kubeconfig K] [--context C]

Flags:
  --url U                git repository (https:// or http://)
  --ref KIND:VALUE       branch:NAME, tag:NAME, semver:RANGE, commit:SHA or name:REF (default: HEAD)
  --path P               path of the kustomization in the repository (default .)
  --inventory NS/NAME    ConfigMap holding the inventory and the last status (required)
  -n, --namespace NS     namespace of --inventory NAME (as flux's -n names the Kustomization's)
  --prune                delete objects that left the inventory
  --allow-empty          accept a render of no objects over a non-empty inventory (with --prune it
                         deletes them all); otherwise such a reconcile fails, RECONCILE_EMPTY_RENDER
  --wait                 wait until every applied object is healthy
  --once                 reconcile once and exit (0 when Ready, 2 when not)
  --interval D           time between reconciles when not --once (default 5m)
  --timeout D            deadline of one reconcile (default 5m)
  --age-key-file F       age identities for SOPS (repeatable; SOPS_AGE_KEY* are read too)
  --decryption-integrity lenient|strict
                         an encrypted object the build changed (namespace, labels, prefix) whose
                         values match no verified encrypted file of the source: lenient (default,
                         as Flux) decrypts it without a MAC check and warns; strict fails the
                         reconcile with SOPS_MAC_MISMATCH naming it
  --substitute K=V       a post-build variable (repeatable)
  --target-namespace NS  put every namespaced object in NS
  --conflicts=force      (default) Git wins a field another manager owns, as Flux: the fields
                         kubectl holds (kubectl edit, scale, patch, client-side apply...) and
                         before-first-apply's are taken over and the apply is forced, so a
                         \`kubectl scale\` or \`kubectl edit\` is undone; objects annotated
                         kustomize.toolkit.fluxcd.io/ssa: Merge keep other managers' fields
  --conflicts=fail       kubectl's behaviour: nothing taken over; a field another manager owns
                         fails the reconcile with APPLY_FIELD_CONFLICT naming the object,
                         managers and fields
  --take-over-manager M  also take over the fields of field manager M (exact name, repeatable;
                         Flux's --override-manager)
  --force                re-create objects whose immutable fields changed (Flux's spec.force)
  --enable-helm          render kustomize helmCharts with the SDK's Helm renderer (as kubectl kustomize
                         --enable-helm; Flux's kustomize-controller refuses them)
  --field-manager M      field manager of the applied fields (default gitops)
  --username U, --password-env VAR, --token-env VAR   git credentials, read from the environment
  --metrics-port N       serve Prometheus metrics on 127.0.0.1:N/metrics
  --dry-run[=server]     fetch, decrypt, render, then apply with server-side dry-run and print the
                         change set: nothing pruned, no inventory or status written (as gitops apply)
  --dry-run=client       fetch, decrypt and render, list the objects; no cluster is contacted
  --kubeconfig K         kubeconfig file (default $KUBECONFIG, then ~/.kube/config)
  --context C            kubeconfig context
  --as USER               act as this user (Impersonate-User), as kubectl --as
  --as-group GROUP        and as this group, repeatable (Impersonate-Group); needs --as
  -o, --output F         text (default), json or yaml: one status per reconcile (continuous:
                         one JSON line each, or YAML documents after ---)

  gitops reconcile kustomization NAME [-n NS] [--with-source] [--timeout D]
                         as flux reconcile kustomization: sets reconcile.fluxcd.io/requestedAt
                         (on its GitRepository first with --with-source), waits until the
                         controller echoes it in status.lastHandledReconcileAt and prints the
                         outcome: exit 0 Ready, 1 not Ready, 2 on error or after --timeout (5m)

Example:
  gitops reconcile --url https://git.example/fleet.git --ref branch:main --path clusters/prod \\
    --inventory flux-system/prod --prune --wait --once --age-key-file age.agekey
`,
  flags,
  async run({ io, argv, signal }) {
    // `gitops reconcile kustomization NAME` (Flux's CLI) asks the controller; the one-off below runs it here.
    if (argv[0] === 'kustomization' || argv[0] === 'ks') {
      const { reconcileKustomization } = await import('./reconcileKustomization.js')
      return reconcileKustomization({ io, argv, signal })
    }
    const { values, positionals, dryRun } = parseCommandArgs(argv, flags)
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: positionals[0] } })
    const format = outputFormat(values.output)
    const url = stringFlag(values, 'url')
    if (url === undefined) throw new UsageError('--url is required', { code: 'CLI_ARGUMENT_MISSING', details: { flag: '--url' } })
    const inventory = inventoryFlag(stringFlag(values, 'inventory'), namespaceValue(values))
    if (inventory === undefined) throw new UsageError('--inventory NS/NAME is required', { code: 'CLI_ARGUMENT_MISSING', details: { flag: '--inventory' } })
    const once = booleanFlag(values, 'once')
    if (once && stringFlag(values, 'interval') !== undefined) throw new UsageError('--once and --interval exclude each other', { code: 'CLI_FLAG_INVALID', details: { flag: '--interval' } })
    // Secrets the command line points at: masked in the status before it is printed or stored.
    const secrets = secretsOf(argv, io.env)
    const interval = durationFlag(stringFlag(values, 'interval'), 5 * 60_000, '--interval')
    const timeout = durationFlag(stringFlag(values, 'timeout'), 5 * 60_000)
    const metricsPort = portFlag(stringFlag(values, 'metrics-port'))
    const variables = substituteFlags(stringListFlag(values, 'substitute'))
    const username = stringFlag(values, 'username')
    const password = secretFrom(io, '--password-env', stringFlag(values, 'password-env'))
    const token = secretFrom(io, '--token-env', stringFlag(values, 'token-env'))
    const source = {
      url,
      ref: parseRef(stringFlag(values, 'ref')),
      // No credential flag: no auth object, so that credentials in the URL are used (an empty
      // one would win over them), as gitops fetch does.
      auth: username === undefined && password === undefined && token === undefined ? undefined : { username, password, token },
    }
    const shownUrl = redactUrl(url)
    let fetchPhase = ''
    const integrity = integrityFlag(stringFlag(values, 'decryption-integrity'))
    const conflicts = conflictsFlag(stringFlag(values, 'conflicts'))
    const takeOverManagers = takeOverManagersFlag(values)
    const identities = await loadAgeIdentities(io, stringListFlag(values, 'age-key-file'), signal)
    const [{ createKubeClient }, engine] = await Promise.all([import('@gitops-sdk/apply'), import('@gitops-sdk/reconcile')])
    const { createReconcileSteps, createReconcilerMetrics, serveMetrics } = engine
    const record = engine
    const dryRunMode = dryRun === undefined || dryRun === 'none' ? undefined : dryRun
    if (dryRunMode !== undefined && (metricsPort !== undefined || stringFlag(values, 'interval') !== undefined)) {
      throw new UsageError('--dry-run runs one reconcile: it takes neither --interval nor --metrics-port', { code: 'CLI_FLAG_INVALID', details: { flag: '--dry-run' } })
    }
    const metrics = metricsPort === undefined ? undefined : createReconcilerMetrics()
    const clientDryRun = dryRunMode === 'client'
    const kubeconfig = clientDryRun ? '' : kubeconfigPath(io, values)
    if (!clientDryRun) debug(io, 'loading kubeconfig', { kubeconfig, ...(stringFlag(values, 'context') === undefined ? {} : { context: stringFlag(values, 'context') }) })
    const logged = logRequest(io)
    const client = clientDryRun
      ? offlineClient
      : await createKubeClient({
          kubeconfig,
          context: stringFlag(values, 'context'),
          impersonate: impersonationFlags(values),
          onRequest: metrics === undefined && logged === undefined ? undefined : (r) => (metrics?.countApiRequest(r), logged?.(r)),
          signal,
        })
    const progress = createProgress(io)
    const { formatRef } = await import('@gitops-sdk/core')
    const steps = createReconcileSteps({
      source,
      client,
      inventory,
      fieldManager: stringFlag(values, 'field-manager') ?? 'gitops',
      identities,
      decryption: { integrity },
      substitute: Object.keys(variables).length === 0 ? undefined : { variables },
      targetNamespace: stringFlag(values, 'target-namespace'),
      force: booleanFlag(values, 'force'),
      conflicts,
      takeOverManagers,
      waitTimeout: timeout,
      renderHelmChart: booleanFlag(values, 'enable-helm') ? (await import('../helmCharts.js')).helmChartRenderer({ env: io.env }) : undefined,
      onProgress: (event) => {
        if ('phase' in event) {
          if (event.phase !== fetchPhase) debug(io, 'fetch', { url: shownUrl, phase: event.phase })
          fetchPhase = event.phase
        } else if (event.type === 'object') debug(io, 'applied', { object: formatRef(event.entry.ref), action: event.entry.action })
        else if (event.type === 'stage') debug(io, 'applying stage', { stage: event.stage, objects: event.objects })
        if ('phase' in event) progress.update(`fetch: ${event.phase}`, event.loaded, event.total)
        else if (event.type === 'stage') progress.update(`apply: ${event.stage}`, 0, event.objects)
      },
      onWarning: (message) => progress.line(`warning: ${maskText(message, secrets)}`),
    })
    if (dryRunMode !== undefined) {
      try {
        return await dryRunReconcile(io, steps, {
          mode: dryRunMode,
          path: stringFlag(values, 'path') ?? '.',
          format,
          client: clientDryRun ? undefined : client,
          apply: { fieldManager: stringFlag(values, 'field-manager') ?? 'gitops', inventory, targetNamespace: stringFlag(values, 'target-namespace'), force: booleanFlag(values, 'force'), conflicts, takeOverManagers },
          signal,
        })
      } finally {
        progress.end()
      }
    }
    const spec = {
      name: inventory.name,
      path: stringFlag(values, 'path') ?? '.',
      prune: booleanFlag(values, 'prune'),
      // An empty render of a non-empty inventory fails (RECONCILE_EMPTY_RENDER) unless asked for.
      allowEmpty: booleanFlag(values, 'allow-empty'),
      wait: booleanFlag(values, 'wait'),
      timeout,
    }
    // The record a previous process left on the inventory: what was applied last stays known when
    // this process's first reconcile fails.
    const recorded = client
      .get({ group: '', version: 'v1', kind: inventory.kind ?? 'ConfigMap', namespace: inventory.namespace, name: inventory.name }, { signal })
      .then((object) => (object === undefined ? undefined : record.readRecord(object)))
      .catch(() => undefined)
    let last: ReconcileRecord | undefined
    const report = async (raw: ReconcileStatus): Promise<void> => {
      // A failure may quote the repository URL (with its credentials) or a token: the status is
      // masked before it is printed or recorded on the inventory.
      const status = maskData(raw, secrets)
      progress.end()
      // @gitops-sdk/reconcile is loaded only here, so that the other commands start without it.
      printResult(io, { format, data: engine.reconcileStatusData(status), text: () => engine.formatReconcileStatus(status, { color: useColor(io) }), stream: !once })
      last = record.recordOf(status, last ?? (await recorded))
      await record.writeRecord(last, { client, inventory, signal }).catch((err: unknown) => {
        io.stderr.write(`gitops reconcile: could not record the status on ${inventory.namespace}/${inventory.name}: ${(err as Error).message}\n`)
      })
    }
    const onEvent = (event: ReconcilerEvent): void => {
      metrics?.observe(event)
      if (event.type === 'phase-started' || event.type === 'phase-finished') debug(io, `reconcile ${event.type === 'phase-started' ? 'phase' : 'phase done'}`, { name: event.name, phase: event.phase })
      if (event.type === 'phase-started') progress.update(event.phase, 0)
    }
    const server = metrics === undefined ? undefined : await serveMetrics(metrics.registry, { port: metricsPort ?? 0 })
    if (server !== undefined) io.stderr.write(`metrics at ${server.url}\n`)
    try {
      if (once) {
        const { status } = await engine.reconcile(spec, steps, { signal, onEvent })
        await report(status)
        const failure = engine.reconcileFailure(status)
        if (failure !== undefined) {
          io.stderr.write(`gitops reconcile: ${maskText(failure.message, secrets)}\n`)
          return EXIT_ERROR
        }
        return EXIT_OK
      }
      const reconciler = new engine.Reconciler([{ ...spec, interval, retryInterval: Math.min(interval, 30_000), steps }])
      reconciler.start()
      try {
        for await (const event of reconciler.events({ signal })) {
          onEvent(event)
          if (event.type === 'finished') await report(event.status)
          if (event.type === 'alert') progress.line(`alert: ${maskText(event.alert.message, secrets)}`)
        }
      } finally {
        await reconciler.stop()
      }
      return EXIT_OK
    } finally {
      progress.end()
      await server?.close()
    }
  },
}

function portFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--metrics-port must be a port number, not ${value}`)
  return port
}
