// Consistent-hash sharding with real processes: two `gitops controller --hash-shard` processes
// (the cli, as users run it) against the embedded apiserver, over a repository served by git
// http-backend, with short Lease timings from the leader-election flags. Each process
// authenticates with its own token, so the apiserver's record of requests says which process
// wrote what. Skips until the cli is built.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KUSTOMIZATION_RESOURCE } from '../../src/gitops.js'
import { HASH_SHARD_GROUP_LABEL } from '../../src/hashSharding.js'
import { LEASE_RESOURCE } from '../../src/types.js'
import { eventually } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'
import { fleetKustomization, fleetSource, startGitOps } from '../helpers/gitops.js'
import type { GitOpsFixture } from '../helpers/gitops.js'

const bin = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url))
const built = existsSync(bin)
const USERS = ['a', 'b'] as const
// Enough that both replicas own some (all on one side: about 1 in 30,000).
const NAMES = Array.from({ length: 16 }, (_, i) => `app-${i}`)
const KUSTOMIZATIONS = 'kustomizations.kustomize.toolkit.fluxcd.io'
// A member counts as live for LEASE_MS after its Lease last changed; rounds every RETRY_MS, and a
// round slower than RENEW_MS makes a process give up its keys (generous for a loaded 2-core CI).
const LEASE_MS = 4000
const RENEW_MS = 3000
const RETRY_MS = 500
/** The warning a process logs when a round failed (it gives up its keys if none succeeds within RENEW_MS). */
const ROUND_FAILED = 'hash shard round failed'

let fixture: GitOpsFixture
let cluster: TestCluster
const children = new Map<string, { child: ChildProcess; stderr: () => string; exited: Promise<unknown> }>()

/** The Kustomizations whose status each process wrote since request `from`. */
function statusWritesBy(user: string, from: number): Set<string> {
  return new Set(
    cluster.server
      .requests()
      .slice(from)
      .filter((r) => r.user === user && r.resource === KUSTOMIZATIONS && r.subresource === 'status' && r.query.dryRun === undefined && (r.verb === 'update' || r.verb === 'patch'))
      .map((r) => r.name ?? ''),
  )
}

/** How many failed rounds the processes logged so far. */
function failedRounds(): number {
  return [...children.values()].reduce((sum, c) => sum + c.stderr().split(ROUND_FAILED).length - 1, 0)
}

/** Sets `requestedAt` on every Kustomization and waits until each handled it; returns the request index before. */
async function requestAll(at: string, ms: number): Promise<number> {
  const from = cluster.server.requests().length
  for (const name of NAMES) {
    await cluster.client.patch(KUSTOMIZATION_RESOURCE, { namespace: 'default', name }, { patch: { type: 'merge', body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': at } } } } })
  }
  await eventually(async () => {
    if (children.get('b')?.child.exitCode !== null) throw new Error('the controller process b exited')
    const items = (await cluster.client.list(KUSTOMIZATION_RESOURCE, { namespace: 'default' })).items
    return items.filter((k) => (k.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === at).length === NAMES.length
  }, ms, 100).catch((error: unknown) => {
    throw new Error(`${String(error)} (${at})\n${[...children].map(([user, c]) => `${user}: ${c.stderr().slice(-1500)}`).join('\n')}`)
  })
  return from
}

describe.skipIf(!built)('two gitops controller processes in one hash shard group', { timeout: 150_000 }, () => {
  beforeAll(async () => {
    fixture = await startGitOps({
      prefix: 'gitops-hash-shards-',
      files: { 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: default\ndata:\n  a: "1"\n' },
      apiServer: { tls: false, users: USERS.map((user) => ({ token: `token-${user}`, name: user })) },
    })
    const { dir } = fixture
    cluster = fixture.cluster
    await fixture.apply([fleetSource('default', `${fixture.git.url}/fleet`), ...NAMES.map((name) => fleetKustomization(name, 'default', { path: './app', namePrefix: `${name}-` }))])
    for (const user of USERS) {
      const kubeconfig = join(dir, `kubeconfig-${user}`)
      writeFileSync(
        kubeconfig,
        `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${cluster.server.url}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: default\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: token-${user}\n`,
        { mode: 0o600 },
      )
      const timings = ['--leader-election-lease-duration', `${LEASE_MS / 1000}s`, '--leader-election-renew-deadline', `${RENEW_MS / 1000}s`, '--leader-election-retry-period', `${RETRY_MS}ms`]
      const args = [bin, 'controller', '--kubeconfig', kubeconfig, '--hash-shard', 'apps', ...timings, '--log-format', 'json', '--health-addr', '127.0.0.1:0', '--metrics-addr', '127.0.0.1:0']
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: dir, RUNTIME_NAMESPACE: 'default', POD_NAME: user } })
      let err = ''
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
      children.set(user, { child, stderr: () => err, exited: new Promise((done) => child.on('exit', done)) })
    }
    // Under load a process takes seconds to start, and a member owns nothing until a Lease duration
    // after it joined: wait until both Leases exist and are older than that, plus a round.
    await eventually(async () => {
      for (const [user, c] of children) if (c.child.exitCode !== null) throw new Error(`the controller process ${user} exited:\n${c.stderr().slice(-1500)}`)
      const leases = (await cluster.client.list(LEASE_RESOURCE, { namespace: 'default', labelSelector: `${HASH_SHARD_GROUP_LABEL}=apps` })).items
      const joined = leases.map((lease) => Date.parse(String((lease.spec as { acquireTime?: unknown } | undefined)?.acquireTime)))
      return joined.length === USERS.length && joined.every((at) => Date.now() > at + LEASE_MS + 2 * RETRY_MS)
    }, 60_000, 100)
  }, 90_000)

  afterAll(async () => {
    for (const { child } of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await Promise.all([...children.values()].map((c) => c.exited))
    await fixture.stop()
  })

  it('splits the Kustomizations between the processes, and the survivor takes the objects of one killed once its Lease lapsed', async () => {
    // A round counts once both processes worked in it and neither logged a failed shard round
    // meanwhile: a process that stalls past the renew deadline on a loaded machine rightly gives
    // up its keys to the other, which would then write some of the same objects. Ask again, within
    // a bounded time, until a round is undisturbed.
    let split: { a: Set<string>; b: Set<string> } | undefined
    const rounds: string[] = []
    for (let round = 0, end = Date.now() + 60_000; split === undefined && Date.now() < end; round++) {
      const failedBefore = failedRounds()
      const from = await requestAll(`split-${round}`, 30_000)
      const a = statusWritesBy('a', from)
      const b = statusWritesBy('b', from)
      rounds.push(`a ${a.size}, b ${b.size}, failed rounds ${failedRounds() - failedBefore}`)
      if (a.size > 0 && b.size > 0 && failedRounds() === failedBefore) split = { a, b }
    }
    expect(split, rounds.join('; ')).toBeDefined()
    const { a, b } = split ?? { a: new Set<string>(), b: new Set<string>() }
    // Each Kustomization by exactly one process, all of them by one or the other.
    expect([...a].filter((name) => b.has(name))).toEqual([])
    expect([...a, ...b].sort()).toEqual([...NAMES].sort())

    // kill -9: no graceful hand-over; b takes a's objects once a's Lease lapsed.
    const killed = children.get('a')
    killed?.child.kill('SIGKILL')
    await killed?.exited
    const from = await requestAll('after-kill', 30_000)
    const taken = statusWritesBy('b', from)
    for (const name of a) expect(taken.has(name), name).toBe(true)
    expect(statusWritesBy('a', from).size).toBe(0)
  })
})
