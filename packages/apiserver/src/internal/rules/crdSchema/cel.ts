// x-kubernetes-validations rules of CRD schemas, evaluated with @marcbachmann/cel-js (a CEL
// implementation without dependencies, ESM, kept up with the CEL spec). A rule is reported as
// kube-apiserver 1.32 reports it: `<path>: Invalid value: "<schema type>": <message or "failed rule:
// <rule>">`, or Required/Forbidden/Duplicate per its `reason`, on its `fieldPath`. Transition rules
// (those naming `oldSelf`) run only on updates where the old value exists. A rule the library cannot
// parse or run (Kubernetes' own CEL libraries: quantities, URLs, IPs, format.named…) is not evaluated and
// becomes a warning saying so, never a refusal.
import { Environment } from '@marcbachmann/cel-js'
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import type { FieldError } from '../../../status.js'
import { getOwn } from '../../../ssa/ownKeys.js'
import { overflowedOn } from '../../../ssa/deepJson.js'

type Program = (context: Record<string, unknown>) => unknown

const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, enableOptionalTypes: true })
const programs = new Map<string, Program | Error>()

function compile(rule: string): Program | Error {
  let program = programs.get(rule)
  if (program === undefined) {
    try {
      program = env.parse(rule)
    } catch (err) {
      program = err instanceof Error ? err : new Error(String(err))
    }
    programs.set(rule, program)
  }
  return program
}

/**
 * A value as CEL sees it: integers of `type: integer` fields (and int-or-string numbers) are CEL ints.
 * Converted by an explicit stack, as a value may nest as deep as a body may (MAX_JSON_DEPTH).
 */
export function toCel(value: KubeValue | undefined, schema: KubeMap | undefined): unknown {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  const pending: [KubeValue | undefined, KubeMap | undefined, Record<string, unknown> | unknown[], string | number][] = [[value, schema, root, 'value']]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [v, s, parent, key] = next
    let out: unknown = v
    if (typeof v === 'number' && Number.isInteger(v) && (s?.type === 'integer' || s?.['x-kubernetes-int-or-string'] === true)) out = BigInt(v)
    else if (Array.isArray(v)) {
      const items = isKubeMap(s?.items) ? s.items : undefined
      const list = new Array<unknown>(v.length)
      for (let i = 0; i < v.length; i++) pending.push([v[i], items, list, i])
      out = list
    } else if (v !== null && isKubeMap(v)) {
      const properties = isKubeMap(s?.properties) ? s.properties : {}
      const additional = isKubeMap(s?.additionalProperties) ? s.additionalProperties : undefined
      const map: Record<string, unknown> = Object.create(null) as Record<string, unknown>
      for (const [k, child] of Object.entries(v)) {
        // Set now, so the keys keep their order; the value is converted when its turn comes.
        map[k] = undefined
        const property = getOwn(properties, k)
        pending.push([child, isKubeMap(property) ? property : additional, map, k])
      }
      out = map
    }
    if (Array.isArray(parent)) parent[key as number] = out
    else parent[key as string] = out
  }
  return root.value
}

/** What evaluating one node's rules produced. */
export interface CelResult {
  readonly errors: FieldError[]
  readonly warnings: string[]
}

/** One node's inputs: its rules, its value, the old value when there is one, its path and schema type. */
export interface CelNode {
  readonly rules: readonly KubeMap[]
  readonly self: unknown
  readonly oldSelf: { readonly value: unknown } | undefined
  readonly path: string
  readonly schemaType: string
}

const trimmed = (value: KubeValue | undefined): string => (typeof value === 'string' ? value.trim() : '')

function fieldPathOf(path: string, fieldPath: string): string {
  if (fieldPath === '') return path
  const rel = fieldPath.startsWith('.') ? fieldPath.slice(1) : fieldPath
  return path === '' ? rel : rel.startsWith('[') ? `${path}${rel}` : `${path}.${rel}`
}

function failure(rule: KubeMap, node: CelNode, detail: string): FieldError {
  const field = fieldPathOf(node.path, trimmed(rule.fieldPath))
  switch (typeof rule.reason === 'string' ? rule.reason : '') {
    case 'FieldValueRequired':
      return { type: 'Required', field, detail }
    case 'FieldValueForbidden':
      return { type: 'Forbidden', field, detail }
    case 'FieldValueDuplicate':
      return { type: 'Duplicate', field, value: node.schemaType }
    default:
      return { type: 'Invalid', field, value: node.schemaType, detail }
  }
}

function messageOf(rule: KubeMap, context: Record<string, unknown>): string {
  const expression = trimmed(rule.messageExpression)
  if (expression !== '') {
    const program = compile(expression)
    if (!(program instanceof Error)) {
      try {
        const text = program(context)
        if (typeof text === 'string' && text.trim() !== '' && !text.includes('\n')) return text
      } catch {
        // kube-apiserver falls back to the message when the expression fails
      }
    }
  }
  const message = trimmed(rule.message)
  return message !== '' ? message : `failed rule: ${trimmed(rule.rule)}`
}

/** Evaluates one node's rules. */
export function evaluateRules(node: CelNode): CelResult {
  const result: CelResult = { errors: [], warnings: [] }
  for (const rule of node.rules) {
    const text = trimmed(rule.rule)
    if (text === '') continue
    const transition = /\boldSelf\b/.test(text)
    if (transition && node.oldSelf === undefined) {
      if (rule.optionalOldSelf === true) result.warnings.push(`${node.path || '<root>'}: x-kubernetes-validations rule ${JSON.stringify(text)} was not evaluated: optionalOldSelf is not supported by this server`)
      continue
    }
    const program = compile(text)
    const notEvaluated = (why: string): void => {
      result.warnings.push(`${node.path || '<root>'}: x-kubernetes-validations rule ${JSON.stringify(text)} was not evaluated: ${why.split('\n')[0] ?? why}`)
    }
    if (program instanceof Error) {
      notEvaluated(program.message)
      continue
    }
    const context: Record<string, unknown> = { self: node.self }
    if (transition && node.oldSelf !== undefined) context.oldSelf = node.oldSelf.value
    let value: unknown
    try {
      value = program(context)
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      const key = /^No such key: (.*)$/im.exec(message)
      if (key !== null) result.errors.push({ type: 'Invalid', field: node.path, value: node.schemaType, detail: `no such key: ${key[1] ?? ''} evaluating rule: ${messageOrRule(rule)}` })
      // A value too deep for the evaluator's recursion is refused, never admitted unchecked: kube
      // words a rule's runtime error as "<error> evaluating rule: <rule>" (422 Invalid). An overflow
      // inside a builtin may surface as another error (see overflowedOn).
      else if (overflowedOn(err, node.self, node.oldSelf?.value)) result.errors.push({ type: 'Invalid', field: node.path, value: node.schemaType, detail: `exceeded max depth evaluating rule: ${messageOrRule(rule)}` })
      else notEvaluated(message)
      continue
    }
    if (typeof value !== 'boolean') {
      notEvaluated(`the rule gave ${typeof value}, not a bool`)
      continue
    }
    if (!value) result.errors.push(failure(rule, node, messageOf(rule, context)))
  }
  return result
}

function messageOrRule(rule: KubeMap): string {
  const message = trimmed(rule.message)
  return message !== '' ? message : trimmed(rule.rule)
}
