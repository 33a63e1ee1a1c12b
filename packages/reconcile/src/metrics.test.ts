import { describe, expect, it } from 'vitest'
import { createChangeSet, createFakeClock, memoryFs } from '@gitops-sdk/core'
import { createReconcilerMetrics, Reconciler, serveMetrics } from './index.js'

describe('reconciler metrics', () => {
  it('records duration, conditions and drift from reconciler events and serves them', async () => {
    const metrics = createReconcilerMetrics()
    const reconciler = new Reconciler(
      [
        {
          name: 'prod',
          interval: 60_000,
          steps: {
            fetch: async () => ({ revision: 'main@sha1:1', fs: memoryFs() }),
            render: async () => [],
            apply: async () => createChangeSet(),
          },
        },
      ],
      { clock: createFakeClock() },
    )
    const controller = new AbortController()
    const feeding = (async () => {
      for await (const event of reconciler.events({ signal: controller.signal })) metrics.observe(event)
    })()
    await reconciler.reconcileNow('prod')
    metrics.countApiRequest({ verb: 'PATCH', code: 200 })
    await new Promise((r) => setTimeout(r, 10))
    controller.abort()
    await feeding
    const served = await serveMetrics(metrics.registry, { port: 0 })
    try {
      const text = await (await fetch(served.url)).text()
      expect(text).toContain('gitops_reconcile_duration_seconds_count{name="prod"} 1')
      expect(text).toContain('gitops_reconcile_condition{name="prod",type="Ready",status="True"} 1')
      expect(text).toContain('gitops_reconcile_condition{name="prod",type="Ready",status="False"} 0')
      expect(text).toContain('gitops_drift_objects{name="prod"} 0')
      expect(text).toContain('gitops_api_requests_total{verb="PATCH",code="200"} 1')
      expect((await fetch(served.url.replace('/metrics', '/other'))).status).toBe(404)
    } finally {
      await served.close()
    }
  })
})
