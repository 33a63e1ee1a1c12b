// kustomize v5.5.0's builtin transformer configuration (api/internal/konfig/builtinpluginconsts),
// written here one field spec per line as `path [+] [@group/version/kind]`, `+` meaning "create if
// absent"; in nameReference, `= group/version/kind` starts the referrers of a target kind; and
// `* a b c` stands for the fields a, b and c of the pod spec of every workload kind (`** a b c`
// for kustomize's shorter list of workloads in a few nameReference entries). Mostly a table.
//
// This table is the source; builds read its parsed form, builtinConfigData.ts (JSON text, which
// JSON.parse reads in a fraction of a millisecond where parsing and sorting the table cost a
// one-file `gitops build` several). builtinConfig.test.ts checks that the two agree and rewrites
// the JSON when run with GITOPS_UPDATE_GENERATED=1.
import type { FieldSpec, TransformerConfig } from './configs.js'
import { FIELD_SPEC_FIELDS, emptyConfig, sortConfig } from './configs.js'

/** The labels of an object and of the objects it makes: commonLabels and templateLabels share them. */
const METADATA_LABELS = `
    metadata/labels +
    spec/template/metadata/labels + @/v1/ReplicationController
    spec/template/metadata/labels + @//Deployment
    spec/template/metadata/labels + @//ReplicaSet
    spec/template/metadata/labels + @//DaemonSet
    spec/template/metadata/labels + @apps//StatefulSet
    spec/volumeClaimTemplates[]/metadata/labels + @apps//StatefulSet
    spec/template/metadata/labels + @batch//Job
    spec/jobTemplate/metadata/labels + @batch//CronJob
    spec/jobTemplate/spec/template/metadata/labels + @batch//CronJob
`

const DEFAULTS: Record<keyof TransformerConfig, string> = {
  labels: '',
  namePrefix: `
    metadata/name
  `,
  nameSuffix: `
    metadata/name
  `,
  commonLabels: `
    spec/selector + @/v1/Service
    spec/selector + @/v1/ReplicationController
    spec/selector/matchLabels + @//Deployment
    spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels @apps//Deployment
    spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels @apps//Deployment
    spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels @apps//Deployment
    spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels @apps//Deployment
    spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels @apps//Deployment
    spec/selector/matchLabels + @//ReplicaSet
    spec/selector/matchLabels + @//DaemonSet
    spec/selector/matchLabels + @apps//StatefulSet
    spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels @apps//StatefulSet
    spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels @apps//StatefulSet
    spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels @apps//StatefulSet
    spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels @apps//StatefulSet
    spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels @apps//StatefulSet
    spec/selector/matchLabels @batch//Job
    spec/jobTemplate/spec/selector/matchLabels @batch//CronJob
    spec/selector/matchLabels @policy//PodDisruptionBudget
    spec/podSelector/matchLabels @networking.k8s.io//NetworkPolicy
    spec/ingress/from/podSelector/matchLabels @networking.k8s.io//NetworkPolicy
    spec/egress/to/podSelector/matchLabels @networking.k8s.io//NetworkPolicy
  ${METADATA_LABELS}`,
  templateLabels: METADATA_LABELS,
  commonAnnotations: `
    metadata/annotations +
    spec/template/metadata/annotations + @/v1/ReplicationController
    spec/template/metadata/annotations + @//Deployment
    spec/template/metadata/annotations + @//ReplicaSet
    spec/template/metadata/annotations + @//DaemonSet
    spec/template/metadata/annotations + @//StatefulSet
    spec/template/metadata/annotations + @batch//Job
    spec/jobTemplate/metadata/annotations + @batch//CronJob
    spec/jobTemplate/spec/template/metadata/annotations + @batch//CronJob
  `,
  namespace: `
    metadata/name + @//Namespace
    spec/service/namespace + @apiregistration.k8s.io//APIService
    spec/conversion/webhook/clientConfig/service/namespace @apiextensions.k8s.io//CustomResourceDefinition
  `,
  varReference: `
    * containers/args containers/command containers/env/value containers/volumeMounts/mountPath initContainers/args initContainers/command initContainers/env/value initContainers/volumeMounts/mountPath
    spec/jobTemplate/spec/template/volumes/nfs/server @//CronJob
    spec/template/spec/volumes/nfs/server @//DaemonSet
    spec/template/spec/volumes/nfs/server @//Deployment
    spec/template/metadata/annotations @//Deployment
    spec/rules/host @//Ingress
    spec/tls/hosts @//Ingress
    spec/tls/secretName @//Ingress
    spec/template/spec/volumes/nfs/server @//Job
    spec/volumes/nfs/server @//Pod
    spec/template/spec/volumes/nfs/server @//ReplicaSet
    spec/ports/port @//Service
    spec/ports/targetPort @//Service
    spec/volumeClaimTemplates/spec/nfs/server @//StatefulSet
    spec/nfs/server @//PersistentVolume
    metadata/labels
    metadata/annotations
  `,
  nameReference: `
    = //Deployment
    spec/scaleTargetRef/name @//HorizontalPodAutoscaler
    = //ReplicationController
    spec/scaleTargetRef/name @//HorizontalPodAutoscaler
    = //ReplicaSet
    spec/scaleTargetRef/name @//HorizontalPodAutoscaler
    = //StatefulSet
    spec/scaleTargetRef/name @//HorizontalPodAutoscaler
    = /v1/ConfigMap
    * volumes/configMap/name containers/env/valueFrom/configMapKeyRef/name initContainers/env/valueFrom/configMapKeyRef/name containers/envFrom/configMapRef/name initContainers/envFrom/configMapRef/name volumes/projected/sources/configMap/name
    spec/configSource/configMap @//Node
    rules/resourceNames @//Role
    rules/resourceNames @//ClusterRole
    metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap @//Ingress
    = /v1/Secret
    * volumes/secret/secretName containers/env/valueFrom/secretKeyRef/name initContainers/env/valueFrom/secretKeyRef/name containers/envFrom/secretRef/name initContainers/envFrom/secretRef/name imagePullSecrets/name volumes/projected/sources/secret/name
    spec/tls/secretName @//Ingress
    metadata/annotations/ingress.kubernetes.io\\/auth-secret @//Ingress
    metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret @//Ingress
    metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret @//Ingress
    spec/tls/secretName @//Ingress
    imagePullSecrets/name @//ServiceAccount
    parameters/secretName @//StorageClass
    parameters/adminSecretName @//StorageClass
    parameters/userSecretName @//StorageClass
    parameters/secretRef @//StorageClass
    rules/resourceNames @//Role
    rules/resourceNames @//ClusterRole
    spec/template/spec/containers/env/valueFrom/secretKeyRef/name @serving.knative.dev/v1/Service
    spec/azureFile/secretName @//PersistentVolume
    = /v1/Service
    spec/serviceName @apps//StatefulSet
    spec/rules/http/paths/backend/serviceName @//Ingress
    spec/backend/serviceName @//Ingress
    spec/rules/http/paths/backend/service/name @//Ingress
    spec/defaultBackend/service/name @//Ingress
    spec/service/name @apiregistration.k8s.io//APIService
    webhooks/clientConfig/service @admissionregistration.k8s.io//ValidatingWebhookConfiguration
    webhooks/clientConfig/service @admissionregistration.k8s.io//MutatingWebhookConfiguration
    = rbac.authorization.k8s.io//Role
    roleRef/name @rbac.authorization.k8s.io//RoleBinding
    = rbac.authorization.k8s.io//ClusterRole
    roleRef/name @rbac.authorization.k8s.io//RoleBinding
    roleRef/name @rbac.authorization.k8s.io//ClusterRoleBinding
    = /v1/ServiceAccount
    subjects @rbac.authorization.k8s.io//RoleBinding
    subjects @rbac.authorization.k8s.io//ClusterRoleBinding
    ** serviceAccountName
    = /v1/PersistentVolumeClaim
    ** volumes/persistentVolumeClaim/claimName
    = /v1/PersistentVolume
    spec/volumeName @//PersistentVolumeClaim
    rules/resourceNames @//ClusterRole
    = storage.k8s.io/v1/StorageClass
    spec/storageClassName @//PersistentVolume
    spec/storageClassName @//PersistentVolumeClaim
    spec/volumeClaimTemplates/spec/storageClassName @//StatefulSet
    = scheduling.k8s.io/v1/PriorityClass
    ** priorityClassName
    = networking.k8s.io/v1/v1/IngressClass
    spec/ingressClassName @//Ingress
    = admissionregistration.k8s.io//ValidatingAdmissionPolicy
    spec/policyName @admissionregistration.k8s.io//ValidatingAdmissionPolicyBinding
  `,
  images: `
    spec/containers[]/image +
    spec/initContainers[]/image +
    spec/template/spec/containers[]/image +
    spec/template/spec/initContainers[]/image +
  `,
  replicas: `
    spec/replicas + @//Deployment
    spec/replicas + @//ReplicationController
    spec/replicas + @//ReplicaSet
    spec/replicas + @//StatefulSet
  `,
}

/** Where each workload kind keeps its pod spec, for the `*` lines of nameReference. */
const POD_SPEC_OWNERS: readonly (readonly [string, string])[] = [
  ['spec/', '/v1/Pod'],
  ['template/spec/', '//PodTemplate'],
  ...['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job'].map((k) => ['spec/template/spec/', `//${k}`] as const),
  ['spec/jobTemplate/spec/template/spec/', '//CronJob'],
]

/** The owners of the `**` lines of nameReference (ReplicationController but no ReplicaSet there). */
const WORKLOAD_OWNERS: readonly (readonly [string, string])[] = [
  ['spec/', '//Pod'],
  ...['StatefulSet', 'Deployment', 'ReplicationController'].map((k) => ['spec/template/spec/', `//${k}`] as const),
  ['spec/jobTemplate/spec/template/spec/', '//CronJob'],
  ...['Job', 'DaemonSet'].map((k) => ['spec/template/spec/', `//${k}`] as const),
]

/** The workload kinds whose containers varReference covers (Pod without a version there). */
const VAR_OWNERS: readonly (readonly [string, string])[] = [
  ['spec/jobTemplate/spec/template/spec/', '//CronJob'],
  ...['DaemonSet', 'Deployment', 'Job'].map((k) => ['spec/template/spec/', `//${k}`] as const),
  ['spec/', '//Pod'],
  ...['ReplicaSet', 'StatefulSet'].map((k) => ['spec/template/spec/', `//${k}`] as const),
]

/** A `* a b c` (or `** a b c`) line: fields a, b and c under each owner's pod spec. */
function expandPodFields(line: string, owners: readonly (readonly [string, string])[]): FieldSpec[] {
  const fields = line.replace(/^\*+ /, '').split(' ')
  return owners.flatMap(([prefix, owner]) => fields.map((f) => parseLine(`${prefix}${f} @${owner}`)))
}

function parseLine(line: string): FieldSpec {
  const m = /^(\S+)( \+)?(?: @([^/]*)\/([^/]*)\/(\S*))?$/.exec(line)
  if (m === null) throw new Error(`bad builtin field spec: ${line}`)
  return { path: m[1] as string, create: m[2] !== undefined, group: m[3] ?? '', version: m[4] ?? '', kind: m[5] ?? '' }
}

/** Parses the table above into kustomize's builtin configuration, sorted as merges sort it. */
export function parseBuiltinTable(): TransformerConfig {
  const out = emptyConfig()
  for (const field of FIELD_SPEC_FIELDS) {
    out[field] = lines(DEFAULTS[field]).flatMap((l) => (l.startsWith('* ') ? expandPodFields(l, VAR_OWNERS) : [parseLine(l)]))
  }
  for (const line of lines(DEFAULTS.nameReference)) {
    if (line.startsWith('= ')) {
      const [group = '', version = '', kind = ''] = line.slice(2).split('/')
      // The IngressClass entry has group "networking.k8s.io/v1": kustomize's own typo, kept.
      const parts = line.slice(2).split('/')
      const gvk = parts.length > 3 ? { group: `${parts[0]}/${parts[1]}`, version: parts[2] ?? '', kind: parts[3] ?? '' } : { group, version, kind }
      out.nameReference.push({ gvk, referrers: [] })
    } else if (line.startsWith('* ')) {
      out.nameReference.at(-1)?.referrers.push(...expandPodFields(line, POD_SPEC_OWNERS))
    } else if (line.startsWith('** ')) {
      out.nameReference.at(-1)?.referrers.push(...expandPodFields(line, WORKLOAD_OWNERS))
    } else {
      out.nameReference.at(-1)?.referrers.push(parseLine(line))
    }
  }
  sortConfig(out)
  return out
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
}
