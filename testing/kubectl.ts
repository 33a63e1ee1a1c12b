// kubectl for the tests that use it as a second client or as the reference: `$KUBECTL` or
// `kubectl` on PATH. Suites that need it `describe.skipIf(!hasKubectl)`.
import { execFile, execFileSync } from 'node:child_process'
import { join } from 'node:path'

/** The kubectl binary the tests run. */
export const kubectl: string = process.env.KUBECTL ?? 'kubectl'

/** Whether kubectl can be run here. */
export const hasKubectl: boolean = ((): boolean => {
  try {
    execFileSync(kubectl, ['version', '--client'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

/** What one kubectl run printed, and its exit code. */
export interface KubectlRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs kubectl against the kubeconfig `dir/kubeconfig`, with its cache and HOME in `dir` (nothing of
 * the user's own configuration), `input` on stdin. Never rejects: the exit code says how it went.
 */
export function runKubectl(dir: string, args: readonly string[], input?: string): Promise<KubectlRun> {
  return new Promise((resolve) => {
    const child = execFile(
      kubectl,
      ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
    )
    child.stdin?.on('error', () => undefined) // kubectl may exit before reading its input; its exit code says why
    child.stdin?.end(input ?? '')
  })
}
