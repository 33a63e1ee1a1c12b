// The embedded apiserver's fault modes against apply: a frozen server, 429 with Retry-After, 500s,
// 409 storms and dropped connections. Each fault ends in a typed error naming its object, within
// the client's bounds, and leaves objects and the stored inventory as they were.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createInventory } from '@gitops-sdk/core'
import { applyAll, createKubeClient, loadInventory, prune, saveInventory } from '../../src/index.js'
import type { InventoryRef, KubeClient, KubeClientOptions } from '../../src/index.js'
import { configMap } from '../helpers/cluster.js'

let server: ApiServer
let client: KubeClient
const fieldManager = 'gitops-faults'

beforeAll(async () => {
  server = await startApiServer()
  client = await createKubeClient({ kubeconfigYaml: server.kubeconfigYaml() })
})
afterAll(async () => {
  server.faults.clear()
  await server.stop()
})
afterEach(() => server.faults.clear())

function clientWith(options: Partial<KubeClientOptions>): Promise<KubeClient> {
  return createKubeClient({ kubeconfigYaml: server.kubeconfigYaml(), ...options })
}

/** A namespace with ConfigMaps a and b applied and stored in inventory `app`. */
async function setUp(prefix: string): Promise<{ ns: string; inventory: InventoryRef; stored: string }> {
  const ns = `${prefix}-${Math.random().toString(36).slice(2, 8)}`
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'test-setup' })
  const inventory: InventoryRef = { name: 'app', namespace: ns }
  const result = await applyAll([configMap(ns, 'a'), configMap(ns, 'b')], { client, fieldManager, inventory })
  await saveInventory(result.inventory, { client, ref: inventory, fieldManager })
  return { ns, inventory, stored: JSON.stringify(await loadInventory(inventory, { client })) }
}

async function names(ns: string): Promise<string[]> {
  return (await client.list({ group: '', kind: 'ConfigMap', namespace: ns })).items.map((o) => o.metadata.name).sort()
}

describe('apply against a faulty apiserver', () => {
  it('ends applyAll against a frozen server with APPLY_REQUEST_TIMEOUT naming the object; nothing written', async () => {
    const { ns, inventory, stored } = await setUp('freeze')
    // A deadline generous enough for a busy machine: only the frozen request may reach it.
    const bounded = await clientWith({ requestTimeout: 3_000 })
    await bounded.resources()
    server.faults.set({ mode: 'freeze', namespaces: [ns] })
    const err = await applyAll([configMap(ns, 'a'), configMap(ns, 'c')], { client: bounded, fieldManager, inventory }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_REQUEST_TIMEOUT', message: expect.stringMatching(new RegExp(`^ConfigMap(/${ns}/[ac]| in namespace ${ns}): (get|list) failed: https://127\\.0\\.0\\.1:\\d+ did not answer within 3000 ms$`)) })
    server.faults.clear()
    expect(await names(ns)).toEqual(['a', 'app', 'b'])
    expect(JSON.stringify(await loadInventory(inventory, { client }))).toBe(stored)
  })

  it('lets an abort end applyAll against a frozen server with the abort reason; nothing written', async () => {
    const { ns, inventory } = await setUp('abort')
    server.faults.set({ mode: 'freeze', verbs: ['patch'], namespaces: [ns] })
    const controller = new AbortController()
    const reason = new Error('reconcile cancelled')
    const pending = applyAll([configMap(ns, 'c')], { client, fieldManager, inventory, signal: controller.signal })
    while (server.faults.held === 0) await new Promise((r) => setTimeout(r, 20))
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    server.faults.clear()
    expect(await names(ns)).toEqual(['a', 'app', 'b'])
  })

  it('retries 429 after Retry-After and then applies', async () => {
    const { ns, inventory } = await setUp('throttle')
    server.faults.set({ mode: 'throttle', verbs: ['patch'], namespaces: [ns], retryAfterSeconds: 0, times: 2 })
    const result = await applyAll([configMap(ns, 'a'), configMap(ns, 'b'), configMap(ns, 'c')], { client, fieldManager, inventory })
    expect(result.entries.map((e) => `${e.ref.name} ${e.action}`)).toEqual(['a unchanged', 'b unchanged', 'c created'])
  })

  it('gives up on endless 429s after its retries with a typed error; nothing written', async () => {
    const { ns, inventory } = await setUp('throttle-forever')
    const impatient = await clientWith({ retries: 1 })
    server.faults.set({ mode: 'throttle', verbs: ['patch'], namespaces: [ns], retryAfterSeconds: 0 })
    await expect(applyAll([configMap(ns, 'c')], { client: impatient, fieldManager, inventory })).rejects.toMatchObject({
      code: 'APPLY_API_ERROR',
      message: expect.stringMatching(new RegExp(`^ConfigMap/${ns}/c: dry-run apply failed \\(TooManyRequests\\)`)),
    })
    server.faults.clear()
    expect(await names(ns)).toEqual(['a', 'app', 'b'])
  })

  it('fails prune on 500s with APPLY_API_ERROR naming each object; both objects stay', async () => {
    const { ns, inventory, stored } = await setUp('error')
    const previous = (await loadInventory(inventory, { client }))?.inventory ?? createInventory([])
    const next = (await applyAll([configMap(ns, 'a')], { client, fieldManager, inventory })).inventory
    server.faults.set({ mode: 'error', status: 500, verbs: ['delete'], namespaces: [ns] })
    await expect(prune(previous, next, { client, inventory })).rejects.toMatchObject({
      code: 'APPLY_API_ERROR',
      message: `ConfigMap/${ns}/b: delete failed (InternalError): Internal error occurred: injected fault`,
    })
    server.faults.clear()
    expect(await names(ns)).toEqual(['a', 'app', 'b'])
    expect(JSON.stringify(await loadInventory(inventory, { client }))).toBe(stored)
  })

  it('fails the inventory write on a 409 storm with a typed error naming it; the stored inventory stays', async () => {
    const { ns, inventory, stored } = await setUp('conflict')
    server.faults.set({ mode: 'conflict', resources: ['configmaps'], names: ['app'], namespaces: [ns] })
    await expect(saveInventory(createInventory([]), { client, ref: inventory })).rejects.toMatchObject({
      code: 'APPLY_API_ERROR',
      message: expect.stringMatching(new RegExp(`^ConfigMap/${ns}/app: apply failed \\(Conflict\\)`)),
    })
    server.faults.clear()
    expect(JSON.stringify(await loadInventory(inventory, { client }))).toBe(stored)
  })

  it('fails applyAll on a 409 storm before writing anything', async () => {
    const { ns, inventory } = await setUp('conflict-apply')
    server.faults.set({ mode: 'conflict', resources: ['configmaps'], namespaces: [ns] })
    await expect(applyAll([configMap(ns, 'a', { key: 'changed' }), configMap(ns, 'c')], { client, fieldManager, inventory })).rejects.toMatchObject({ code: 'APPLY_API_ERROR' })
    server.faults.clear()
    expect(await names(ns)).toEqual(['a', 'app', 'b'])
    expect((await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' }))?.data).toEqual({ key: 'value' })
  })

  it('reports dropped connections as APPLY_UNREACHABLE naming the object', async () => {
    const { ns, inventory } = await setUp('drop')
    server.faults.set({ mode: 'drop', namespaces: [ns] })
    await expect(applyAll([configMap(ns, 'c')], { client, fieldManager, inventory })).rejects.toMatchObject({
      code: 'APPLY_UNREACHABLE',
      message: expect.stringMatching(new RegExp(`^ConfigMap/${ns}/c: \\w+ failed: https://127\\.0\\.0\\.1:\\d+ did not answer`)),
    })
    server.faults.clear()
    expect(await names(ns)).toEqual(['a', 'app', 'b'])
  })
})
