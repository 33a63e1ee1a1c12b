// Flux's sharding with real processes: three `gitops controller` processes (the cli, as users run
// it) against the embedded apiserver, over a repository served by git http-backend. The main one
// watches `!sharding.fluxcd.io/key`, the shards `sharding.fluxcd.io/key=shard1` and `=shard2`, each
// behind its own Lease. Every process authenticates with its own token, so the apiserver's record
// of requests says which process wrote what. Skips until the cli is built.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { KUSTOMIZATION_RESOURCE } from '../../src/gitops.js'
import { LEASE_RESOURCE } from '../../src/types.js'
import { eventually } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'
import { startGitOps } from '../helpers/gitops.js'
import type { GitOpsFixture } from '../helpers/gitops.js'

const bin = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url))
const built = existsSync(bin)
const SHARDS = [
  { user: 'main', selector: '!sharding.fluxcd.io/key', label: undefined },
  { user: 'shard1', selector: 'sharding.fluxcd.io/key=shard1', label: 'shard1' },
  { user: 'shard2', selector: 'sharding.fluxcd.io/key=shard2', label: 'shard2' },
] as const

let fixture: GitOpsFixture
let cluster: TestCluster
const children: { user: string; child: ChildProcess; stderr: () => string; exited: Promise<unknown> }[] = []

const labels = (shard: string | undefined): Record<string, unknown> => (shard === undefined ? {} : { labels: { 'sharding.fluxcd.io/key': shard } })
const configMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: "1"\n`

function objectsOf(user: string, shard: string | undefined, url: string): KubeObject[] {
  const source = `fleet-${user}`
  return [
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: source, namespace: 'default', ...labels(shard) }, spec: { interval: '10m', url, ref: { branch: 'main' } } },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: `app-${user}`, namespace: 'default', ...labels(shard) },
      spec: { interval: '10m', path: `./${user}`, prune: true, sourceRef: { kind: 'GitRepository', name: source } },
    },
  ]
}

/** Writes (not reads, not dry runs, not the Leases or Events) by each process, as `resource name`. */
function writesBy(user: string, from = 0): string[] {
  return cluster.server
    .requests()
    .slice(from)
    .filter((r) => r.user === user && r.query.dryRun === undefined && r.verb !== undefined && !['get', 'list', 'watch'].includes(r.verb) && r.resource !== 'leases.coordination.k8s.io' && r.resource !== 'events')
    .map((r) => `${r.resource ?? ''} ${r.name ?? ''}`)
}

async function readyRevision(name: string): Promise<string | undefined> {
  const k = await cluster.client.get(KUSTOMIZATION_RESOURCE, { namespace: 'default', name })
  const status = k?.status as { lastAppliedRevision?: string; lastHandledReconcileAt?: string; conditions?: { type: string; status: string }[] } | undefined
  return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true ? status.lastHandledReconcileAt ?? status.lastAppliedRevision : undefined
}

describe.skipIf(!built)('three gitops controller processes sharded by label', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    fixture = await startGitOps({
      prefix: 'gitops-shards-',
      files: Object.fromEntries(SHARDS.map((s) => [`${s.user}/cm.yaml`, configMap(`cm-${s.user}`)])),
      apiServer: { tls: false, users: SHARDS.map((s) => ({ token: `token-${s.user}`, name: s.user })) },
    })
    const { dir } = fixture
    cluster = fixture.cluster
    await fixture.apply(SHARDS.flatMap((s) => objectsOf(s.user, s.label, `${fixture.git.url}/fleet`)))
    for (const shard of SHARDS) {
      const kubeconfig = join(dir, `kubeconfig-${shard.user}`)
      writeFileSync(
        kubeconfig,
        `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${cluster.server.url}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: token-${shard.user}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: default\ncurrent-context: c\n`,
        { mode: 0o600 },
      )
      const args = [bin, 'controller', '--kubeconfig', kubeconfig, '--log-format', 'json', '--log-level', 'debug', '--leader-elect', '--watch-label-selector', shard.selector, '--health-addr', '127.0.0.1:0', '--metrics-addr', '127.0.0.1:0']
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', RUNTIME_NAMESPACE: 'default', POD_NAME: shard.user } })
      let err = ''
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
      children.push({ user: shard.user, child, stderr: () => err, exited: new Promise((done) => child.on('exit', done)) })
    }
  })

  afterAll(async () => {
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await Promise.all(children.map((c) => c.exited))
    await fixture.stop()
  })

  it('reconciles each object only in its shard, each shard behind its own Lease, and moves a relabelled Kustomization', async () => {
    const report = (): string => children.map((c) => `${c.user}: ${c.stderr().slice(-1500)}`).join('\n')
    await eventually(async () => {
      if (children.some((c) => c.child.exitCode !== null)) throw new Error('a controller process exited')
      return (await Promise.all(SHARDS.map((s) => readyRevision(`app-${s.user}`)))).every((r) => r !== undefined)
    }, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${report()}`)
    })
    for (const shard of SHARDS) {
      const own = new Set([`gitrepositories.source.toolkit.fluxcd.io fleet-${shard.user}`, `kustomizations.kustomize.toolkit.fluxcd.io app-${shard.user}`, `configmaps cm-${shard.user}`])
      const writes = writesBy(shard.user)
      expect(writes.length, shard.user).toBeGreaterThan(2)
      expect(writes.filter((w) => !own.has(w)), shard.user).toEqual([])
      expect(new Set(writes)).toEqual(own)
    }
    // One Lease per selector, each held by its process.
    const leases = (await cluster.client.list(LEASE_RESOURCE, { namespace: 'default' })).items
    const holders = leases.map((l) => String((l.spec as { holderIdentity?: unknown }).holderIdentity).split('_')[0]).sort()
    expect(holders).toEqual(['main', 'shard1', 'shard2'])
    expect(new Set(leases.map((l) => l.metadata.name)).size).toBe(3)

    // app-shard2 moves to shard1: shard2's informer drops it, shard1's picks it up.
    const from = cluster.server.requests().length
    const moved = (await cluster.client.get(KUSTOMIZATION_RESOURCE, { namespace: 'default', name: 'app-shard2' }))!
    await cluster.client.update(KUSTOMIZATION_RESOURCE, {
      ...moved,
      metadata: { ...moved.metadata, labels: { 'sharding.fluxcd.io/key': 'shard1' }, annotations: { 'reconcile.fluxcd.io/requestedAt': 'moved' } },
    })
    await eventually(async () => (await readyRevision('app-shard2')) === 'moved', 20_000)
    expect(writesBy('shard1', from)).toContain('kustomizations.kustomize.toolkit.fluxcd.io app-shard2')
    expect(writesBy('shard2', from)).toEqual([])
    expect(writesBy('main', from)).toEqual([])

    // --log-format json: every line is one JSON object with ts (RFC 3339, milliseconds) and level;
    // the lines of a reconcile name the controller, the object and the run.
    for (const { user, stderr } of children) {
      const lines = stderr()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
      expect(lines.length, user).toBeGreaterThan(0)
      // The command's first line too (it used to come from the cli's shared logger, without `ts`).
      expect(lines[0], user).toMatchObject({ level: 'debug', msg: 'gitops controller: starting', command: 'controller' })
      for (const line of lines) {
        expect(line.ts, JSON.stringify(line)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
        expect(['debug', 'info', 'warn', 'error']).toContain(line.level)
        expect(typeof line.msg).toBe('string')
      }
      const reconciling = lines.filter((l) => l.reconcileID !== undefined)
      expect(reconciling.length, user).toBeGreaterThan(0)
      for (const line of reconciling) expect(line).toMatchObject({ controller: expect.any(String), object: expect.any(String), namespace: 'default', name: expect.any(String) })
    }

    // SIGTERM: every process stops and releases its Lease.
    for (const { child } of children) child.kill('SIGTERM')
    await Promise.all(children.map((c) => c.exited))
    const released = (await cluster.client.list(LEASE_RESOURCE, { namespace: 'default' })).items
    expect(released.map((l) => (l.spec as { holderIdentity?: unknown }).holderIdentity)).toEqual(['', '', ''])
  })
})
