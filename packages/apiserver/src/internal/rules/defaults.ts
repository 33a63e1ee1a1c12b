// Built-in defaulting for the commonly applied kinds (SPEC.md Appendix C), run on create and update
// before storage, and after the apply merge. Mutates the object it is given.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import type { ValueIndex } from '../state/store.js'
import { mapAt } from '../state/objects.js'
import { getOwn, setOwn } from '../../ssa/ownKeys.js'

function setDefault(map: KubeMap, key: string, value: KubeValue): void {
  const current = getOwn(map, key)
  if (current === undefined || current === null) setOwn(map, key, value)
}

function defaultContainer(container: KubeValue): void {
  if (!isKubeMap(container)) return
  setDefault(container, 'terminationMessagePath', '/dev/termination-log')
  setDefault(container, 'terminationMessagePolicy', 'File')
  const image = typeof container.image === 'string' ? container.image : ''
  const tag = /:([^/:@]+)$/.exec(image.split('@')[0] ?? '')?.[1]
  if (!image.includes('@')) setDefault(container, 'imagePullPolicy', tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent')
  else setDefault(container, 'imagePullPolicy', 'IfNotPresent')
  setDefault(container, 'resources', {})
  if (Array.isArray(container.ports)) for (const p of container.ports) if (isKubeMap(p)) setDefault(p, 'protocol', 'TCP')
}

/** Defaults of a PodSpec (also inside templates). */
function defaultPodSpec(spec: KubeMap): void {
  setDefault(spec, 'restartPolicy', 'Always')
  setDefault(spec, 'terminationGracePeriodSeconds', 30)
  setDefault(spec, 'dnsPolicy', 'ClusterFirst')
  setDefault(spec, 'securityContext', {})
  setDefault(spec, 'schedulerName', 'default-scheduler')
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list]
    if (Array.isArray(containers)) containers.forEach(defaultContainer)
  }
  if (Array.isArray(spec.volumes)) {
    for (const volume of spec.volumes) {
      if (!isKubeMap(volume)) continue
      for (const source of ['configMap', 'secret']) {
        const s = volume[source]
        if (isKubeMap(s)) setDefault(s, 'defaultMode', 420)
      }
    }
  }
}

function defaultTemplate(spec: KubeMap): void {
  const template = spec.template
  if (isKubeMap(template)) defaultPodSpec(mapAt(template, 'spec'))
}

function rollingUpdate(spec: KubeMap, key: string, rolling: KubeMap): void {
  const type = 'RollingUpdate'
  const strategy = mapAt(spec, key)
  setDefault(strategy, 'type', type)
  if (strategy.type === 'RollingUpdate') {
    const r = mapAt(strategy, 'rollingUpdate')
    for (const [k, v] of Object.entries(rolling)) setDefault(r, k, v)
  }
}

/** The Service clusterIP of a stored object, for the store's value index. */
function clusterIpOf(service: KubeObject): string | undefined {
  const ip = isKubeMap(service.spec) ? service.spec.clusterIP : undefined
  return typeof ip === 'string' ? ip : undefined
}

/** The ClusterIP of the n-th address of 10.96.0.0/12. */
function clusterIpAt(n: number): string {
  return `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`
}

/**
 * Per index: every address below `low` was held when `freed` was the index's count; as long as no
 * address has been freed since, the search for a free one starts at `low`.
 */
const lowestFree = new WeakMap<ValueIndex, { low: number; freed: number }>()

/** The next free ClusterIP in 10.96.0.0/12, skipping .0 and .1 (the lowest one no stored Service holds). */
function allocateClusterIp(cluster: Cluster): string {
  const type = cluster.types.get('/services')
  if (type === undefined) return clusterIpAt(10)
  const index = cluster.store.valueIndex(type, 'clusterIP', clusterIpOf)
  const hint = lowestFree.get(index)
  const start = hint !== undefined && hint.freed === index.freed ? hint.low : 10
  for (let n = start; n < 1 << 20; n++) {
    const ip = clusterIpAt(n)
    if (!index.counts.has(ip)) {
      lowestFree.set(index, { low: n, freed: index.freed })
      return ip
    }
  }
  return clusterIpAt(10)
}

function allocateNodePort(cluster: Cluster, taken: Set<number>): number {
  const type = cluster.types.get('/services')
  for (const svc of type === undefined ? [] : cluster.store.list(type)) {
    const ports = isKubeMap(svc.spec) ? svc.spec.ports : undefined
    if (Array.isArray(ports)) for (const p of ports) if (isKubeMap(p) && typeof p.nodePort === 'number') taken.add(p.nodePort)
  }
  for (let port = 30000; port <= 32767; port++) if (!taken.has(port)) return port
  return 30000
}

function defaultService(cluster: Cluster, spec: KubeMap): void {
  setDefault(spec, 'type', 'ClusterIP')
  setDefault(spec, 'sessionAffinity', 'None')
  const external = spec.type === 'ExternalName'
  if (!external) {
    if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = allocateClusterIp(cluster)
    setDefault(spec, 'clusterIPs', [spec.clusterIP])
    setDefault(spec, 'ipFamilies', ['IPv4'])
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack')
    setDefault(spec, 'internalTrafficPolicy', 'Cluster')
  }
  const nodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer'
  const taken = new Set<number>()
  if (Array.isArray(spec.ports)) {
    for (const port of spec.ports) {
      if (!isKubeMap(port)) continue
      setDefault(port, 'protocol', 'TCP')
      if (port.port !== undefined) setDefault(port, 'targetPort', port.port)
      if (nodePorts && port.nodePort === undefined) {
        port.nodePort = allocateNodePort(cluster, taken)
        taken.add(port.nodePort)
      }
    }
  }
  if (nodePorts) setDefault(spec, 'externalTrafficPolicy', 'Cluster')
  if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true)
}

/** Applies the built-in defaults of `object`'s kind in place. */
export function applyDefaults(cluster: Cluster, object: KubeObject): void {
  const spec = isKubeMap(object.spec) ? object.spec : undefined
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'apps/v1/Deployment':
      if (spec === undefined) return
      setDefault(spec, 'replicas', 1)
      rollingUpdate(spec, 'strategy', { maxUnavailable: '25%', maxSurge: '25%' })
      setDefault(spec, 'revisionHistoryLimit', 10)
      setDefault(spec, 'progressDeadlineSeconds', 600)
      defaultTemplate(spec)
      return
    case 'apps/v1/StatefulSet':
      if (spec === undefined) return
      setDefault(spec, 'replicas', 1)
      setDefault(spec, 'podManagementPolicy', 'OrderedReady')
      rollingUpdate(spec, 'updateStrategy', { partition: 0 })
      setDefault(spec, 'revisionHistoryLimit', 10)
      setDefault(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' })
      defaultTemplate(spec)
      return
    case 'apps/v1/DaemonSet':
      if (spec === undefined) return
      rollingUpdate(spec, 'updateStrategy', { maxUnavailable: 1, maxSurge: 0 })
      setDefault(spec, 'revisionHistoryLimit', 10)
      defaultTemplate(spec)
      return
    case 'apps/v1/ReplicaSet':
    case 'v1/ReplicationController':
      if (spec === undefined) return
      setDefault(spec, 'replicas', 1)
      defaultTemplate(spec)
      return
    case 'batch/v1/Job':
      if (spec === undefined) return
      if (spec.parallelism === undefined && spec.completions === undefined) {
        spec.parallelism = 1
        spec.completions = 1
      }
      setDefault(spec, 'parallelism', 1)
      setDefault(spec, 'backoffLimit', 6)
      setDefault(spec, 'completionMode', 'NonIndexed')
      setDefault(spec, 'suspend', false)
      setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed')
      defaultTemplate(spec)
      return
    case 'batch/v1/CronJob': {
      if (spec === undefined) return
      setDefault(spec, 'concurrencyPolicy', 'Allow')
      setDefault(spec, 'suspend', false)
      setDefault(spec, 'successfulJobsHistoryLimit', 3)
      setDefault(spec, 'failedJobsHistoryLimit', 1)
      const jobTemplate = spec.jobTemplate
      if (isKubeMap(jobTemplate) && isKubeMap(jobTemplate.spec)) defaultTemplate(jobTemplate.spec)
      return
    }
    case 'v1/Pod':
      if (spec !== undefined) defaultPodSpec(spec)
      return
    case 'v1/Service':
      if (spec !== undefined) defaultService(cluster, spec)
      return
    case 'v1/Secret': {
      setDefault(object as unknown as KubeMap, 'type', 'Opaque')
      // stringData is write-only: the v1 conversion merges it into data (base64) and drops it.
      const { stringData } = object
      if (isKubeMap(stringData)) {
        const data = isKubeMap(object.data) ? object.data : {}
        for (const [key, value] of Object.entries(stringData)) {
          if (typeof value === 'string') setOwn(data, key, Buffer.from(value, 'utf8').toString('base64'))
        }
        object.data = data
        delete object.stringData
      }
      return
    }
    case 'v1/PersistentVolumeClaim':
      if (spec !== undefined) setDefault(spec, 'volumeMode', 'Filesystem')
      return
    default:
      return
  }
}
