// Two real Node processes elect on the embedded apiserver; the leader is killed with SIGKILL and
// the other takes over once the lease lapses. Runs the built package (skips until it is built).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, startCluster } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

const pkg = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(join(pkg, 'dist', 'index.js'))
let cluster: TestCluster
let dir: string
const children: ChildProcess[] = []

interface Line {
  event: string
  identity: string
  at: number
  outcome?: string
}

function start(identity: string, kubeconfig: string): { child: ChildProcess; lines: Line[] } {
  const child = spawn(process.execPath, [join(pkg, 'test/fixtures/elector.mjs'), kubeconfig, 'process-lease', identity], {
    cwd: pkg,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  children.push(child)
  const lines: Line[] = []
  let buffer = ''
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8')
    let i = buffer.indexOf('\n')
    while (i >= 0) {
      lines.push(JSON.parse(buffer.slice(0, i)) as Line)
      buffer = buffer.slice(i + 1)
      i = buffer.indexOf('\n')
    }
  })
  return { child, lines }
}

describe.skipIf(!built)('leader election between two processes', () => {
  beforeAll(async () => {
    cluster = await startCluster()
    dir = mkdtempSync(join(tmpdir(), 'gitops-elector-'))
  })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    await cluster.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('hands the Lease to the survivor after kill -9 of the leader, once the lease lapsed, with no write from two holders', async () => {
    const kubeconfig = join(dir, 'kubeconfig')
    writeFileSync(kubeconfig, cluster.server.kubeconfigYaml())
    const a = start('a', kubeconfig)
    await eventually(() => a.lines.some((l) => l.event === 'started'), 20_000)
    const b = start('b', kubeconfig)
    await eventually(() => b.lines.some((l) => l.event === 'running'), 20_000)
    // Let b observe a's renewals for a while.
    await eventually(() => cluster.server.requests().filter((r) => r.userAgent === 'elector-b' && r.verb === 'get').length >= 3, 20_000)
    expect(b.lines.some((l) => l.event === 'started')).toBe(false)
    a.child.kill('SIGKILL')
    await eventually(() => b.lines.find((l) => l.event === 'started'), 20_000)
    const spec = cluster.server.get({ group: 'coordination.k8s.io', kind: 'Lease', namespace: 'default', name: 'process-lease' })?.spec as Record<string, unknown>
    expect(spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, leaseDurationSeconds: 2 })
    // The writes to the Lease: a's, then b's, never interleaved.
    const writers = cluster.server
      .requests()
      .filter((r) => r.resource === 'leases.coordination.k8s.io' && (r.verb === 'update' || r.verb === 'create'))
      .map((r) => r.manager)
    const firstB = writers.indexOf('elector-b')
    expect(firstB).toBeGreaterThan(0)
    expect(writers.slice(0, firstB).every((m) => m === 'elector-a')).toBe(true)
    expect(writers.slice(firstB).every((m) => m === 'elector-b')).toBe(true)
    // A graceful stop releases: the holder is emptied.
    b.child.kill('SIGTERM')
    await eventually(() => b.lines.some((l) => l.event === 'exit'), 20_000)
    expect(b.lines.find((l) => l.event === 'exit')?.outcome).toBe('stopped')
    const released = cluster.server.get({ group: 'coordination.k8s.io', kind: 'Lease', namespace: 'default', name: 'process-lease' })?.spec as Record<string, unknown>
    expect(released.holderIdentity).toBe('')
  })
})
