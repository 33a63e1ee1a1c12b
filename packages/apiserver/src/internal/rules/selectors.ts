// Label and field selectors of list and watch (SPEC.md §7.2).
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { stringMap, valueAt } from '../state/objects.js'
import type { ResourceType } from '../state/registry.js'
import { badRequest } from '../../status.js'
import { getOwn, hasOwn } from '../../ssa/ownKeys.js'
import { stringifyJson } from '../../ssa/deepJson.js'

/** A compiled selector: true when an object matches. */
export type Matcher = (object: KubeObject) => boolean

type Requirement = (labels: Record<string, string>) => boolean

function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}

const keyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/

/** A term split at its operator: the text before it, `==`, `=` or `!=`, and the value after it. */
interface Term {
  readonly left: string
  readonly op: string
  readonly value: string
}

/**
 * A selector term split as `^(…)\s*(==|=|!=)\s*(.*)$` splits it, read without a pattern (the
 * patterns gave back white space one character at a time and rescanned the rest, quadratic on a long
 * term). The operator starts at the first `!` or `=`, with something before it; the value loses its
 * leading white space and may hold no line break (`.` stops at one). Undefined where the pattern finds
 * no match.
 */
function splitTerm(text: string): Term | undefined {
  const k = text.search(/[!=]/)
  if (k < 1) return undefined
  const op = text.startsWith('==', k) ? '==' : text.startsWith('=', k) ? '=' : text.startsWith('!=', k) ? '!=' : undefined
  if (op === undefined) return undefined
  const value = text.slice(k + op.length).trimStart()
  if (/[\n\r\u2028\u2029]/.test(value)) return undefined
  return { left: text.slice(0, k), op, value }
}

/**
 * One label requirement with an operator as `^([^\s!=]+)\s*(==|=|!=)\s*(.*)$` reads it, or undefined
 * where that finds no match: the key before the operator is not empty and holds no white space.
 */
function labelTerm(text: string): { readonly key: string; readonly op: string; readonly value: string } | undefined {
  const term = splitTerm(text)
  if (term === undefined) return undefined
  const key = term.left.trimEnd()
  if (key === '' || /\s/.test(key)) return undefined
  return { key, op: term.op, value: term.value }
}

function requirement(text: string): Requirement {
  const fail = (why: string): never => {
    throw badRequest(`unable to parse requirement: ${why}`)
  }
  const checkKey = (key: string): string => {
    if (!keyPattern.test(key)) fail(`<nil>: Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`)
    return key
  }
  const checkValue = (value: string): string => {
    if (!valuePattern.test(value) || value.length > 63) fail(`values[0][${value}]: Invalid value: ${JSON.stringify(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'`)
    return value
  }
  const set = /^(!?[^\s!=()]+)\s+(in|notin)\s+\((.*)\)$/.exec(text)
  if (set !== null) {
    const key = checkKey(set[1] ?? '')
    const values = (set[3] ?? '').split(',').map((v) => checkValue(v.trim()))
    return set[2] === 'in' ? (l) => hasOwn(l, key) && values.includes(l[key] ?? '') : (l) => !hasOwn(l, key) || !values.includes(l[key] ?? '')
  }
  const op = labelTerm(text)
  if (op !== undefined) {
    const key = checkKey(op.key)
    const value = checkValue(op.value.trim())
    return op.op === '!=' ? (l) => getOwn(l, key) !== value : (l) => hasOwn(l, key) && l[key] === value
  }
  if (text.startsWith('!')) {
    const key = checkKey(text.slice(1).trim())
    return (l) => !hasOwn(l, key)
  }
  const key = checkKey(text)
  return (l) => hasOwn(l, key)
}

/** Compiles a `labelSelector`; a parse error is a 400 starting `unable to parse requirement: `. */
export function labelMatcher(selector: string | undefined): Matcher {
  if (selector === undefined || selector.trim() === '') return () => true
  const requirements = splitTopLevel(selector).map(requirement)
  return (object) => {
    const labels = stringMap(object.metadata.labels)
    return requirements.every((r) => r(labels))
  }
}

const builtinFields: Record<string, readonly string[]> = {
  '/pods': ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP'],
  '/secrets': ['type'],
  '/namespaces': ['status.phase'],
  'batch/jobs': ['status.successful'],
  'apps/replicasets': ['status.replicas'],
  // As kube-apiserver's event strategy registers them (`kubectl events --for` selects on apiVersion).
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
}

/** Selectable fields whose value lives elsewhere in the object. */
const fieldPaths: Record<string, string> = { '/events source': 'source.component' }

function fieldValue(object: KubeObject, path: string): string {
  const value = valueAt(object, path)
  if (value === undefined || value === null) return ''
  return typeof value === 'object' ? stringifyJson(value) : String(value)
}

/**
 * One field selector term as `^([^!=]+?)\s*(==|=|!=)\s*(.*)$` reads it (path and value trimmed), or
 * undefined where that finds no match.
 */
function fieldTerm(text: string): { readonly path: string; readonly op: string; readonly value: string } | undefined {
  const term = splitTerm(text)
  return term === undefined ? undefined : { path: term.left.trim(), op: term.op, value: term.value.trimEnd() }
}

/** Compiles a `fieldSelector` for a type; unsupported fields are a 400. */
export function fieldMatcher(type: ResourceType, selector: string | undefined): Matcher {
  if (selector === undefined || selector.trim() === '') return () => true
  const allowed = ['metadata.name', 'metadata.namespace', ...(type.crd?.selectableFields ?? builtinFields[`${type.group}/${type.plural}`] ?? [])]
  const tests = splitTopLevel(selector).map((term) => {
    const m = fieldTerm(term)
    if (m === undefined) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`)
    const path = m.path
    if (!allowed.includes(path)) {
      if (type.crd !== undefined) throw badRequest(`field label not supported: ${path}`)
      throw badRequest(`"${path}" is not a known field selector: only "metadata.name", "metadata.namespace"`)
    }
    const value = m.value
    const field = fieldPaths[`${type.group}/${type.plural} ${path}`] ?? path
    return m.op === '!=' ? (o: KubeObject) => fieldValue(o, field) !== value : (o: KubeObject) => fieldValue(o, field) === value
  })
  return (object) => tests.every((t) => t(object))
}

/**
 * A metav1.LabelSelector as selector text, as LabelSelectorAsSelector builds its requirements;
 * undefined where it returns an error: an operator other than In, NotIn, Exists and DoesNotExist,
 * In/NotIn without values, Exists/DoesNotExist with values. `{}` is the empty text (everything).
 */
export function labelSelectorString(selector: KubeMap): string | undefined {
  const parts: string[] = []
  // Values that are not strings would not have decoded into the Go type: an error as well.
  if (isKubeMap(selector.matchLabels)) {
    for (const [k, v] of Object.entries(selector.matchLabels)) {
      if (typeof v !== 'string') return undefined
      parts.push(`${k}=${v}`)
    }
  }
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []
  for (const e of expressions) {
    if (!isKubeMap(e)) return undefined
    const key = typeof e.key === 'string' ? e.key : ''
    const values = Array.isArray(e.values) ? e.values : []
    if (!values.every((v) => typeof v === 'string')) return undefined
    const operator = typeof e.operator === 'string' ? e.operator : ''
    switch (operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return undefined
        parts.push(`${key} ${operator === 'In' ? 'in' : 'notin'} (${values.join(',')})`)
        break
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return undefined
        parts.push(operator === 'Exists' ? key : `!${key}`)
        break
      default:
        return undefined
    }
  }
  return parts.join(',')
}

/**
 * A metav1.LabelSelector as a matcher of label maps: `{}` matches everything, and a selector
 * LabelSelectorAsSelector refuses (or whose keys and values are not valid) matches nothing, as
 * the webhook dispatcher and the ClusterRole aggregation controller treat an error.
 */
export function labelSelectorMatcher(selector: KubeMap): (labels: KubeValue | undefined) => boolean {
  const text = labelSelectorString(selector)
  if (text === undefined) return () => false
  let matcher: Matcher
  try {
    matcher = labelMatcher(text)
  } catch {
    return () => false
  }
  return (labels) => matcher({ metadata: { name: '', labels: isKubeMap(labels) ? labels : {} } } as unknown as KubeObject)
}
