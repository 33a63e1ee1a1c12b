// A reconcile whose step never ends must still end at its timeout when the garbage collector runs:
// on Node 20, AbortSignal.any holds its sources weakly, and an AbortSignal.timeout nothing else
// references is collected before it fires. Runs the built package in a node with --expose-gc that
// collects every few milliseconds.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const packageDir = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(`${packageDir}/dist/index.js`)

const script = `
import { reconcile } from '@gitops-sdk/reconcile'
import { createChangeSet, memoryFs } from '@gitops-sdk/core'
const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'app' } }
const steps = {
  fetch: async () => ({ revision: 'main@sha1:' + '1'.repeat(40), fs: memoryFs({ 'app/a.yaml': '' }) }),
  render: async () => [object],
  apply: (_objects, { signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
  prune: async () => createChangeSet([]),
  checkDrift: async () => [],
}
const collect = setInterval(() => globalThis.gc(), 2)
const guard = setTimeout(() => { process.stdout.write('hung'); process.exit(3) }, 10000)
const { status } = await reconcile({ name: 'prod', path: 'app', prune: true, timeout: 200 }, steps)
clearInterval(collect)
clearTimeout(guard)
process.stdout.write(status.failure?.message ?? 'no failure')
`

describe.skipIf(!built)('reconcile timeout under garbage collection', () => {
  it('ends a reconcile with a frozen step at its timeout, whatever the collector does', () => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    })
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('apply did not finish within the reconcile timeout of 200 ms')
  })
})
