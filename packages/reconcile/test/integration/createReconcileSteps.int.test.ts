// createReconcileSteps end to end over git http-backend and the embedded apiserver: the fleet of
// examples/ with its SOPS Secret, across process restarts sharing a cache dir.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createRepository, filesFromDirectory, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer, TestFile, TestRepository } from '@gitops-sdk/git-source/testing'

const fleetDir = fileURLToPath(new URL('../../../../examples/fleet', import.meta.url))
const keyFile = join(fleetDir, 'age.agekey')

let dir: string
let apiserver: ApiServer
let gitServer: GitServer
let repo: TestRepository
let kubeconfig: string
let fleet: Record<string, TestFile>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-steps-'))
  fleet = await filesFromDirectory(fleetDir)
  repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
  await repo.commit(fleet, { message: 'fleet' })
  gitServer = await startGitServer({ root: join(dir, 'repos') })
  apiserver = await startApiServer({ controllers: 'ready', readyDelayMs: 50 })
  kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, apiserver.kubeconfigYaml())
})

afterAll(async () => {
  await gitServer.stop()
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('createReconcileSteps', () => {
  it('reconciles from a cache dir after a restart, when the cache already holds the revision', async () => {
    const { createKubeClient } = await import('@gitops-sdk/apply')
    const { parseIdentities } = await import('@gitops-sdk/secrets')
    const { createReconcileSteps, reconcile: reconcileOnce } = await import('../../src/index.js')
    await repo.commit(fleet, { message: 'the fleet once more' })
    const cacheDir = join(dir, 'source-cache')
    const client = await createKubeClient({ kubeconfig })
    const identities = await parseIdentities(readFileSync(keyFile, 'utf8'))
    const spec = { name: 'fleet', path: 'clusters/prod', prune: true }
    // Two processes in a row: neither has a previous state, the second finds the revision cached.
    for (const run of [1, 2]) {
      const steps = createReconcileSteps({ source: { url: `${gitServer.url}/fleet`, cacheDir }, client, inventory: { namespace: 'prod', name: 'fleet' }, identities })
      const { status } = await reconcileOnce(spec, steps)
      expect([run, status.conditions.find((c) => c.type === 'Ready')?.status]).toEqual([run, 'True'])
    }
  })
})
