import { describe, expect, it } from 'vitest'
import { Store } from './store.js'
import { builtinTypes, namespaceType } from './registry.js'
import type { ResourceType } from './registry.js'

const configMaps = builtinTypes.find((t) => t.plural === 'configmaps') as ResourceType

describe('Store.hasTerminating', () => {
  it('tells whether some stored object has a deletionTimestamp, through put, remove, dropType and clear', () => {
    const store = new Store(100)
    const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } }
    const terminating = { ...live, metadata: { ...live.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['x'] } }
    store.put(configMaps, live)
    expect(store.hasTerminating()).toBe(false)
    store.put(configMaps, terminating)
    expect(store.hasTerminating()).toBe(true)
    store.put(configMaps, live)
    expect(store.hasTerminating()).toBe(false)
    store.put(configMaps, terminating)
    store.remove(configMaps, terminating)
    expect(store.hasTerminating()).toBe(false)
    store.put(configMaps, terminating)
    store.put(namespaceType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } })
    store.dropType(configMaps)
    expect(store.hasTerminating()).toBe(false)
    store.put(namespaceType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b', deletionTimestamp: '2026-01-01T00:00:00Z' } })
    expect(store.hasTerminating()).toBe(true)
    store.clear()
    expect(store.hasTerminating()).toBe(false)
  })
})
