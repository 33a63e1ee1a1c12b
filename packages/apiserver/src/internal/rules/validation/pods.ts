// Pod specs and pod templates as core's validation of Kubernetes 1.32 checks their essentials
// (ValidatePodSpec, validateContainers, validateContainerPorts, validateRestartPolicy): containers
// required, container names DNS-1123 labels unique across init and app containers, images required,
// ports and protocols, pull policies and restart policies.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { stringMap } from '../../state/objects.js'
import type { FieldError } from '../../../status.js'
import { dns1123LabelErrors, portNameErrors, portNumErrors, qualifiedNameErrors } from './formats.js'
import { labelErrors } from './meta.js'

const PROTOCOLS = ['SCTP', 'TCP', 'UDP']
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never']
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never']

const supported = (values: readonly string[]): string => `supported values: ${values.map((v) => JSON.stringify(v)).join(', ')}`

/** A map field, or an empty map. */
export const mapOf = (value: KubeValue | undefined): KubeMap => (isKubeMap(value) ? value : {})
/** The maps of a list field. */
export const listOf = (value: KubeValue | undefined): KubeMap[] => (Array.isArray(value) ? value.map(mapOf) : [])
/** A number field; absent or not a number is `undefined`. */
export const numberOf = (value: KubeValue | undefined): number | undefined => (typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : undefined)
/** A string field, or ''. */
export const stringOf = (value: KubeValue | undefined): string => (typeof value === 'string' ? value : '')

function containerPortErrors(ports: KubeMap[], field: string, errors: FieldError[]): void {
  const names = new Set<string>()
  ports.forEach((port, i) => {
    const at = `${field}[${i}]`
    const name = stringOf(port.name)
    if (name !== '') {
      const messages = portNameErrors(name)
      for (const detail of messages) errors.push({ type: 'Invalid', field: `${at}.name`, value: name, detail })
      if (messages.length === 0) {
        if (names.has(name)) errors.push({ type: 'Duplicate', field: `${at}.name`, value: name })
        else names.add(name)
      }
    }
    const containerPort = numberOf(port.containerPort) ?? 0
    if (containerPort === 0) errors.push({ type: 'Required', field: `${at}.containerPort` })
    else for (const detail of portNumErrors(containerPort)) errors.push({ type: 'Invalid', field: `${at}.containerPort`, value: containerPort, detail })
    const hostPort = numberOf(port.hostPort) ?? 0
    if (hostPort !== 0) for (const detail of portNumErrors(hostPort)) errors.push({ type: 'Invalid', field: `${at}.hostPort`, value: hostPort, detail })
    const protocol = stringOf(port.protocol)
    if (protocol === '') errors.push({ type: 'Required', field: `${at}.protocol` })
    else if (!PROTOCOLS.includes(protocol)) errors.push({ type: 'NotSupported', field: `${at}.protocol`, value: protocol, detail: supported(PROTOCOLS) })
  })
}

function containerErrors(containers: KubeMap[], field: string, walk: { names: Set<string>; errors: FieldError[] }): void {
  const { names, errors } = walk
  containers.forEach((container, i) => {
    const at = `${field}[${i}]`
    const name = stringOf(container.name)
    if (name === '') errors.push({ type: 'Required', field: `${at}.name` })
    else {
      for (const detail of dns1123LabelErrors(name)) errors.push({ type: 'Invalid', field: `${at}.name`, value: name, detail })
      if (names.has(name)) errors.push({ type: 'Duplicate', field: `${at}.name`, value: name })
      else names.add(name)
    }
    const image = stringOf(container.image)
    if (image === '') errors.push({ type: 'Required', field: `${at}.image` })
    else if (image.trim() !== image) errors.push({ type: 'Invalid', field: `${at}.image`, value: image, detail: 'must not have leading or trailing whitespace' })
    const pull = stringOf(container.imagePullPolicy)
    if (pull === '') errors.push({ type: 'Required', field: `${at}.imagePullPolicy` })
    else if (!PULL_POLICIES.includes(pull)) errors.push({ type: 'NotSupported', field: `${at}.imagePullPolicy`, value: pull, detail: supported(PULL_POLICIES) })
    containerPortErrors(listOf(container.ports), `${at}.ports`, errors)
  })
}

/** Errors of a pod spec at `field` (`spec`, `spec.template.spec`). */
export function podSpecErrors(value: KubeValue | undefined, field: string): FieldError[] {
  const errors: FieldError[] = []
  const spec = mapOf(value)
  const names = new Set<string>()
  containerErrors(listOf(spec.initContainers), `${field}.initContainers`, { names, errors })
  const containers = listOf(spec.containers)
  if (containers.length === 0) errors.push({ type: 'Required', field: `${field}.containers` })
  containerErrors(containers, `${field}.containers`, { names, errors })
  const restart = stringOf(spec.restartPolicy)
  if (restart === '') errors.push({ type: 'Required', field: `${field}.restartPolicy` })
  else if (!RESTART_POLICIES.includes(restart)) errors.push({ type: 'NotSupported', field: `${field}.restartPolicy`, value: restart, detail: supported(RESTART_POLICIES) })
  const active = numberOf(spec.activeDeadlineSeconds)
  if (active !== undefined && active <= 0) {
    errors.push({ type: 'Invalid', field: `${field}.activeDeadlineSeconds`, value: active, detail: 'must be between 1 and 2147483647, inclusive' })
  }
  return errors
}

/** Errors of a pod template at `field` (`spec.template`): its labels and its pod spec. */
export function podTemplateErrors(value: KubeValue | undefined, field: string): FieldError[] {
  const template = mapOf(value)
  const meta = mapOf(template.metadata)
  // ValidatePodTemplateSpec names the template's labels and annotations without `metadata`.
  const annotations: FieldError[] = Object.keys(stringMap(meta.annotations)).flatMap((key) =>
    qualifiedNameErrors(key.toLowerCase()).map((detail): FieldError => ({ type: 'Invalid', field: `${field}.annotations`, value: key, detail })),
  )
  return [...labelErrors(stringMap(meta.labels), `${field}.labels`), ...annotations, ...podSpecErrors(template.spec, `${field}.spec`)]
}

export { supported }
