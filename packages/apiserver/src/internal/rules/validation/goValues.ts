// Values as kube-apiserver prints them inside field errors: apimachinery's ErrorBody prints structs,
// maps and slices with Go's `%#v`, and a type whose pointer has a `String()` (the generated types of
// k8s.io/api and metav1) through that method. These render the shapes the validation rules report.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeValue } from '@gitops-sdk/core'
import { quote as goQuote } from '@gitops-sdk/core/go'
import { text } from '../../state/objects.js'

/** `%#v` of a map[string]string: `map[string]string{"a":"b"}`, keys sorted; absent is `(nil)`. */
export function goStringMap(value: KubeValue | undefined): string {
  if (!isKubeMap(value)) return 'map[string]string(nil)'
  const keys = Object.keys(value).sort()
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(text(value[k]))}`).join(', ')}}`
}

/** `%#v` of a []string: `[]string{"a", "b"}`; absent is `(nil)`. */
export function goStringSlice(value: KubeValue | undefined): string {
  if (!Array.isArray(value)) return '[]string(nil)'
  return `[]string{${value.map((v) => goQuote(text(v))).join(', ')}}`
}

/** metav1.LabelSelector's generated String(), as a `*LabelSelector` prints. */
export function goLabelSelector(value: KubeValue | undefined): string {
  if (!isKubeMap(value)) return 'null'
  const labels = isKubeMap(value.matchLabels) ? value.matchLabels : {}
  const matchLabels = Object.keys(labels)
    .sort()
    .map((k) => `${k}: ${text(labels[k])},`)
    .join('')
  const expressions = (Array.isArray(value.matchExpressions) ? value.matchExpressions : [])
    .map((e) => {
      const r = isKubeMap(e) ? e : {}
      const values = Array.isArray(r.values) ? r.values.map((v) => text(v)).join(' ') : ''
      return `LabelSelectorRequirement{Key:${text(r.key)},Operator:${text(r.operator)},Values:[${values}],},`
    })
    .join('')
  return `&LabelSelector{MatchLabels:map[string]string{${matchLabels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`
}

/** `%#v` of the internal rbac.RoleRef. */
export function goRoleRef(value: KubeValue | undefined): string {
  const r = isKubeMap(value) ? value : {}
  const s = (v: KubeValue | undefined): string => goQuote(typeof v === 'string' ? v : '')
  return `rbac.RoleRef{APIGroup:${s(r.apiGroup)}, Kind:${s(r.kind)}, Name:${s(r.name)}}`
}

/** `%#v` of the internal core.ServicePort key (protocol and port) of a duplicate Service port. */
export function goServicePortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`
}
