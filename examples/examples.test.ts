// Both examples, run against the embedded apiserver (and, for the controller, a repository served
// by git http-backend), exactly as a user would run them against a cluster.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyAll, createKubeClient } from '@gitops-sdk/apply'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { formatChangeSet, getCondition } from '@gitops-sdk/core'
import { createRepository, filesFromDirectory, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer } from '@gitops-sdk/git-source/testing'
import { parseIdentities } from '@gitops-sdk/secrets'
import { startFleetController } from './custom-controller.js'
import { reconcileDirectory } from './reconcile-directory.js'

const fleet = fileURLToPath(new URL('fleet', import.meta.url))
const ageKeyFile = join(fleet, 'age.agekey')
let dir: string
let apiserver: ApiServer
let kubeconfig: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-examples-'))
  apiserver = await startApiServer({ controllers: 'ready', readyDelayMs: 50 })
  kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, apiserver.kubeconfigYaml())
  const client = await createKubeClient({ kubeconfig })
  await applyAll([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gitops-system' } }], { client, fieldManager: 'setup' })
})

afterAll(async () => {
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('examples/reconcile-directory.ts', () => {
  it('reconciles the prod overlay from disk, then finds nothing to change', async () => {
    const first = await reconcileDirectory({ dir: join(fleet, 'clusters/prod'), inventory: { namespace: 'gitops-system', name: 'script' }, kubeconfig, ageKeyFile })
    expect(formatChangeSet(first)).toContain('Secret/prod/db-credentials created')
    expect(formatChangeSet(first)).toContain('Deployment/prod/web created')
    const again = await reconcileDirectory({ dir: join(fleet, 'clusters/prod'), inventory: { namespace: 'gitops-system', name: 'script' }, kubeconfig, ageKeyFile })
    expect(again.entries.every((e) => e.action === 'unchanged')).toBe(true)
  })
})

describe('examples/custom-controller.ts', () => {
  let gitServer: GitServer
  beforeAll(async () => {
    const repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
    await repo.commit(await filesFromDirectory(fleet), { message: 'fleet' })
    gitServer = await startGitServer({ root: join(dir, 'repos') })
  })
  afterAll(async () => gitServer.stop())

  it('reconciles staging into its cluster, then prod into another once staging is Ready', { timeout: 90_000 }, async () => {
    const identities = await parseIdentities(readFileSync(ageKeyFile, 'utf8'))
    const finished: string[] = []
    // A second cluster for staging: one process, two clusters, one repository.
    const staging = await startApiServer({ controllers: 'ready', readyDelayMs: 50 })
    const stagingKubeconfig = join(dir, 'staging-kubeconfig')
    writeFileSync(stagingKubeconfig, staging.kubeconfigYaml())
    await applyAll([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gitops-system' } }], {
      client: await createKubeClient({ kubeconfig: stagingKubeconfig }),
      fieldManager: 'setup',
    })
    const controller = await startFleetController({ url: `${gitServer.url}/fleet`, clusters: { staging: stagingKubeconfig, prod: kubeconfig }, identities })
    try {
      for await (const event of controller.events({ signal: AbortSignal.timeout(30_000) })) {
        if (event.type !== 'finished') continue
        const ready = getCondition(event.status.conditions, 'Ready')
        finished.push(`${event.name}:${ready?.status === 'True' ? 'Ready' : `${ready?.reason ?? '?'} ${ready?.message ?? ''}`}`)
        if (controller.statuses().filter((s) => getCondition(s.conditions, 'Ready')?.status === 'True').length === 2) {
          expect(staging.get({ group: 'apps', kind: 'Deployment', namespace: 'staging', name: 'web' })).toBeDefined()
          break
        }
      }
    } finally {
      await controller.stop()
      await staging.stop()
    }
    expect(finished.filter((f) => f.endsWith(':Ready')), finished.join('\n')).toEqual(['staging:Ready', 'prod:Ready'])
    expect(apiserver.get({ group: 'apps', kind: 'Deployment', namespace: 'staging', name: 'web' })).toBeUndefined()
    expect(apiserver.get({ group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web' })).toBeDefined()
  })
})
