// Starts bench/apply-server.mjs (the embedded API server) in a process of its own, for the benches
// that apply to it: a fresh temporary directory holds its kubeconfig (and whatever the bench writes
// there), and the returned handle reads the server's CPU time and stops it.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Starts the server and resolves once it has written its kubeconfig.
 * @param {string} prefix name of the temporary directory, e.g. `gitops-bench-apply-`
 * @param {{ nodeFlags?: string[], apiserver?: string }} [options] `nodeFlags` for the server's node
 *   (e.g. `--cpu-prof`; GITOPS_BENCH_SERVER_NODE_FLAGS, space-separated, is the default), `apiserver`
 *   another build's dist/index.js to serve with (GITOPS_BENCH_APISERVER is the default)
 * @returns {Promise<{ dir: string, kubeconfig: string, cpuMs: () => number | undefined, stop: () => void }>}
 *   `cpuMs` is the server's user + system time in ms (Linux /proc, 100 ticks a second; undefined
 *   elsewhere); `stop` closes its stdin, which ends it, and removes the directory.
 */
export async function startApplyServer(prefix, options = {}) {
  const nodeFlags = options.nodeFlags ?? (process.env.GITOPS_BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '')
  const env = options.apiserver === undefined ? process.env : { ...process.env, GITOPS_BENCH_APISERVER: options.apiserver }
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const kubeconfig = join(dir, 'kubeconfig')
  // A server that cannot be spawned ('error') or ends before it is ready ('exit'): the directory
  // is removed and the promise rejects.
  let server
  try {
    server = spawn(process.execPath, [...nodeFlags, new URL('apply-server.mjs', import.meta.url).pathname, kubeconfig], { stdio: ['pipe', 'pipe', 'inherit'], env })
    await new Promise((resolve, reject) => {
      server.stdout.once('data', resolve)
      server.once('error', (err) => reject(new Error(`apiserver could not start: ${err.message}`)))
      server.once('exit', (code, signal) => reject(new Error(`apiserver exited with ${code ?? signal}`)))
    })
  } catch (err) {
    if (server !== undefined && server.exitCode === null && server.pid !== undefined) server.kill()
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  const cpuMs = () => {
    try {
      const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
      return (Number(fields[11]) + Number(fields[12])) * 10
    } catch {
      return undefined
    }
  }
  const stop = () => {
    server.stdin.end()
    rmSync(dir, { recursive: true, force: true })
  }
  return { dir, kubeconfig, cpuMs, stop, pid: server.pid }
}
