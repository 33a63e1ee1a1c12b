// Deployments, ReplicaSets, StatefulSets and DaemonSets as apps' validation of Kubernetes 1.32 checks
// their essentials: replicas and counters not negative, a selector that is present, not empty, valid
// and matching the template's labels, template restart policy Always, the pod template, and the
// fields an update may not change.
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import { isKubeMap } from '@gitops-sdk/core'
import { deepEqual, stringMap } from '../../state/objects.js'
import type { FieldError } from '../../../status.js'
import { dns1123LabelErrors } from './formats.js'
import { goLabelSelector, goStringMap } from './goValues.js'
import { mapOf, numberOf, podTemplateErrors, stringOf, supported } from './pods.js'
import { labelSelectorErrors, selectorKind, selectorMatches } from './selectors.js'

/** ValidateNonnegativeField. */
export function nonNegative(spec: KubeMap, key: string, field: string): FieldError[] {
  const value = numberOf(spec[key])
  return value !== undefined && value < 0 ? [{ type: 'Invalid', field, value, detail: 'must be greater than or equal to 0' }] : []
}

/** The selector rules shared by the apps kinds; `what` names the kind in the empty-selector message. */
function selectorErrors(spec: KubeMap, what: string | undefined): FieldError[] {
  const errors: FieldError[] = []
  if (!isKubeMap(spec.selector)) {
    if (what !== undefined) errors.push({ type: 'Required', field: 'spec.selector' })
  } else {
    errors.push(...labelSelectorErrors(spec.selector, 'spec.selector'))
    if (what !== undefined && selectorKind(spec.selector) === 'everything') {
      errors.push({ type: 'Invalid', field: 'spec.selector', shown: goLabelSelector(spec.selector), detail: `empty selector is invalid for ${what}` })
    }
  }
  return errors
}

/** ValidatePodTemplateSpecForReplicaSet and its siblings: labels matched, restart policy Always. */
function templateErrors(spec: KubeMap, owner: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet'): FieldError[] {
  const errors: FieldError[] = []
  const template = mapOf(spec.template)
  const labels = mapOf(mapOf(template.metadata).labels)
  const kind = selectorKind(spec.selector)
  if (kind !== 'everything' && !selectorMatches(spec.selector, stringMap(labels))) {
    errors.push({ type: 'Invalid', field: 'spec.template.metadata.labels', shown: goStringMap(isKubeMap(mapOf(template.metadata).labels) ? labels : undefined), detail: '`selector` does not match template `labels`' })
  }
  errors.push(...podTemplateErrors(template, 'spec.template'))
  const restart = stringOf(mapOf(template.spec).restartPolicy)
  if (restart !== 'Always' && restart !== '') {
    errors.push({ type: 'NotSupported', field: 'spec.template.spec.restartPolicy', value: restart, detail: supported(['Always']) })
  }
  if (mapOf(template.spec).activeDeadlineSeconds !== undefined) {
    errors.push({ type: 'Forbidden', field: 'spec.template.spec.activeDeadlineSeconds', detail: `activeDeadlineSeconds in ${owner} is not Supported` })
  }
  return errors
}

function immutableSelector(spec: KubeMap, live: KubeObject | undefined): FieldError[] {
  if (live === undefined || !isKubeMap(live.spec) || deepEqual(live.spec.selector, spec.selector)) return []
  return [{ type: 'Invalid', field: 'spec.selector', shown: goLabelSelector(spec.selector), detail: 'field is immutable' }]
}

const DEPLOYMENT_STRATEGIES = ['Recreate', 'RollingUpdate']

/** A Deployment's spec. */
export function deploymentErrors(spec: KubeMap, live: KubeObject | undefined): FieldError[] {
  const errors = [...nonNegative(spec, 'replicas', 'spec.replicas'), ...selectorErrors(spec, 'deployment'), ...templateErrors(spec, 'ReplicaSet')]
  const strategy = mapOf(spec.strategy)
  const type = stringOf(strategy.type)
  if (type === 'Recreate' && strategy.rollingUpdate !== undefined) {
    errors.push({ type: 'Forbidden', field: 'spec.strategy.rollingUpdate', detail: "may not be specified when strategy `type` is 'Recreate'" })
  } else if (type !== 'Recreate' && type !== 'RollingUpdate') {
    errors.push({ type: 'NotSupported', field: 'spec.strategy.type', value: type, detail: supported(DEPLOYMENT_STRATEGIES) })
  }
  errors.push(...nonNegative(spec, 'minReadySeconds', 'spec.minReadySeconds'))
  errors.push(...nonNegative(spec, 'revisionHistoryLimit', 'spec.revisionHistoryLimit'))
  errors.push(...immutableSelector(spec, live))
  return errors
}

/** A ReplicaSet's spec (its empty-selector message names deployments, as upstream's does). */
export function replicaSetErrors(spec: KubeMap, live: KubeObject | undefined): FieldError[] {
  return [
    ...nonNegative(spec, 'replicas', 'spec.replicas'),
    ...nonNegative(spec, 'minReadySeconds', 'spec.minReadySeconds'),
    ...selectorErrors(spec, 'deployment'),
    ...templateErrors(spec, 'ReplicaSet'),
    ...immutableSelector(spec, live),
  ]
}

const POD_MANAGEMENT = ['OrderedReady', 'Parallel']

/** StatefulSet updates may change only these spec fields (ValidateStatefulSetUpdate). */
const STATEFULSET_MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'])

/** A StatefulSet's spec. */
export function statefulSetErrors(spec: KubeMap, live: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = []
  const policy = stringOf(spec.podManagementPolicy)
  if (policy !== '' && !POD_MANAGEMENT.includes(policy)) {
    errors.push({ type: 'Invalid', field: 'spec.podManagementPolicy', value: policy, detail: `must be '${POD_MANAGEMENT[0] ?? ''}' or '${POD_MANAGEMENT[1] ?? ''}'` })
  }
  errors.push(...nonNegative(spec, 'replicas', 'spec.replicas'), ...nonNegative(spec, 'minReadySeconds', 'spec.minReadySeconds'))
  errors.push(...selectorErrors(spec, 'statefulset'), ...templateErrors(spec, 'StatefulSet'))
  const serviceName = stringOf(spec.serviceName)
  if (serviceName !== '') for (const detail of dns1123LabelErrors(serviceName)) errors.push({ type: 'Invalid', field: 'spec.serviceName', value: serviceName, detail })
  if (live !== undefined && isKubeMap(live.spec)) {
    const before = live.spec
    const keys = new Set([...Object.keys(before), ...Object.keys(spec)])
    if ([...keys].some((key) => !STATEFULSET_MUTABLE.has(key) && !deepEqual(before[key], spec[key]))) {
      errors.push({
        type: 'Forbidden',
        field: 'spec',
        detail:
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      })
    }
  }
  return errors
}

/** A DaemonSet's spec: an absent selector matches nothing, so the template check reports it. */
export function daemonSetErrors(spec: KubeMap, live: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = [...labelSelectorErrors(spec.selector, 'spec.selector')]
  if (isKubeMap(spec.selector) && selectorKind(spec.selector) === 'everything') {
    errors.push({ type: 'Invalid', field: 'spec.selector', shown: goLabelSelector(spec.selector), detail: 'empty selector is invalid for daemonset' })
  }
  errors.push(...templateErrors(spec, 'DaemonSet'))
  errors.push(...nonNegative(spec, 'minReadySeconds', 'spec.minReadySeconds'), ...nonNegative(spec, 'revisionHistoryLimit', 'spec.revisionHistoryLimit'))
  errors.push(...immutableSelector(spec, live))
  return errors
}
