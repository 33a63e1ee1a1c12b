// Label selectors as apimachinery's ValidateLabelSelector (Kubernetes 1.32) checks them, and whether a
// selector matches a set of labels as LabelSelectorAsSelector's result does.
import type { KubeValue } from '@gitops-sdk/core'
import { isKubeMap } from '@gitops-sdk/core'
import { stringMap } from '../../state/objects.js'
import { hasOwn } from '../../../ssa/ownKeys.js'
import type { FieldError } from '../../../status.js'
import { labelValueErrors, qualifiedNameErrors } from './formats.js'
import { labelErrors } from './meta.js'
import { listOf, stringOf } from './pods.js'

/**
 * Field errors of a label selector at `field` (`spec.selector`), as ValidateLabelSelector and
 * ValidateLabelSelectorRequirement word them: matchLabels, then each expression's operator and its
 * values (In/NotIn need one, Exists/DoesNotExist take none), its key (a qualified name) and each
 * value (a label value).
 */
export function labelSelectorErrors(value: KubeValue | undefined, field: string): FieldError[] {
  if (!isKubeMap(value)) return []
  const errors = labelErrors(stringMap(value.matchLabels), `${field}.matchLabels`)
  listOf(value.matchExpressions).forEach((e, i) => {
    const at = `${field}.matchExpressions[${i}]`
    const operator = stringOf(e.operator)
    const values = Array.isArray(e.values) ? e.values : []
    switch (operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errors.push({ type: 'Required', field: `${at}.values`, detail: "must be specified when `operator` is 'In' or 'NotIn'" })
        break
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errors.push({ type: 'Forbidden', field: `${at}.values`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" })
        break
      default:
        errors.push({ type: 'Invalid', field: `${at}.operator`, value: operator, detail: 'not a valid selector operator' })
    }
    const key = stringOf(e.key)
    for (const detail of qualifiedNameErrors(key)) errors.push({ type: 'Invalid', field: `${at}.key`, value: key, detail })
    // Each value must be a label value (AllowInvalidLabelValueInSelector is false on create).
    values.forEach((v, j) => {
      if (typeof v !== 'string') return
      for (const detail of labelValueErrors(v)) errors.push({ type: 'Invalid', field: `${at}.values[${j}]`, value: v, detail })
    })
  })
  return errors
}

/** How a selector behaves: an absent one selects nothing, an empty one everything. */
export type SelectorKind = 'nothing' | 'everything' | 'some'

/** Whether the selector is absent, empty or selective. */
export function selectorKind(value: KubeValue | undefined): SelectorKind {
  if (!isKubeMap(value)) return 'nothing'
  const labels = isKubeMap(value.matchLabels) ? Object.keys(value.matchLabels).length : 0
  const expressions = Array.isArray(value.matchExpressions) ? value.matchExpressions.length : 0
  return labels + expressions === 0 ? 'everything' : 'some'
}

/** Whether a selector matches labels (own keys only). */
export function selectorMatches(value: KubeValue | undefined, labels: Record<string, string>): boolean {
  const kind = selectorKind(value)
  if (kind !== 'some' || !isKubeMap(value)) return kind === 'everything'
  for (const [k, v] of Object.entries(stringMap(value.matchLabels))) if (!hasOwn(labels, k) || labels[k] !== v) return false
  for (const e of listOf(value.matchExpressions)) {
    const key = stringOf(e.key)
    const values = Array.isArray(e.values) ? e.values.map(String) : []
    const has = hasOwn(labels, key)
    const current = has ? labels[key] : undefined
    switch (stringOf(e.operator)) {
      case 'In':
        if (!has || !values.includes(current ?? '')) return false
        break
      case 'NotIn':
        if (has && values.includes(current ?? '')) return false
        break
      case 'Exists':
        if (!has) return false
        break
      case 'DoesNotExist':
        if (has) return false
        break
      default:
        return false
    }
  }
  return true
}
