// Services as core's ValidateService of Kubernetes 1.32 checks their essentials: type, ports
// (required unless headless or ExternalName; names DNS-1123 labels, required and unique when there are
// several; numbers 1-65535; protocols; target ports; node ports only where a type allows them and in
// the node port range), (protocol, port) pairs unique, selector labels, session affinity, cluster IPs.
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { isIP } from 'node:net'
import { isKubeMap } from '@gitops-sdk/core'
import { stringMap } from '../../state/objects.js'
import type { FieldError } from '../../../status.js'
import { dns1123LabelErrors, dns1123SubdomainErrors, portNameErrors, portNumErrors } from './formats.js'
import { goServicePortKey } from './goValues.js'
import { labelErrors } from './meta.js'
import { listOf, numberOf, stringOf, supported } from './pods.js'

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']
const PROTOCOLS = ['SCTP', 'TCP', 'UDP']
const AFFINITY = ['ClientIP', 'None']
/** kube-apiserver's default `--service-node-port-range`. */
const NODE_PORTS = { min: 30000, max: 32767 }

function targetPortErrors(value: KubeValue | undefined, field: string): FieldError[] {
  if (typeof value === 'string') return portNameErrors(value).map((detail) => ({ type: 'Invalid', field, value, detail }))
  const n = numberOf(value)
  if (n === undefined) return []
  return portNumErrors(n).map((detail) => ({ type: 'Invalid', field, value: n, detail }))
}

function portErrors(spec: KubeMap, type: string): FieldError[] {
  const errors: FieldError[] = []
  const ports = listOf(spec.ports)
  const headless = spec.clusterIP === 'None'
  if (ports.length === 0 && !headless && type !== 'ExternalName') errors.push({ type: 'Required', field: 'spec.ports' })
  const names = new Set<string>()
  const pairs = new Set<string>()
  ports.forEach((port, i) => {
    const at = `spec.ports[${i}]`
    const name = stringOf(port.name)
    if (ports.length > 1 && name === '') errors.push({ type: 'Required', field: `${at}.name` })
    else if (name !== '') {
      for (const detail of dns1123LabelErrors(name)) errors.push({ type: 'Invalid', field: `${at}.name`, value: name, detail })
      if (names.has(name)) errors.push({ type: 'Duplicate', field: `${at}.name`, value: name })
      else names.add(name)
    }
    const number = numberOf(port.port) ?? 0
    for (const detail of portNumErrors(number)) errors.push({ type: 'Invalid', field: `${at}.port`, value: number, detail })
    const protocol = stringOf(port.protocol)
    if (protocol === '') errors.push({ type: 'Required', field: `${at}.protocol` })
    else if (!PROTOCOLS.includes(protocol)) errors.push({ type: 'NotSupported', field: `${at}.protocol`, value: protocol, detail: supported(PROTOCOLS) })
    errors.push(...targetPortErrors(port.targetPort, `${at}.targetPort`))
    const nodePort = numberOf(port.nodePort) ?? 0
    if (nodePort !== 0) {
      if (type === 'ClusterIP') errors.push({ type: 'Forbidden', field: `${at}.nodePort`, detail: "may not be used when `type` is 'ClusterIP'" })
      else if (type === 'ExternalName') errors.push({ type: 'Forbidden', field: `${at}.nodePort`, detail: "may not be used when `type` is 'ExternalName'" })
      else {
        const messages = portNumErrors(nodePort)
        for (const detail of messages) errors.push({ type: 'Invalid', field: `${at}.nodePort`, value: nodePort, detail })
        if (messages.length === 0 && (nodePort < NODE_PORTS.min || nodePort > NODE_PORTS.max)) {
          errors.push({ type: 'Invalid', field: `${at}.nodePort`, value: nodePort, detail: `provided port is not in the valid range. The range of valid ports is ${NODE_PORTS.min}-${NODE_PORTS.max}` })
        }
      }
    }
  })
  ports.forEach((port, i) => {
    const protocol = stringOf(port.protocol)
    const number = numberOf(port.port) ?? 0
    const key = `${protocol}/${number}`
    if (pairs.has(key)) errors.push({ type: 'Duplicate', field: `spec.ports[${i}]`, shown: goServicePortKey(protocol, number) })
    pairs.add(key)
  })
  return errors
}

function clusterIpErrors(spec: KubeMap, type: string): FieldError[] {
  const errors: FieldError[] = []
  const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs.map((v) => stringOf(v)) : typeof spec.clusterIP === 'string' && spec.clusterIP !== '' ? [spec.clusterIP] : []
  if (type === 'ExternalName') {
    if (ips.length > 0) errors.push({ type: 'Forbidden', field: 'spec.clusterIPs', detail: 'may not be set for ExternalName services' })
    return errors
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') return
    if (isIP(ip) === 0) errors.push({ type: 'Invalid', field: `spec.clusterIPs[${i}]`, value: ip, detail: 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' })
  })
  return errors
}

/** A Service's spec; `live` on update (an allocated clusterIP may not change). */
export function serviceErrors(object: KubeObject, live: KubeObject | undefined): FieldError[] {
  const spec = isKubeMap(object.spec) ? object.spec : {}
  const errors: FieldError[] = []
  const type = stringOf(spec.type)
  if (type === '') errors.push({ type: 'Required', field: 'spec.type' })
  else if (!TYPES.includes(type)) errors.push({ type: 'NotSupported', field: 'spec.type', value: type, detail: supported(TYPES) })
  if (type === 'ExternalName') {
    const name = stringOf(spec.externalName)
    if (name === '') errors.push({ type: 'Required', field: 'spec.externalName' })
    else for (const detail of dns1123SubdomainErrors(name.replace(/\.$/, ''))) errors.push({ type: 'Invalid', field: 'spec.externalName', value: name, detail })
  }
  errors.push(...portErrors(spec, type))
  if (type !== 'ExternalName') errors.push(...labelErrors(stringMap(spec.selector), 'spec.selector'))
  const affinity = stringOf(spec.sessionAffinity)
  if (affinity !== '' && !AFFINITY.includes(affinity)) errors.push({ type: 'NotSupported', field: 'spec.sessionAffinity', value: affinity, detail: supported(AFFINITY) })
  errors.push(...clusterIpErrors(spec, type))
  const liveIP = live !== undefined && isKubeMap(live.spec) ? live.spec.clusterIP : undefined
  // An allocated clusterIP may not change; leaving it out of an update keeps it.
  if (typeof liveIP === 'string' && liveIP !== '' && spec.clusterIP !== undefined && spec.clusterIP !== liveIP) {
    errors.push({ type: 'Invalid', field: 'spec.clusterIPs[0]', shown: `[]string{${JSON.stringify(spec.clusterIP)}}`, detail: 'may not change once set' })
  }
  return errors
}
