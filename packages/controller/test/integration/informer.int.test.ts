import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createFakeClock } from '@gitops-sdk/core'
import { createInformer } from '../../src/informer.js'
import type { InformerHandler } from '../../src/informer.js'
import { NAMESPACE_INDEX } from '../../src/objectCache.js'
import { CONFIGMAPS, configMap, eventually, startCluster } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

let cluster: TestCluster
const stops: AbortController[] = []
let n = 0
const nsName = (): string => `inf-${++n}`

beforeAll(async () => {
  cluster = await startCluster({ bookmarkIntervalMs: 50 })
})
afterEach(() => {
  for (const c of stops.splice(0)) c.abort()
  cluster.server.faults.clear()
})
afterAll(async () => {
  await cluster.stop()
})

async function namespace(): Promise<string> {
  const name = nsName()
  await cluster.client.create({ group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
  return name
}

function recorder(): { events: string[]; handler: InformerHandler } {
  const events: string[] = []
  return {
    events,
    handler: {
      onAdd: (o) => events.push(`add ${o.metadata.name}`),
      onUpdate: (old, o) => events.push(`update ${o.metadata.name}${old.metadata.resourceVersion === o.metadata.resourceVersion ? ' (same)' : ''}`),
      onDelete: (o, unknown) => events.push(`delete ${o.metadata.name}${unknown ? ' (final state unknown)' : ''}`),
    },
  }
}

function run(informer: { run(signal: AbortSignal): Promise<void> }): { stop: AbortController; done: Promise<void> } {
  const stop = new AbortController()
  stops.push(stop)
  return { stop, done: informer.run(stop.signal) }
}

describe('createInformer', () => {
  it('lists in pages, then tells handlers about adds, updates and deletes as the cache follows them', async () => {
    const ns = await namespace()
    for (const name of ['a', 'b', 'c']) await cluster.client.create(CONFIGMAPS, configMap(name, ns))
    const informer = createInformer(CONFIGMAPS, { client: cluster.client, namespace: ns, pageSize: 2 })
    const { events, handler } = recorder()
    informer.addHandler(handler)
    expect(informer.hasSynced()).toBe(false)
    run(informer)
    await informer.waitForSync()
    expect(informer.cache.keys()).toEqual([`${ns}/a`, `${ns}/b`, `${ns}/c`])
    const lists = cluster.server.requests().filter((r) => r.verb === 'list' && r.path.includes(`/namespaces/${ns}/`))
    expect(lists.length).toBe(2)

    await cluster.client.create(CONFIGMAPS, configMap('d', ns))
    const b = informer.cache.get(`${ns}/b`)!
    await cluster.client.update(CONFIGMAPS, { ...b, data: { a: '2' } })
    await cluster.client.delete(CONFIGMAPS, { namespace: ns, name: 'c' })
    await eventually(() => events.includes('delete c'))
    expect(events).toEqual(['add a', 'add b', 'add c', 'add d', 'update b', 'delete c'])
    expect(informer.cache.keys()).toEqual([`${ns}/a`, `${ns}/b`, `${ns}/d`])
    expect((informer.cache.get(`${ns}/b`) as unknown as { data: Record<string, string> }).data).toEqual({ a: '2' })
  })

  it('filters by label and field selectors, on the list and on the watch', async () => {
    const ns = await namespace()
    await cluster.client.create(CONFIGMAPS, configMap('main', ns))
    await cluster.client.create(CONFIGMAPS, configMap('sharded', ns, { labels: { 'sharding.fluxcd.io/key': 'shard1' } }))
    const main = createInformer(CONFIGMAPS, { client: cluster.client, namespace: ns, labelSelector: '!sharding.fluxcd.io/key' })
    const byName = createInformer(CONFIGMAPS, { client: cluster.client, namespace: ns, fieldSelector: 'metadata.name=later' })
    run(main)
    run(byName)
    await main.waitForSync()
    await byName.waitForSync()
    expect(main.cache.keys()).toEqual([`${ns}/main`])
    expect(byName.cache.size).toBe(0)
    await cluster.client.create(CONFIGMAPS, configMap('later', ns, { labels: { 'sharding.fluxcd.io/key': 'shard2' } }))
    await eventually(() => byName.cache.size === 1)
    // Moving an object out of the selector is a delete for the informer.
    const m = main.cache.get(`${ns}/main`)!
    await cluster.client.update(CONFIGMAPS, { ...m, metadata: { ...m.metadata, labels: { 'sharding.fluxcd.io/key': 'shard1' } } })
    await eventually(() => main.cache.size === 0)
    expect(byName.cache.keys()).toEqual([`${ns}/later`])
  })

  it('follows bookmarks and resumes a cut watch from the last resourceVersion without listing again', async () => {
    const ns = await namespace()
    const informer = createInformer(CONFIGMAPS, { client: cluster.client, namespace: ns })
    run(informer)
    await informer.waitForSync()
    const listed = Number(informer.lastResourceVersion())
    // Writes elsewhere move the global resourceVersion; only a bookmark tells this informer.
    const other = await namespace()
    const written = await cluster.client.create(CONFIGMAPS, configMap('elsewhere', other))
    const target = Number(written.metadata.resourceVersion)
    await eventually(() => Number(informer.lastResourceVersion()) >= target)
    expect(target).toBeGreaterThan(listed)
    const before = cluster.server.requests().length
    cluster.server.faults.cutWatches()
    await cluster.client.create(CONFIGMAPS, configMap('after-cut', ns))
    await eventually(() => informer.cache.get(`${ns}/after-cut`))
    const since = cluster.server.requests().slice(before).filter((r) => r.path.includes(`/namespaces/${ns}/configmaps`))
    expect(since.some((r) => r.verb === 'list')).toBe(false)
    const rewatch = since.find((r) => r.verb === 'watch')
    expect(Number(rewatch?.query.resourceVersion)).toBeGreaterThanOrEqual(target)
    expect(rewatch?.query.allowWatchBookmarks).toBe('true')
  })

  it('lists again after 410 Expired and reports objects deleted meanwhile as final state unknown', async () => {
    const ns = await namespace()
    await cluster.client.create(CONFIGMAPS, configMap('stays', ns))
    await cluster.client.create(CONFIGMAPS, configMap('goes', ns))
    const informer = createInformer(CONFIGMAPS, { client: cluster.client, namespace: ns })
    const { events, handler } = recorder()
    informer.addHandler(handler)
    // Every watch is cut at once, so changes made now are seen only by a list.
    cluster.server.faults.set({ mode: 'cutWatch', namespaces: [ns] })
    run(informer)
    await informer.waitForSync()
    await cluster.client.delete(CONFIGMAPS, { namespace: ns, name: 'goes' })
    await cluster.client.create(CONFIGMAPS, configMap('new', ns))
    cluster.server.faults.compact()
    cluster.server.faults.clear()
    await eventually(() => events.includes('delete goes (final state unknown)'), 15_000)
    expect(informer.cache.keys()).toEqual([`${ns}/new`, `${ns}/stays`])
    expect(events).toContain('add new')
    expect(events).toContain('update stays (same)')
  })

  it('delivers every cached object again on each resync period of its clock', async () => {
    const ns = await namespace()
    await cluster.client.create(CONFIGMAPS, configMap('one', ns))
    const clock = createFakeClock()
    const informer = createInformer(CONFIGMAPS, { client: cluster.client, namespace: ns, resyncPeriod: 60_000, clock })
    const { events, handler } = recorder()
    informer.addHandler(handler)
    run(informer)
    await informer.waitForSync()
    await clock.advance(59_999)
    expect(events).toEqual(['add one'])
    await clock.advance(1)
    await clock.advance(60_000)
    expect(events).toEqual(['add one', 'update one (same)', 'update one (same)'])
  })

  it('keeps custom indexes and the namespace index, and replays the cache to a late handler', async () => {
    const ns = await namespace()
    await cluster.client.create(CONFIGMAPS, configMap('web-1', ns, { labels: { app: 'web' } }))
    await cluster.client.create(CONFIGMAPS, configMap('db-1', ns, { labels: { app: 'db' } }))
    const informer = createInformer(CONFIGMAPS, { client: cluster.client, namespace: ns, indexers: { app: (o) => [o.metadata.labels?.app ?? ''] } })
    run(informer)
    await informer.waitForSync()
    expect(informer.cache.byIndex('app', 'web').map((o) => o.metadata.name)).toEqual(['web-1'])
    expect(informer.cache.byIndex(NAMESPACE_INDEX, ns)).toHaveLength(2)
    const { events, handler } = recorder()
    informer.addHandler(handler)
    expect(events).toEqual(['add db-1', 'add web-1'])
  })

  it('retries a failing list with back-off on its clock, reporting each failure', async () => {
    const ns = await namespace()
    const clock = createFakeClock()
    const errors: unknown[] = []
    cluster.server.faults.set({ mode: 'error', status: 503, verbs: ['list'], namespaces: [ns], times: 2 })
    const informer = createInformer(CONFIGMAPS, { client: cluster.client, namespace: ns, clock, onError: (e) => errors.push(e), random: () => 0 })
    run(informer)
    await eventually(() => errors.length === 1)
    expect(errors[0]).toMatchObject({ code: 'CONTROLLER_API_ERROR', details: { status: 503 } })
    expect(informer.hasSynced()).toBe(false)
    await clock.advance(800)
    await eventually(() => errors.length === 2)
    await clock.advance(1600)
    await informer.waitForSync()
  })

  it('stops promptly when its signal aborts, even in the middle of a watch', async () => {
    const ns = await namespace()
    const informer = createInformer(CONFIGMAPS, { client: cluster.client, namespace: ns })
    const { stop, done } = run(informer)
    await informer.waitForSync()
    await eventually(() => cluster.server.requests().some((r) => r.verb === 'watch' && r.path.includes(`/namespaces/${ns}/`)))
    stop.abort()
    await expect(done).resolves.toBeUndefined()
    await expect(informer.waitForSync(AbortSignal.abort(new Error('x')))).resolves.toBeUndefined()
  })
})
