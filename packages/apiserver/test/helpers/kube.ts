// Shared by the integration tests: a server per suite, a client-node config for it, and kubectl
// with its own kubeconfig and fresh cache directory.
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node'
import type { ApiServer } from '../../src/index.js'

export const kubectlBin: string = process.env.KUBECTL ?? 'kubectl'

/** Whether kubectl is installed; kubectl suites skip without it. */
export const hasKubectl: boolean = ((): boolean => {
  try {
    execFileSync(kubectlBin, ['version', '--client'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

/** A client-node KubeConfig for the server. */
export function kubeConfigFor(server: ApiServer): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromOptions(server.kubeconfig())
  return kc
}

/** A client-node object API for the server. */
export function objectApi(server: ApiServer): KubernetesObjectApi {
  return KubernetesObjectApi.makeApiClient(kubeConfigFor(server))
}

/** What one kubectl run printed. */
export interface KubectlResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** kubectl bound to one server: its own kubeconfig and cache directory, removed by `dispose`. */
export interface Kubectl {
  (args: readonly string[], input?: string): Promise<KubectlResult>
  readonly dir: string
  dispose(): void
}

/** Makes a kubectl runner for the server. */
export function kubectlFor(server: ApiServer): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-apiserver-kubectl-'))
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, server.kubeconfigYaml())
  const run = (args: readonly string[], input?: string): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        kubectlBin,
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
      )
      if (input !== undefined) child.stdin?.end(input)
      else child.stdin?.end()
    })
  return Object.assign(run, { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) })
}

/** A namespace name unique to one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`
}
