import { setImmediate as tick } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createChangeSet, createFakeClock, getCondition, memoryFs } from '@gitops-sdk/core'
import { Reconciler } from './index.js'
import type { ReconcileAlert, ReconcilerEvent, ReconcileSteps } from './index.js'

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await tick()
}

/** Steps whose fetch revision and failure can be changed by the test; they record every apply. */
function fakeSteps(log: string[], name: string) {
  let revision = 'main@sha1:a'
  let fail = false
  const steps: ReconcileSteps = {
    fetch: async ({ lastRevision }) => (lastRevision === revision ? { unchanged: true, revision } : { revision, fs: memoryFs() }),
    render: async () => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'x' } }],
    apply: async (objects) => {
      log.push(`${name}@${revision}`)
      if (fail) throw new Error(`${name}: apply failed`)
      return createChangeSet(objects.map((o) => ({ ref: { group: '', kind: o.kind, namespace: 'x', name: o.metadata.name }, action: 'created' })))
    },
  }
  return {
    steps,
    setRevision: (r: string) => (revision = r),
    setFail: (f: boolean) => (fail = f),
  }
}

describe('Reconciler', () => {
  it('reconciles every spec at start and again after its interval', async () => {
    const clock = createFakeClock()
    const log: string[] = []
    const a = fakeSteps(log, 'a')
    const reconciler = new Reconciler([{ name: 'a', interval: 60_000, jitter: 0, steps: a.steps }], { clock })
    reconciler.start()
    await settle()
    expect(log).toEqual(['a@main@sha1:a'])
    a.setRevision('main@sha1:b')
    await clock.advance(59_000)
    await settle()
    expect(log).toHaveLength(1)
    await clock.advance(1_000)
    await settle()
    expect(log).toEqual(['a@main@sha1:a', 'a@main@sha1:b'])
    await reconciler.stop()
  })

  it('retries a failure with exponential backoff and alerts on failure and recovery', async () => {
    const clock = createFakeClock()
    const log: string[] = []
    const alerts: ReconcileAlert['type'][] = []
    const a = fakeSteps(log, 'a')
    a.setFail(true)
    const reconciler = new Reconciler([{ name: 'a', interval: 600_000, retryInterval: 10_000, jitter: 0, steps: a.steps }], {
      clock,
      onAlert: (alert) => alerts.push(alert.type),
    })
    reconciler.start()
    await settle()
    expect(log).toHaveLength(1)
    await clock.advance(10_000) // first retry after 10s
    await settle()
    expect(log).toHaveLength(2)
    await clock.advance(10_000) // the second waits 20s
    await settle()
    expect(log).toHaveLength(2)
    a.setFail(false)
    await clock.advance(10_000)
    await settle()
    expect(log).toHaveLength(3)
    expect(getCondition(reconciler.status('a')?.conditions ?? [], 'Ready')?.status).toBe('True')
    expect(alerts).toEqual(['failure', 'recovery'])
    await reconciler.stop()
  })

  it('holds a spec until what it depends on is Ready, then runs it', async () => {
    const clock = createFakeClock()
    const log: string[] = []
    const infra = fakeSteps(log, 'infra')
    const apps = fakeSteps(log, 'apps')
    infra.setFail(true)
    const reconciler = new Reconciler(
      [
        { name: 'apps', interval: 60_000, retryInterval: 5_000, dependsOn: ['infra'], jitter: 0, steps: apps.steps },
        { name: 'infra', interval: 60_000, retryInterval: 5_000, jitter: 0, steps: infra.steps },
      ],
      { clock, concurrency: 1 },
    )
    reconciler.start()
    await settle()
    expect(getCondition(reconciler.status('apps')?.conditions ?? [], 'Ready')).toMatchObject({ reason: 'DependencyNotReady' })
    infra.setFail(false)
    await clock.advance(5_000)
    await settle()
    expect(log.filter((l) => l.startsWith('infra'))).toHaveLength(2)
    expect(log.at(-1)).toBe('apps@main@sha1:a')
    await reconciler.stop()
  })

  it('runs a spec at once on reconcileNow and reports through events', async () => {
    const clock = createFakeClock()
    const log: string[] = []
    const a = fakeSteps(log, 'a')
    const reconciler = new Reconciler([{ name: 'a', interval: 3_600_000, steps: a.steps }], { clock })
    const controller = new AbortController()
    const seen: ReconcilerEvent['type'][] = []
    const reading = (async () => {
      for await (const event of reconciler.events({ signal: controller.signal })) seen.push(event.type)
    })()
    const status = await reconciler.reconcileNow('a')
    expect(getCondition(status.conditions, 'Ready')?.status).toBe('True')
    await settle()
    controller.abort()
    await reading
    expect(seen).toContain('phase-started')
    expect(seen.at(-1)).toBe('finished')
    await expect(reconciler.reconcileNow('missing')).rejects.toThrow('no spec named missing')
  })

  it('never runs more than `concurrency` reconciles at once', async () => {
    const clock = createFakeClock()
    let active = 0
    let peak = 0
    const slow: ReconcileSteps = {
      fetch: async () => ({ revision: 'r', fs: memoryFs() }),
      render: async () => [],
      apply: async () => {
        active++
        peak = Math.max(peak, active)
        await tick()
        await tick()
        active--
        return createChangeSet()
      },
    }
    const specs = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, interval: 60_000, steps: slow }))
    const reconciler = new Reconciler(specs, { clock, concurrency: 2 })
    reconciler.start()
    await settle()
    await settle()
    expect(reconciler.statuses()).toHaveLength(5)
    expect(peak).toBe(2)
    await reconciler.stop()
  })

  it('cancels a running reconcile on stop instead of waiting for it', async () => {
    const clock = createFakeClock()
    let seen: AbortSignal | undefined
    const hanging: ReconcileSteps = {
      // A fetch that only ends when its signal aborts, like a request to a server that stalls.
      fetch: ({ signal }) =>
        new Promise((_resolve, reject) => {
          seen = signal
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
        }),
      render: async () => [],
      apply: async () => createChangeSet(),
    }
    const reconciler = new Reconciler([{ name: 'a', interval: 60_000, timeout: 3_600_000, steps: hanging }], { clock })
    reconciler.start()
    await settle()
    const waiting = reconciler.reconcileNow('a')
    expect(seen?.aborted).toBe(false)
    await reconciler.stop()
    expect(seen?.aborted).toBe(true)
    await expect(waiting).rejects.toThrow('reconciler stopped')
    expect(reconciler.status('a')).toBeUndefined()
  })
})
