import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import type { ApiResource, KubeClient } from '../kubeClient.js'
import { prepareObjects } from './prepare.js'
import type { PrepareSettings } from './prepare.js'

const client = {
  namespace: 'default',
  resource: async (t: { group: string; version: string; kind: string }): Promise<ApiResource> => ({ ...t, plural: `${t.kind.toLowerCase()}s`, namespaced: t.kind !== 'Namespace', verbs: ['get', 'list', 'watch', 'patch'] }),
} as unknown as KubeClient
const inventory = { name: 'app', namespace: 'flux-system' }
const owned = { 'gitops-sdk.io/inventory-name': 'app', 'gitops-sdk.io/inventory-namespace': 'flux-system' }
const settings = (more: Partial<PrepareSettings> = {}): PrepareSettings => ({ client, allowClusterScoped: false, defaultNamespace: 'default', inventory, applySet: false, concurrency: 2, ...more })
const cm = (metadata: KubeObject['metadata']): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { a: '1' } })

describe('prepareObjects for readers (readOnly)', () => {
  it('uses an object prepared already as it is, and copies (never changes) one that needs settling', async () => {
    const ready = cm({ name: 'ready', namespace: 'apps', labels: { app: 'x', ...owned } })
    const unlabelled = cm({ name: 'bare', namespace: 'apps' })
    const defaulted = cm({ name: 'defaulted', labels: owned })
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'apps', labels: owned }, stringData: { k: 'v' } }
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: owned } }
    const strayNamespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other', namespace: 'apps', labels: owned } }
    const given = [ready, unlabelled, defaulted, secret, namespace, strayNamespace]
    const before = JSON.stringify(given)
    const { prepared, failures } = await prepareObjects(given, settings({ readOnly: true }))
    expect(failures).toEqual([])
    expect(prepared.map((p) => p.object === given.find((g) => g.metadata.name === p.ref.name))).toEqual([true, false, false, false, true, false])
    expect(prepared[1]?.object.metadata.labels).toEqual(owned)
    expect(prepared[2]?.object.metadata.namespace).toBe('default')
    expect(prepared[3]?.object).toMatchObject({ data: { k: 'dg==' } })
    expect(prepared[5]?.object.metadata).not.toHaveProperty('namespace')
    // Copied only as deep as preparing writes: what it leaves alone is the caller's, unchanged.
    expect(prepared[1]?.object.data).toBe(unlabelled.data)
    expect(prepared[1]?.object.metadata).not.toBe(unlabelled.metadata)
    expect(JSON.stringify(given)).toBe(before)
  })

  it('copies every object without readOnly, and for another inventory or target namespace', async () => {
    const ready = cm({ name: 'ready', namespace: 'apps', labels: owned })
    for (const more of [{}, { readOnly: true, inventory: { name: 'other', namespace: 'flux-system' } }, { readOnly: true, targetNamespace: 'elsewhere' }]) {
      const { prepared } = await prepareObjects([ready], settings(more))
      expect(prepared[0]?.object).not.toBe(ready)
    }
    expect(ready.metadata).toEqual({ name: 'ready', namespace: 'apps', labels: owned })
  })
})
