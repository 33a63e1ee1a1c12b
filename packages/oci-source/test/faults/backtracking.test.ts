import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// A registry's WWW-Authenticate challenge on which reading the key="value" pairs took seconds (the
// header is the registry's: the default fetch stops at 16 KiB, an injected one may take more). Run
// from the sources in a child process (testing/isolated.ts), bounded, so that a regression fails the
// test instead of holding the test runner: not a timing test, the bound is far from the linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('patterns that backtracked', () => {
  it('reads a long bearer challenge without pairs in linear time', async () => {
    const run = await runIsolated(`
      import { pullArtifact } from '../../src/index.js'
      for (const challenge of ['Bearer ' + 'a'.repeat(300_000), 'Bearer service="x",' + 'a="'.repeat(100_000)]) {
        const fetch = async () => new Response('', { status: 401, headers: { 'www-authenticate': challenge } })
        try { await pullArtifact('oci://registry.test/acme/fleet:v1', { fetch }); console.log('pulled') } catch (e) { console.log(e.code, e.message) }
      }`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(
      Array(2).fill('OCI_PROTOCOL_ERROR oci://registry.test/acme/fleet: the registry asks for a bearer token without naming its realm'),
    )
  })
})
