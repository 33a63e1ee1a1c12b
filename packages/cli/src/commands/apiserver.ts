// node:fs/promises is reached through fs.promises, when first used: loading it costs every start of
// the gitops command (its bundle runs this module's imports at start) a few milliseconds.
import { promises as fsp } from 'node:fs'
import { resolve } from 'node:path'
import { booleanFlag, outputFormat, parseCommandArgs, printResult, progress, stringFlag, UsageError } from '../context.js'
import type { Command } from '../context.js'
import { loadApiServer } from '../loadApiServer.js'

function portFlag(value: string | undefined): number {
  if (value === undefined) return 0
  const port = Number(value)
  if (!/^[0-9]+$/.test(value) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not ${value}`)
  return port
}

/** Resolves when `signal` aborts or the process gets SIGINT or SIGTERM. */
function untilStopped(signal: AbortSignal): Promise<string> {
  return new Promise((done) => {
    const finish = (why: string): void => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      signal.removeEventListener('abort', onAbort)
      done(why)
    }
    const onInt = (): void => finish('SIGINT')
    const onTerm = (): void => finish('SIGTERM')
    const onAbort = (): void => finish('aborted')
    process.once('SIGINT', onInt)
    process.once('SIGTERM', onTerm)
    if (signal.aborted) finish('aborted')
    else signal.addEventListener('abort', onAbort, { once: true })
  })
}

const flags = {
  port: { type: 'string' },
  'kubeconfig-out': { type: 'string' },
  'simulate-controllers': { type: 'boolean', default: false },
} as const

export const apiserverCommand: Command = {
  name: 'apiserver',
  summary: 'run an in-memory Kubernetes API server for tests and demos',
  help: `gitops apiserver: run the embedded Kubernetes API server of @gitops-sdk/apiserver on 127.0.0.1 until
interrupted. It serves HTTPS with a CA made at start and a bearer token; kubectl and
@kubernetes/client-node talk to it through the kubeconfig it writes. Everything lives in memory.

Usage:
  gitops apiserver [--port N] [--kubeconfig-out FILE] [--simulate-controllers]

Flags:
  --port N                 port to listen on (default 0: pick a free one)
  --kubeconfig-out FILE    write a kubeconfig (CA data and token) to FILE
  --simulate-controllers   give Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs a ready status

Prints the server's URL on stdout (with --output json: url and kubeconfig path), then runs until
SIGINT or SIGTERM. kubectl's default validation works: the server validates fields itself.

Example:
  gitops apiserver --kubeconfig-out /tmp/kubeconfig &
  kubectl --kubeconfig /tmp/kubeconfig apply --server-side -f app.yaml
`,
  flags,
  async run({ io, argv, signal }) {
    const { values } = parseCommandArgs(argv, flags)
    const format = outputFormat(values.output)
    const port = portFlag(stringFlag(values, 'port'))
    const out = stringFlag(values, 'kubeconfig-out')
    const { startApiServer } = await loadApiServer()
    const server = await startApiServer({ port, controllers: booleanFlag(values, 'simulate-controllers') ? 'ready' : 'none', signal })
    try {
      const kubeconfig = out === undefined ? undefined : resolve(io.cwd ?? process.cwd(), out)
      if (kubeconfig !== undefined) await fsp.writeFile(kubeconfig, server.kubeconfigYaml(), { mode: 0o600, signal })
      printResult(io, { format, data: { url: server.url, kubeconfig: kubeconfig ?? null }, text: () => server.url })
      progress(io, `gitops apiserver: serving ${server.url}${kubeconfig === undefined ? '' : `, kubeconfig in ${kubeconfig}`}; stop with Ctrl-C`)
      const why = await untilStopped(signal)
      progress(io, `gitops apiserver: stopping (${why})`)
    } finally {
      await server.stop()
    }
    return 0
  },
}
