// The JSONPath of CRD printer columns, as client-go's util/jsonpath evaluates them for the custom
// resource table convertor: `.a.b`, `['a.b']`, `[n]`, `[*]`, and filters `[?(@.type=="Ready")]`
// (`==`, `!=`, or a bare `@.field` for existence). Walks own properties only.
import type { KubeValue } from '@gitops-sdk/core'
import { stringifyJson } from '../../ssa/deepJson.js'

type Step =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'all' }
  | { readonly kind: 'filter'; readonly path: readonly Step[]; readonly op: '==' | '!=' | 'exists'; readonly value: string }

/** Parses a column's jsonPath; undefined when it is beyond this subset. */
export function parseJsonPath(path: string): Step[] | undefined {
  let text = path.trim()
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1)
  if (text.startsWith('$')) text = text.slice(1)
  const steps: Step[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === '.') {
      const m = /^\.([^.[\]]+)/.exec(text.slice(i))
      if (m?.[1] === undefined) return undefined
      steps.push({ kind: 'field', name: m[1] })
      i += m[0].length
    } else if (c === '[') {
      const end = matchingBracket(text, i)
      if (end < 0) return undefined
      const inner = text.slice(i + 1, end).trim()
      i = end + 1
      if (inner === '*') steps.push({ kind: 'all' })
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) })
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) })
      else if (inner.startsWith('?(') && inner.endsWith(')')) {
        const filter = parseFilter(inner.slice(2, -1).trim())
        if (filter === undefined) return undefined
        steps.push(filter)
      } else return undefined
    } else return undefined
  }
  return steps
}

function matchingBracket(text: string, open: number): number {
  let depth = 0
  let quote: string | undefined
  for (let i = open; i < text.length; i++) {
    const c = text[i]
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      continue
    }
    if (c === '"' || c === "'") quote = c
    else if (c === '[') depth++
    else if (c === ']' && --depth === 0) return i
  }
  return -1
}

function parseFilter(expr: string): Step | undefined {
  const m = /^@((?:\.[^.\s=!]+)+)\s*(?:(==|!=)\s*(?:"([^"]*)"|'([^']*)'|([^\s]+)))?$/.exec(expr)
  if (m?.[1] === undefined) return undefined
  const path = parseJsonPath(m[1])
  if (path === undefined) return undefined
  const op = (m[2] as '==' | '!=' | undefined) ?? 'exists'
  return { kind: 'filter', path, op, value: m[3] ?? m[4] ?? m[5] ?? '' }
}

const isMap = (v: KubeValue | undefined): v is { [key: string]: KubeValue } => v !== null && typeof v === 'object' && !Array.isArray(v)

function scalarText(v: KubeValue): string {
  return typeof v === 'string' ? v : stringifyJson(v)
}

/** The values `steps` select from `root`, in order. */
export function evaluate(steps: readonly Step[], root: KubeValue): KubeValue[] {
  let current: KubeValue[] = [root]
  for (const step of steps) {
    const next: KubeValue[] = []
    for (const v of current) {
      switch (step.kind) {
        case 'field':
          if (isMap(v) && Object.hasOwn(v, step.name)) next.push(v[step.name] ?? null)
          break
        case 'index':
          if (Array.isArray(v)) {
            const at = step.index < 0 ? v.length + step.index : step.index
            if (at >= 0 && at < v.length) next.push(v[at] ?? null)
          }
          break
        case 'all':
          if (Array.isArray(v)) next.push(...v)
          else if (isMap(v)) next.push(...Object.values(v))
          break
        case 'filter':
          if (Array.isArray(v)) {
            for (const item of v) {
              const found = evaluate(step.path, item)
              if (step.op === 'exists' ? found.length > 0 : found.some((f) => (scalarText(f) === step.value) === (step.op === '=='))) next.push(item)
            }
          }
          break
      }
    }
    current = next
  }
  return current
}
