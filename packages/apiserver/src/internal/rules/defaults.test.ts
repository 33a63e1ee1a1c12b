import { systemClock } from '@gitops-sdk/core'
import type { KubeObject, KubeValue } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { Cluster } from '../state/cluster.js'
import { applyDefaults } from './defaults.js'
import { pruneBuiltinFields } from './unknownFields.js'

const cluster = new Cluster({
  clock: systemClock, seed: 1, gitVersion: 'v1.32.0', establishDelayMs: 0, watchHistory: 10, bookmarkIntervalMs: 0, controllers: 'none', readyDelayMs: 0, daemonSetNodes: 1,
})

const podSpec = (): Record<string, KubeValue> => ({
  initContainers: [{ name: 'init', image: 'busybox' }],
  containers: [{ name: 'main', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }],
  volumes: [{ name: 'c', configMap: { name: 'c' } }, { name: 's', secret: { secretName: 's' } }],
})
const template = (): Record<string, KubeValue> => ({ metadata: { labels: { app: 'w' } }, spec: podSpec() })
const object = (apiVersion: string, kind: string, rest: Record<string, KubeValue>): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'w', namespace: 'default' },
  ...rest,
})

const kinds: readonly { name: string; object: () => KubeObject }[] = [
  { name: 'Deployment', object: () => object('apps/v1', 'Deployment', { spec: { template: template() } }) },
  { name: 'StatefulSet', object: () => object('apps/v1', 'StatefulSet', { spec: { serviceName: 'w', template: template() } }) },
  { name: 'DaemonSet', object: () => object('apps/v1', 'DaemonSet', { spec: { template: template() } }) },
  { name: 'ReplicaSet', object: () => object('apps/v1', 'ReplicaSet', { spec: { template: template() } }) },
  { name: 'ReplicationController', object: () => object('v1', 'ReplicationController', { spec: { template: template() } }) },
  { name: 'Job', object: () => object('batch/v1', 'Job', { spec: { template: template() } }) },
  { name: 'CronJob', object: () => object('batch/v1', 'CronJob', { spec: { schedule: '* * * * *', jobTemplate: { spec: { template: template() } } } }) },
  { name: 'Pod', object: () => object('v1', 'Pod', { spec: podSpec() }) },
  { name: 'LoadBalancer Service', object: () => object('v1', 'Service', { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } }) },
  { name: 'ExternalName Service', object: () => object('v1', 'Service', { spec: { type: 'ExternalName', externalName: 'example.com' } }) },
  { name: 'Secret', object: () => object('v1', 'Secret', { stringData: { a: 'b' } }) },
  { name: 'PersistentVolumeClaim', object: () => object('v1', 'PersistentVolumeClaim', { spec: { accessModes: ['ReadWriteOnce'] } }) },
]

describe('applyDefaults', () => {
  it.for(kinds)('sets only fields the built-in schema declares on a $name', ({ object: make }) => {
    const defaulted = make()
    applyDefaults(cluster, defaulted)
    expect(defaulted).not.toEqual(make())
    expect(pruneBuiltinFields(defaulted)).toEqual([])
  })
})

describe('Service clusterIP allocation', () => {
  /** A cluster of its own, its Services type, and a Service defaulted (its clusterIP allocated) in it. */
  function serviceFixture() {
    const local = new Cluster({ ...cluster.settings })
    const services = local.types.get('/services')
    if (services === undefined) throw new Error('no services type')
    const service = (name: string, clusterIP?: string): KubeObject => {
      const made = object('v1', 'Service', { spec: { ports: [{ port: 80 }], ...(clusterIP === undefined ? {} : { clusterIP }) } })
      made.metadata.name = name
      applyDefaults(local, made)
      return made
    }
    return { local, services, service }
  }
  const ipOf = (o: KubeObject) => (o.spec as { clusterIP: string }).clusterIP

  it('takes the lowest address no stored Service holds, also after one is freed or taken by hand', () => {
    const { local, services, service } = serviceFixture()
    const a = local.store.put(services, service('a'))
    expect(ipOf(a)).toBe('10.96.0.10')
    // Not stored (a dry run): the next one gets the same address.
    expect(ipOf(service('dry'))).toBe('10.96.0.11')
    local.store.put(services, service('b', '10.96.0.11'))
    local.store.put(services, service('c', '10.96.0.12'))
    expect(ipOf(service('d'))).toBe('10.96.0.13')
    local.store.remove(services, a)
    expect(ipOf(service('e'))).toBe('10.96.0.10')
    local.store.put(services, service('f', '10.96.0.10'))
    local.store.put(services, service('g', '10.96.0.13'))
    expect(ipOf(service('h'))).toBe('10.96.0.14')
    local.store.clear()
    expect(ipOf(service('i'))).toBe('10.96.0.10')
    for (let n = 0; n < 300; n++) local.store.put(services, service(`s${n}`))
    expect(ipOf(service('j'))).toBe('10.96.1.54')
  })

  it('never hands out an address a stored Service holds, even after a stored spec is changed in place', () => {
    const { local, services, service } = serviceFixture()
    const a = local.store.put(services, service('a'))
    local.store.put(services, service('b'))
    expect([ipOf(a), ipOf(service('dry'))]).toEqual(['10.96.0.10', '10.96.0.12'])
    // The stored object's spec is shared with whoever put it: change its address behind the store.
    ;(a.spec as { clusterIP: string }).clusterIP = '10.96.0.11'
    local.store.remove(services, a)
    // b still holds .11: removing a must take back .10, the address counted for a, not .11.
    expect(ipOf(service('c'))).toBe('10.96.0.10')
    local.store.put(services, service('c'))
    expect(ipOf(service('d'))).toBe('10.96.0.12')
  })
})
