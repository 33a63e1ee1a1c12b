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

describe('Store.valueIndex', () => {
  it('counts the values held by the stored objects of a type, through put, change, remove, dropType and clear', () => {
    const store = new Store(100)
    const cm = (name: string, value: string | undefined) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, ...(value === undefined ? {} : { data: { v: value } }) })
    store.put(configMaps, cm('a', 'x'))
    const index = store.valueIndex(configMaps, 'v', (o) => {
      const data = o.data as Record<string, unknown> | undefined
      return typeof data?.v === 'string' ? data.v : undefined
    })
    const counts = () => Object.fromEntries(index.counts)
    expect(counts()).toEqual({ x: 1 })
    store.put(configMaps, cm('b', 'x'))
    store.put(configMaps, cm('c', undefined))
    store.put(namespaceType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } })
    expect(counts()).toEqual({ x: 2 })
    const freed = index.freed
    store.put(configMaps, cm('a', 'x'))
    expect([counts(), index.freed]).toEqual([{ x: 2 }, freed])
    store.put(configMaps, cm('a', 'y'))
    expect(counts()).toEqual({ x: 1, y: 1 })
    store.put(configMaps, cm('b', 'z'))
    expect([counts(), index.freed]).toEqual([{ y: 1, z: 1 }, freed + 1])
    store.remove(configMaps, cm('a', 'y'))
    expect([counts(), index.freed]).toEqual([{ z: 1 }, freed + 2])
    expect(store.valueIndex(configMaps, 'v', () => 'other')).toBe(index)
    store.dropType(configMaps)
    expect(counts()).toEqual({})
    store.put(configMaps, cm('a', 'x'))
    expect(counts()).toEqual({ x: 1 })
    store.clear()
    expect(counts()).toEqual({})
    expect(index.freed).toBe(freed + 4)
  })

  it('takes back on replace and remove the value counted at put, even if the stored object changed since', () => {
    const store = new Store(100)
    const index = store.valueIndex(configMaps, 'v', (o) => {
      const data = o.data as Record<string, unknown> | undefined
      return typeof data?.v === 'string' ? data.v : undefined
    })
    const counts = () => Object.fromEntries(index.counts)
    const data = { v: 'x' }
    const a = store.put(configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data })
    store.put(configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' }, data: { v: 'y' } })
    // Shared with the caller: a change in place that the store never sees.
    data.v = 'y'
    store.put(configMaps, { ...a, data: { v: 'z' } })
    expect(counts()).toEqual({ y: 1, z: 1 })
    ;(store.get(configMaps, 'default', 'a')?.data as { v: string }).v = 'y'
    store.remove(configMaps, a)
    expect(counts()).toEqual({ y: 1 })
  })
})

