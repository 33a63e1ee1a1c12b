import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// A server URL the user gives (a kubeconfig's or the in-cluster one) with a long run of slashes
// inside it: `/\/+$/` retried from each slash of the run, quadratically (80,000 slashes took
// seconds, 300,000 minutes). Run from the sources in a child process (testing/isolated.ts),
// bounded, so that a regression fails the test instead of holding the test runner: not a timing
// test, the bound is far from the linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('a server URL with a long run of slashes', () => {
  it('makes a client and sends a request in linear time', async () => {
    const run = await runIsolated(`
      import { createControllerClient } from '../../src/createControllerClient.js'
      const server = 'http://127.0.0.1:1/' + '/'.repeat(300_000) + 'a'
      const inCluster = { server, ca: '', namespace: 'apps', token: async () => 't0k3n', invalidateToken: () => {} }
      const client = await createControllerClient({ inCluster })
      const configMaps = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true }
      const error = await client.get(configMaps, { namespace: 'apps', name: 'web' }).catch((e) => e)
      console.log(error.code, error.message.includes(server))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toMatch(/^CONTROLLER_\w+ true$/)
  })
})
