// Dotted field paths of vars and replacements (kyaml's SmarterPathSplitter, PathGetter and
// PathMatcher): `spec.containers.0.image`, `spec.containers.[name=web].image`, `a.*.b`.
import { trimCharRun } from '@gitops-sdk/core'
import { stepError } from '../build/fail.js'
import { splitPath } from './fieldSpec.js'
import { goRegExp } from './goRegexp.js'
import type { Value } from '../yaml/values.js'
import { getField, isMap, nodeText, setField } from '../yaml/values.js'

/** kyaml SmarterPathSplitter: splits on `.`, keeping `[a.b=c]` together. */
export function smarterSplit(path: string, delimiter = '.'): string[] {
  const split = splitPath(path, delimiter)
  const out: string[] = []
  for (let i = 0; i < split.length; i++) {
    const elem = split[i] as string
    if (elem.startsWith('[') && !elem.endsWith(']')) {
      const parts = [elem]
      while (i < split.length - 1) {
        i++
        parts.push(split[i] as string)
        if ((split[i] as string).endsWith(']')) break
      }
      const joined = parts.join(delimiter)
      // kyaml's strings.Trim of the brackets: the leading `[` run, then the trailing `]` run.
      out.push(joined.includes('=') ? joined : trimCharRun(trimCharRun(joined, '[', 'start'), ']', 'end'))
    } else {
      out.push(elem)
    }
  }
  return out
}

/** kyaml convertSliceIndex: `ports[0]` → `ports`, `0`. */
export function convertSliceIndex(fields: readonly string[]): string[] {
  const out: string[] = []
  for (const s of fields) {
    const m = s.endsWith(']') ? /^(.*)\[(\d+)\]$/.exec(s) : null
    if (m === null) {
      out.push(s)
      continue
    }
    if (m[1] !== '') out.push(m[1] as string)
    out.push(m[2] as string)
  }
  return out
}

function isListIndex(p: string): boolean {
  return p.startsWith('[') && p.endsWith(']')
}

function splitIndexNameValue(p: string): [string, string] {
  const elem = p.replace(/\]$/, '').replace(/^\[/, '')
  const eq = elem.indexOf('=')
  if (eq < 0) throw stepError('RENDER_TRANSFORM_FAILED', 'list path element must contain fieldName=fieldValue for element to match')
  return [elem.slice(0, eq), elem.slice(eq + 1)]
}

/** kyaml PathGetter (no create): the value at `parts`, or undefined. */
export function lookupPath(node: Value, parts0: readonly string[]): Value | undefined {
  const parts = parts0.map((p) => p.trim()).filter((p) => p !== '')
  let cur: Value | undefined = node
  for (const part of parts) {
    if (cur === undefined || cur === null) return undefined
    if (/^-?\d+$/.test(part)) {
      const idx = Number(part)
      if (idx < 0) throw stepError('RENDER_TRANSFORM_FAILED', `array index ${idx} cannot be negative`)
      if (!Array.isArray(cur)) {
        if (isMap(cur)) throw stepError('RENDER_TRANSFORM_FAILED', `wrong node kind: expected SequenceNode but got MappingNode`)
        return undefined
      }
      cur = cur[idx]
    } else if (part === '-') {
      if (!Array.isArray(cur)) return undefined
      cur = cur[cur.length - 1]
    } else if (part === '*') {
      throw stepError('RENDER_TRANSFORM_FAILED', 'wildcard is not supported in PathGetter')
    } else if (isListIndex(part)) {
      const [name, value] = splitIndexNameValue(part)
      if (!Array.isArray(cur)) return undefined
      cur = cur.find((e) => (name === '' ? !isMap(e) && !Array.isArray(e) && nodeText(e) === value : isMap(e) && getField(e, name) !== undefined && nodeText(getField(e, name)) === value))
    } else {
      if (!isMap(cur)) {
        if (Array.isArray(cur)) throw stepError('RENDER_TRANSFORM_FAILED', `wrong node kind: expected MappingNode but got SequenceNode`)
        return undefined
      }
      cur = getField(cur, part)
    }
  }
  return cur
}

/** A matched field: its value and a way to replace it. */
export interface Slot {
  readonly value: Value
  /** Whether the field did not exist and was created (an untagged node in kyaml). */
  readonly created: boolean
  set(v: Value): void
}

export type MatchCreate = 'scalar' | 'map' | 'seq' | undefined

function kindOfNext(next: string | undefined, create: MatchCreate): 'scalar' | 'map' | 'seq' {
  if (next !== undefined && (isListIndex(next) || /^\d+$/.test(next))) return 'seq'
  if (next === undefined || next === '') return create ?? 'map'
  return 'map'
}

function empty(kind: 'scalar' | 'map' | 'seq'): Value {
  return kind === 'map' ? {} : kind === 'seq' ? [] : null
}

/** kyaml PathMatcher: every field `parts` matches, creating missing ones when `create` is set. */
export function matchPath(root: Value, parts: readonly string[], create: MatchCreate): Slot[] {
  const out: Slot[] = []
  const go = (node: Value, i: number, at: { readonly set: (v: Value) => void; readonly created?: boolean }): void => {
    const { set, created = false } = at
    if (i >= parts.length) {
      out.push({ value: node, set, created })
      return
    }
    const part = parts[i] as string
    const next = parts[i + 1]
    if (/^\d+$/.test(part)) {
      if (!Array.isArray(node)) throw stepError('RENDER_TRANSFORM_FAILED', `wrong node kind: expected SequenceNode`)
      const idx = Number(part)
      let made = false
      if (node.length === idx && create !== undefined) {
        node.push(empty(kindOfNext(next, create)))
        made = true
      }
      if (node.length < idx + 1) throw stepError('RENDER_TRANSFORM_FAILED', `index ${idx} specified but only ${node.length} elements found`)
      go(node[idx] as Value, i + 1, {
        set: (v) => {
          node[idx] = v
        },
        created: made,
      })
      return
    }
    if (isListIndex(part)) {
      if (!Array.isArray(node)) throw stepError('RENDER_TRANSFORM_FAILED', `wrong node kind: expected SequenceNode`)
      const [field, pattern] = splitIndexNameValue(part)
      const re = goRegExp(pattern)
      if (re === undefined) throw stepError('RENDER_TRANSFORM_FAILED', `invalid regular expression ${pattern}`)
      const before = out.length
      const visit = (): void => {
        node.forEach((e, j) => {
          if (field === '') {
            if (isMap(e) || Array.isArray(e)) return
            if (re.test(nodeText(e))) out.push({ value: e, created: false, set: (v) => (node[j] = v) })
            return
          }
          if (!isMap(e)) return
          const f = getField(e, field)
          if (f === undefined || f === null || !re.test(nodeText(f))) return
          go(e, i + 1, { set: (v) => (node[j] = v) })
        })
      }
      visit()
      if (out.length === before && create !== undefined) {
        node.push(field === '' ? pattern : { [field]: pattern })
        visit()
      }
      return
    }
    if (part === '*') {
      if (!Array.isArray(node)) throw stepError('RENDER_TRANSFORM_FAILED', `wrong node kind: expected SequenceNode`)
      node.forEach((e, j) => go(e, i + 1, { set: (v) => (node[j] = v) }))
      return
    }
    if (node === null && create === undefined) return
    if (!isMap(node)) {
      if (node === null) return
      throw stepError('RENDER_TRANSFORM_FAILED', `wrong node kind: expected MappingNode`)
    }
    let field = getField(node, part)
    let made = false
    if (field === undefined) {
      if (create === undefined) return
      field = empty(kindOfNext(next, create))
      setField(node, part, field)
      made = true
    }
    go(field, i + 1, { set: (v) => setField(node, part, v), created: made })
  }
  go(root, 0, { set: () => undefined })
  return out
}
