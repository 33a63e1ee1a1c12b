// `kubectl kustomize` as the reference for the kubectl suites. A kubectl process mostly waits (start-up,
// file reads), so the suites start them all in a beforeAll with a few running at once and compare each
// result in its own test, instead of one process after the other inside the tests.
import { execFile } from 'node:child_process'
import { kubectl } from '../../../../testing/kubectl.js'

/** What `kubectl kustomize` printed on stdout, or its stderr when it refused the tree. */
export type KustomizeResult = { readonly out: string } | { readonly error: string }

/** Runs `kubectl kustomize dir`; never rejects. */
export function kustomize(dir: string): Promise<KustomizeResult> {
  return new Promise((resolve) => {
    execFile(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve(err === null ? { out: stdout } : { error: stderr !== '' ? stderr : err.message })
    }).stdin?.end()
  })
}

/** `kustomize` for every dir, at most `concurrency` processes at a time, results in the order of `dirs`. */
export async function kustomizeAll(dirs: readonly string[], concurrency = 4): Promise<KustomizeResult[]> {
  const results: KustomizeResult[] = new Array<KustomizeResult>(dirs.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < dirs.length) {
      const i = next++
      results[i] = await kustomize(dirs[i] as string)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, dirs.length) }, worker))
  return results
}
