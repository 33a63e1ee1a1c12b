// The first example of README.md, run as written by plain node against the built package: the
// embedded apiserver as the cluster, a repository served by git http-backend as the fleet.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { applyAll, createKubeClient } from '@gitops-sdk/apply'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer } from '@gitops-sdk/git-source/testing'

const pkg = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(join(pkg, 'dist', 'index.js'))
let dir: string
let apiserver: ApiServer
let gitServer: GitServer
let kubeconfig: string

describe.skipIf(!built)('README.md first example', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gitops-readme-'))
    const repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
    await repo.commit(
      {
        'clusters/prod/kustomization.yaml': 'resources: [web.yaml]\n',
        'clusters/prod/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: default}\ndata: {replicas: "2"}\n',
      },
      { message: 'prod' },
    )
    gitServer = await startGitServer({ root: join(dir, 'repos') })
    apiserver = await startApiServer({ controllers: 'ready' })
    kubeconfig = join(dir, 'kubeconfig')
    writeFileSync(kubeconfig, apiserver.kubeconfigYaml())
    const client = await createKubeClient({ kubeconfig })
    await applyAll([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gitops-system' } }], { client, fieldManager: 'setup' })
  })

  afterAll(async () => {
    await gitServer.stop()
    await apiserver.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reconciles prod, prints the status and exits 0', async () => {
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8')
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(code).toBeDefined()
    // Inside the package, so that its own name and its dependencies resolve as for a user.
    const scratch = mkdtempSync(join(pkg, '.readme-'))
    try {
      writeFileSync(join(scratch, 'example.mjs'), code ?? '')
      // Not spawnSync: the git server and the apiserver answer from this very process.
      const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
        const child = execFile(
          process.execPath,
          [join(scratch, 'example.mjs')],
          { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', KUBECONFIG: kubeconfig, FLEET_URL: `${gitServer.url}/fleet` }, timeout: 60_000 },
          (_err, stdout, stderr) => done({ status: child.exitCode, stdout, stderr }),
        )
      })
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      expect(run.stdout).toMatch(/^prod main@sha1:[0-9a-f]{40}: Ready: ReconciliationSucceeded: /)
      expect(run.stdout).toContain('ConfigMap/default/web created')
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
    expect(apiserver.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' })).toBeDefined()
  })
})
