// The columns kube-apiserver 1.32 prints for the built-in kinds (pkg/printers/internalversion), cell
// by cell: what `kubectl get` shows, priority-1 columns only with `-o wide`. A kind without a printer
// here gets the default table convertor's NAME and CREATED AT, as kube-apiserver's generic registry
// gives (Roles, ClusterRoles, LimitRanges, CRDs).
import type { KubeValue } from '@gitops-sdk/core'
import type { Loose } from './format.js'
import { at, containersAndImages, text, formatLabelMap, formatSelector, list, num, orNone, since, str } from './format.js'

/** One column definition: name, type, and priority 1 for `-o wide`. */
export interface Column {
  readonly name: string
  readonly type: string
  readonly format?: string | undefined
  readonly priority?: number | undefined
  readonly description?: string | undefined
}

/** A kind's columns and how one object fills them. */
export interface Printer {
  readonly columns: readonly Column[]
  readonly row: (object: Loose, now: Date) => KubeValue[]
}

const name: Column = { name: 'Name', type: 'string', format: 'name' }
const age: Column = { name: 'Age', type: 'string' }
const wide = (n: string, type = 'string'): Column => ({ name: n, type, priority: 1 })
const col = (n: string, type = 'string'): Column => ({ name: n, type })
const templateColumns = [wide('Containers'), wide('Images'), wide('Selector')]

const meta = (o: Loose): Loose => at(o, 'metadata')
const ageOf = (o: Loose, now: Date): string => since(meta(o).creationTimestamp, now)
const spec = (o: Loose): Loose => at(o, 'spec')
const status = (o: Loose): Loose => at(o, 'status')
const podSpecOf = (o: Loose): Loose => at(o, 'spec', 'template', 'spec')

function template(o: Loose, selector = true): KubeValue[] {
  const [containers, images] = containersAndImages(podSpecOf(o))
  return selector ? [containers, images, formatSelector(spec(o).selector)] : [containers, images]
}

const hasCondition = (o: Loose, type: string): boolean => list(status(o), 'conditions').some((c) => str(at(c), 'type') === type && str(at(c), 'status') === 'True')

function podStatus(pod: Loose): [ready: string, reason: string, restarts: number] {
  const st = status(pod)
  let reason = str(st, 'reason') !== '' ? str(st, 'reason') : str(st, 'phase')
  const statuses = list(st, 'containerStatuses').map((c) => at(c))
  let ready = 0
  let restarts = 0
  for (const c of [...statuses].reverse()) {
    restarts += num(c, 'restartCount')
    const state = at(c, 'state')
    if (str(at(state, 'waiting'), 'reason') !== '') reason = str(at(state, 'waiting'), 'reason')
    else if (str(at(state, 'terminated'), 'reason') !== '') reason = str(at(state, 'terminated'), 'reason')
    else if (Object.hasOwn(state, 'terminated')) {
      const t = at(state, 'terminated')
      reason = num(t, 'signal') !== 0 ? `Signal:${num(t, 'signal')}` : `ExitCode:${num(t, 'exitCode')}`
    } else if (c.ready === true && Object.hasOwn(state, 'running')) ready++
  }
  if (meta(pod).deletionTimestamp !== undefined) reason = str(st, 'reason') === 'NodeLost' ? 'Unknown' : 'Terminating'
  return [`${ready}/${list(spec(pod), 'containers').length}`, reason, restarts]
}

function servicePorts(svc: Loose): string {
  const ports = list(spec(svc), 'ports').map((p) => at(p))
  return orNone(ports.map((p) => (num(p, 'nodePort') > 0 ? `${num(p, 'port')}:${num(p, 'nodePort')}/${str(p, 'protocol')}` : `${num(p, 'port')}/${str(p, 'protocol')}`)).join(','))
}

function externalIp(svc: Loose): string {
  const s = spec(svc)
  const external = list(s, 'externalIPs').filter((x): x is string => typeof x === 'string')
  switch (str(s, 'type')) {
    case 'ExternalName':
      return str(s, 'externalName')
    case 'LoadBalancer': {
      const ingress = list(at(status(svc), 'loadBalancer'), 'ingress').map((i) => str(at(i), 'ip') || str(at(i), 'hostname'))
      const all = [...ingress, ...external]
      if (all.length === 0) return '<pending>'
      const text = all.join(',')
      return text.length > 16 ? `${text.slice(0, 13)}...` : text
    }
    default:
      return orNone(external.join(','))
  }
}

function jobStatus(job: Loose): string {
  if (hasCondition(job, 'Complete')) return 'Complete'
  if (hasCondition(job, 'Failed')) return 'Failed'
  if (meta(job).deletionTimestamp !== undefined) return 'Terminating'
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet'
  if (hasCondition(job, 'Suspended')) return 'Suspended'
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget'
  return 'Running'
}

function jobCompletions(job: Loose): string {
  const succeeded = num(status(job), 'succeeded')
  const completions = spec(job).completions
  if (typeof completions === 'number') return `${succeeded}/${completions}`
  const parallelism = num(spec(job), 'parallelism')
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`
}

function jobDuration(job: Loose, now: Date): string {
  const start = status(job).startTime
  if (typeof start !== 'string') return ''
  const end = status(job).completionTime
  return since(start, typeof end === 'string' ? new Date(end) : now)
}

const boolPtr = (v: KubeValue | undefined): string => (v === undefined ? '<unset>' : v === true ? 'True' : 'False')
const intOrStr = (v: KubeValue | undefined): string => (typeof v === 'number' || typeof v === 'string' ? String(v) : 'N/A')

function subjects(binding: Loose, kind: string): string {
  const out = list(binding, 'subjects')
    .map((s) => at(s))
    .filter((s) => str(s, 'kind') === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${str(s, 'namespace')}/${str(s, 'name')}` : str(s, 'name')))
  return out.join(', ')
}

const bindingPrinter: Printer = {
  columns: [name, col('Role'), age, wide('Users'), wide('Groups'), wide('ServiceAccounts')],
  row: (o, now) => [str(meta(o), 'name'), `${str(at(o, 'roleRef'), 'kind')}/${str(at(o, 'roleRef'), 'name')}`, ageOf(o, now), subjects(o, 'User'), subjects(o, 'Group'), subjects(o, 'ServiceAccount')],
}

const webhookPrinter: Printer = {
  columns: [name, col('Webhooks', 'integer'), age],
  row: (o, now) => [str(meta(o), 'name'), list(o, 'webhooks').length, ageOf(o, now)],
}

function quota(o: Loose, which: 'requests' | 'limits'): string {
  const hard = at(status(o), 'hard')
  const used = at(status(o), 'used')
  const specHard = at(spec(o), 'hard')
  const keys = Object.keys(Object.keys(hard).length > 0 ? hard : specHard).sort()
  const pick = keys.filter((k) => (which === 'limits' ? k.startsWith('limits.') : !k.startsWith('limits.')))
  return pick.map((k) => `${k}: ${text(used[k] ?? '0')}/${text(hard[k] ?? specHard[k])}`).join(', ')
}

/** Printers by `group/Kind` (core group: `/Kind`). */
export const builtinPrinters: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/Pod', {
    columns: [name, col('Ready'), col('Status'), col('Restarts', 'string'), age, wide('IP'), wide('Node'), wide('Nominated Node'), wide('Readiness Gates')],
    row: (o, now) => {
      const [ready, reason, restarts] = podStatus(o)
      const gates = list(spec(o), 'readinessGates')
      return [str(meta(o), 'name'), ready, reason, String(restarts), ageOf(o, now), orNone(str(status(o), 'podIP')), orNone(str(spec(o), 'nodeName')), orNone(str(status(o), 'nominatedNodeName')), gates.length === 0 ? '<none>' : `0/${gates.length}`]
    },
  }],
  ['/ConfigMap', { columns: [name, col('Data', 'integer'), age], row: (o, now) => [str(meta(o), 'name'), Object.keys(at(o, 'data')).length + Object.keys(at(o, 'binaryData')).length, ageOf(o, now)] }],
  ['/Secret', { columns: [name, col('Type'), col('Data', 'integer'), age], row: (o, now) => [str(meta(o), 'name'), str(o, 'type'), Object.keys(at(o, 'data')).length, ageOf(o, now)] }],
  ['/Namespace', { columns: [name, col('Status'), age], row: (o, now) => [str(meta(o), 'name'), str(status(o), 'phase'), ageOf(o, now)] }],
  ['/ServiceAccount', { columns: [name, col('Secrets', 'integer'), age], row: (o, now) => [str(meta(o), 'name'), list(o, 'secrets').length, ageOf(o, now)] }],
  ['/Service', {
    columns: [name, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), age, wide('Selector')],
    row: (o, now) => [str(meta(o), 'name'), str(spec(o), 'type'), orNone(str(spec(o), 'clusterIP')), externalIp(o), servicePorts(o), ageOf(o, now), orNone(formatLabelMap(at(spec(o), 'selector')))],
  }],
  ['/Endpoints', {
    columns: [name, col('Endpoints'), age],
    row: (o, now) => {
      const eps = list(o, 'subsets').flatMap((s) => list(at(s), 'addresses').flatMap((a) => list(at(s), 'ports').map((p) => `${str(at(a), 'ip')}:${num(at(p), 'port')}`)))
      const text = eps.length > 3 ? `${eps.slice(0, 3).join(',')} + ${eps.length - 3} more...` : eps.join(',')
      return [str(meta(o), 'name'), orNone(text), ageOf(o, now)]
    },
  }],
  ['/Event', {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), wide('Subobject'), wide('Source'), col('Message'), wide('First Seen'), wide('Count'), wide('Name')],
    row: (o, now) => {
      const involved = at(o, 'involvedObject')
      const last = o.lastTimestamp ?? o.eventTime ?? meta(o).creationTimestamp
      const source = at(o, 'source')
      const src = str(source, 'component') !== '' ? [str(source, 'component'), str(source, 'host')].filter((x) => x !== '').join(', ') : str(o, 'reportingComponent')
      return [since(last, now), str(o, 'type'), str(o, 'reason'), `${str(involved, 'kind').toLowerCase()}/${str(involved, 'name')}`, str(involved, 'fieldPath'), src, str(o, 'message').trim(), since(o.firstTimestamp ?? last, now), String(num(o, 'count', 1)), str(meta(o), 'name')]
    },
  }],
  ['/PersistentVolumeClaim', {
    columns: [name, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), age, wide('VolumeMode')],
    row: (o, now) => {
      const capacity = at(status(o), 'capacity').storage
      const modes = list(status(o), 'accessModes').map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[text(m)] ?? text(m))
      return [str(meta(o), 'name'), str(status(o), 'phase'), str(spec(o), 'volumeName'), typeof capacity === 'string' ? capacity : '', modes.join(','), orNone(str(spec(o), 'storageClassName')), orNone(str(spec(o), 'volumeAttributesClassName')), ageOf(o, now), orNone(str(spec(o), 'volumeMode'))]
    },
  }],
  ['/ResourceQuota', { columns: [name, age, col('Request'), col('Limit')], row: (o, now) => [str(meta(o), 'name'), ageOf(o, now), quota(o, 'requests'), quota(o, 'limits')] }],
  ['/ReplicationController', {
    columns: [name, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), age, ...templateColumns],
    row: (o, now) => [str(meta(o), 'name'), num(spec(o), 'replicas', 1), num(status(o), 'replicas'), num(status(o), 'readyReplicas'), ageOf(o, now), ...template(o, false), orNone(formatLabelMap(at(spec(o), 'selector')))],
  }],
  ['apps/Deployment', {
    columns: [name, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), age, ...templateColumns],
    row: (o, now) => [str(meta(o), 'name'), `${num(status(o), 'readyReplicas')}/${num(spec(o), 'replicas', 1)}`, num(status(o), 'updatedReplicas'), num(status(o), 'availableReplicas'), ageOf(o, now), ...template(o)],
  }],
  ['apps/ReplicaSet', {
    columns: [name, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), age, ...templateColumns],
    row: (o, now) => [str(meta(o), 'name'), num(spec(o), 'replicas', 1), num(status(o), 'replicas'), num(status(o), 'readyReplicas'), ageOf(o, now), ...template(o)],
  }],
  ['apps/StatefulSet', {
    columns: [name, col('Ready'), age, wide('Containers'), wide('Images')],
    row: (o, now) => [str(meta(o), 'name'), `${num(status(o), 'readyReplicas')}/${num(spec(o), 'replicas', 1)}`, ageOf(o, now), ...template(o, false)],
  }],
  ['apps/DaemonSet', {
    columns: [name, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), age, ...templateColumns],
    row: (o, now) => {
      const st = status(o)
      return [str(meta(o), 'name'), num(st, 'desiredNumberScheduled'), num(st, 'currentNumberScheduled'), num(st, 'numberReady'), num(st, 'updatedNumberScheduled'), num(st, 'numberAvailable'), orNone(formatLabelMap(at(podSpecOf(o), 'nodeSelector'))), ageOf(o, now), ...template(o)]
    },
  }],
  ['apps/ControllerRevision', {
    columns: [name, col('Controller'), col('Revision', 'integer'), age],
    row: (o, now) => {
      const owner = list(meta(o), 'ownerReferences').map((r) => at(r)).find((r) => r.controller === true)
      return [str(meta(o), 'name'), owner === undefined ? '<none>' : `${str(owner, 'kind').toLowerCase()}.${str(owner, 'apiVersion').split('/')[0] ?? ''}/${str(owner, 'name')}`, num(o, 'revision'), ageOf(o, now)]
    },
  }],
  ['batch/Job', {
    columns: [name, col('Status'), col('Completions'), col('Duration'), age, ...templateColumns],
    row: (o, now) => [str(meta(o), 'name'), jobStatus(o), jobCompletions(o), jobDuration(o, now), ageOf(o, now), ...template(o)],
  }],
  ['batch/CronJob', {
    columns: [name, col('Schedule'), col('Timezone'), col('Suspend', 'boolean'), col('Active', 'integer'), col('Last Schedule'), age, ...templateColumns],
    row: (o, now) => {
      const jobSpec = at(spec(o), 'jobTemplate', 'spec')
      const [containers, images] = containersAndImages(at(jobSpec, 'template', 'spec'))
      const last = status(o).lastScheduleTime
      return [str(meta(o), 'name'), str(spec(o), 'schedule'), orNone(str(spec(o), 'timeZone')), boolPtr(spec(o).suspend), list(status(o), 'active').length, typeof last === 'string' ? since(last, now) : '<none>', ageOf(o, now), containers, images, formatSelector(jobSpec.selector)]
    },
  }],
  ['networking.k8s.io/Ingress', {
    columns: [name, col('Class'), col('Hosts'), col('Address'), col('Ports'), age],
    row: (o, now) => {
      const hosts = list(spec(o), 'rules').map((r) => str(at(r), 'host')).filter((h) => h !== '')
      const lb = list(at(status(o), 'loadBalancer'), 'ingress').map((i) => str(at(i), 'ip') || str(at(i), 'hostname'))
      return [str(meta(o), 'name'), orNone(str(spec(o), 'ingressClassName')), hosts.length === 0 ? '*' : hosts.join(','), lb.join(','), list(spec(o), 'tls').length > 0 ? '80, 443' : '80', ageOf(o, now)]
    },
  }],
  ['networking.k8s.io/IngressClass', { columns: [name, col('Controller'), col('Parameters'), age], row: (o, now) => [str(meta(o), 'name'), str(spec(o), 'controller'), '<none>', ageOf(o, now)] }],
  ['networking.k8s.io/NetworkPolicy', { columns: [name, col('Pod-Selector'), age], row: (o, now) => [str(meta(o), 'name'), formatSelector(spec(o).podSelector).replace('<none>', ''), ageOf(o, now)] }],
  ['policy/PodDisruptionBudget', {
    columns: [name, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), age],
    row: (o, now) => [str(meta(o), 'name'), intOrStr(spec(o).minAvailable), intOrStr(spec(o).maxUnavailable), num(status(o), 'disruptionsAllowed'), ageOf(o, now)],
  }],
  ['rbac.authorization.k8s.io/RoleBinding', bindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', bindingPrinter],
  ['scheduling.k8s.io/PriorityClass', {
    columns: [name, col('Value', 'integer'), col('Global-Default', 'boolean'), age, col('PreemptionPolicy')],
    row: (o, now) => [str(meta(o), 'name'), num(o, 'value'), o.globalDefault === true, ageOf(o, now), str(o, 'preemptionPolicy')],
  }],
  ['storage.k8s.io/StorageClass', {
    columns: [name, col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion', 'string'), age],
    row: (o, now) => {
      const isDefault = at(meta(o), 'annotations')['storageclass.kubernetes.io/is-default-class'] === 'true'
      return [`${str(meta(o), 'name')}${isDefault ? ' (default)' : ''}`, str(o, 'provisioner'), str(o, 'reclaimPolicy') || 'Delete', str(o, 'volumeBindingMode') || 'Immediate', String(o.allowVolumeExpansion === true), ageOf(o, now)]
    },
  }],
  ['coordination.k8s.io/Lease', { columns: [name, col('Holder'), age], row: (o, now) => [str(meta(o), 'name'), str(spec(o), 'holderIdentity'), ageOf(o, now)] }],
  ['autoscaling/HorizontalPodAutoscaler', {
    columns: [name, col('Reference'), col('Targets'), col('MinPods'), col('MaxPods', 'integer'), col('Replicas', 'integer'), age],
    row: (o, now) => {
      const ref = at(spec(o), 'scaleTargetRef')
      return [str(meta(o), 'name'), `${str(ref, 'kind')}/${str(ref, 'name')}`, list(spec(o), 'metrics').length === 0 ? '<none>' : '<unknown>', String(num(spec(o), 'minReplicas', 1)), num(spec(o), 'maxReplicas'), num(status(o), 'currentReplicas'), ageOf(o, now)]
    },
  }],
  ['admissionregistration.k8s.io/ValidatingWebhookConfiguration', webhookPrinter],
  ['admissionregistration.k8s.io/MutatingWebhookConfiguration', webhookPrinter],
])

/** The default table convertor of kube-apiserver's generic registry: NAME and CREATED AT. */
export const defaultPrinter: Printer = {
  columns: [name, { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }],
  row: (o) => [str(meta(o), 'name'), str(meta(o), 'creationTimestamp')],
}
