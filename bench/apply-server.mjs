// The API server of the apply benchmark, in its own process so that neither the SDK nor kubectl
// shares a CPU with it: starts the embedded apiserver, writes its kubeconfig to argv[2], prints
// "ready", and stops on SIGTERM or when stdin closes. GITOPS_BENCH_APISERVER (a path to another
// build's dist/index.js, e.g. a copy of main's for an A/B run) replaces the worktree's build.
import { writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const entry = process.env.GITOPS_BENCH_APISERVER
const { startApiServer } = await import(entry === undefined || entry === '' ? '../packages/apiserver/dist/index.js' : pathToFileURL(entry).href)

const server = await startApiServer()
writeFileSync(process.argv[2], server.kubeconfigYaml())
process.stdout.write('ready\n')
const stop = async () => {
  await server.stop()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.stdin.on('end', stop)
process.stdin.resume()
