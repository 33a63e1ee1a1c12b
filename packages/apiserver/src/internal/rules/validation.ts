// Validation of every write (SPEC.md §9.7): object metadata, then the essentials of each built-in kind
// as kube-apiserver 1.32 checks them. The rules live in `validation/`, one file per area; every
// failure is a field error and the caller answers 422 Invalid listing all of them.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { deepEqual } from '../state/objects.js'
import type { FieldError } from '../../status.js'
import { validateConfigMapData, validateSecretData } from './dataKeys.js'
import { cronJobErrors, jobErrors } from './validation/batch.js'
import { podSpecErrors } from './validation/pods.js'
import { bindingErrors, roleErrors } from './validation/rbac.js'
import { secretTypeErrors } from './validation/secrets.js'
import { serviceErrors } from './validation/services.js'
import { webhookConfigurationErrors } from './validation/webhooks.js'
import { daemonSetErrors, deploymentErrors, replicaSetErrors, statefulSetErrors } from './validation/workloads.js'

export { nameErrors, validateMetadata, validateMetadataUpdate } from './validation/meta.js'

const asKubeValue = (value: KubeObject[string]): KubeValue | undefined => value as KubeValue | undefined

/** Per-type essentials of the built-in kinds; `live` is set on updates. */
export function validateKind(object: KubeObject, live: KubeObject | undefined): FieldError[] {
  const spec: KubeMap = isKubeMap(object.spec) ? object.spec : {}
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'apps/v1/Deployment':
      return deploymentErrors(spec, live)
    case 'apps/v1/ReplicaSet':
      return replicaSetErrors(spec, live)
    case 'apps/v1/StatefulSet':
      return statefulSetErrors(spec, live)
    case 'apps/v1/DaemonSet':
      return daemonSetErrors(spec, live)
    case 'batch/v1/Job':
      return jobErrors(spec, live)
    case 'batch/v1/CronJob':
      return cronJobErrors(object, spec)
    case 'v1/Pod':
      return podSpecErrors(asKubeValue(object.spec), 'spec')
    case 'v1/Service':
      return serviceErrors(object, live)
    case 'v1/Secret': {
      const errors: FieldError[] = []
      if (live !== undefined && (live.type ?? 'Opaque') !== (object.type ?? 'Opaque')) {
        errors.push({ type: 'Invalid', field: 'type', value: asKubeValue(object.type) ?? '', detail: 'field is immutable' })
      }
      errors.push(...validateSecretData(object), ...secretTypeErrors(object))
      errors.push(...immutableData(object, live, ['data', 'stringData']))
      return errors
    }
    case 'v1/ConfigMap':
      return [...validateConfigMapData(object), ...immutableData(object, live, ['data', 'binaryData'])]
    case 'rbac.authorization.k8s.io/v1/Role':
      return roleErrors(object, true)
    case 'rbac.authorization.k8s.io/v1/ClusterRole':
      return roleErrors(object, false)
    case 'rbac.authorization.k8s.io/v1/RoleBinding':
      return bindingErrors(object, true, live)
    case 'rbac.authorization.k8s.io/v1/ClusterRoleBinding':
      return bindingErrors(object, false, live)
    case 'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration':
      return webhookConfigurationErrors(object, false)
    case 'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration':
      return webhookConfigurationErrors(object, true)
    default:
      return []
  }
}

function immutableData(object: KubeObject, live: KubeObject | undefined, keys: string[]): FieldError[] {
  const errors: FieldError[] = []
  if (live?.immutable !== true) return errors
  for (const key of keys) {
    if (!deepEqual(live[key], object[key])) errors.push({ type: 'Forbidden', field: key, detail: 'field is immutable when `immutable` is set' })
  }
  if (object.immutable !== true) errors.push({ type: 'Forbidden', field: 'immutable', detail: 'field is immutable when `immutable` is set' })
  return errors
}
