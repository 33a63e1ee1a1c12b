// `vars` (deprecated, still used): a variable names an object's field; `$(NAME)` in the fields
// listed under varReference is replaced by its value once the whole tree is built.
import { stepError } from '../build/fail.js'
import type { FieldSpec } from './configs.js'
import { SpecsByKind, applyFieldSpec } from './fieldSpec.js'
import type { ResId } from '../build/ids.js'
import { gvkString } from '../build/ids.js'
import type { Var } from '../build/kustomization.js'
import { convertSliceIndex, lookupPath, smarterSplit } from './paths.js'
import type { Resource } from '../build/resource.js'
import { effectiveNamespace, isClusterScopedId } from '../build/resource.js'
import type { ResMap } from '../build/resMap.js'
import type { SchemaState } from '../build/schema.js'
import type { Value } from '../yaml/values.js'
import { isMap, numberText } from '../yaml/values.js'

/** A var with its defaults applied (Var.Defaulting). */
export interface ResolvedVar {
  readonly name: string
  readonly id: ResId
  readonly fieldPath: string
}

export function resolveVar(v: Var): ResolvedVar {
  const o = v.objref ?? {}
  let group = o.group ?? ''
  let version = o.version ?? ''
  if (o.apiVersion !== undefined && o.apiVersion !== '') {
    const parts = o.apiVersion.split('/')
    if (parts.length === 2) {
      group = parts[0] as string
      version = parts[1] as string
    } else if (parts.length === 1) version = parts[0] as string
  }
  const fieldPath = v.fieldref?.fieldPath === undefined || v.fieldref.fieldPath === '' ? 'metadata.name' : v.fieldref.fieldPath
  return { name: v.name ?? '', id: { group, version, kind: o.kind ?? '', name: o.name ?? '', namespace: o.namespace ?? '' }, fieldPath }
}

export function describeVar(v: ResolvedVar): string {
  return `{${v.name} ${gvkString(v.id)} {${v.fieldPath}}}`
}

/** The var set of an accumulation: unique names. */
export class VarSet {
  private readonly vars = new Map<string, ResolvedVar>()

  merge(v: ResolvedVar): void {
    if (this.vars.has(v.name)) throw stepError('RENDER_TRANSFORM_FAILED', `var '${v.name}' already encountered`)
    this.vars.set(v.name, v)
  }

  mergeSet(other: VarSet): void {
    for (const v of other.vars.values()) this.merge(v)
  }

  /** Sorted by name, as VarSet.AsSlice. */
  list(): ResolvedVar[] {
    return [...this.vars.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }
}

/** ResAccumulator.MergeVars: attaches each var to the one object it names, then records it. */
export function mergeVars(m: ResMap, vars: { readonly list: readonly Var[]; readonly into: VarSet }, schemas: SchemaState): void {
  const { list, into: set } = vars
  for (const raw of list) {
    const v = resolveVar(raw)
    const byNs = v.id.namespace !== '' || isClusterScopedId(v.id, schemas)
    const want = byNs ? effectiveNamespace(v.id, schemas) : ''
    const matched = m.resources().filter((r) =>
      [...r.prevIdList(), r.curId()].some(
        (id) =>
          id.name === v.id.name &&
          id.group === v.id.group &&
          id.version === v.id.version &&
          id.kind === v.id.kind &&
          (!byNs || effectiveNamespace(id, schemas) === want),
      ),
    )
    if (matched.length > 1) {
      throw stepError('RENDER_TRANSFORM_FAILED', `found ${matched.length} resId matches for var ${describeVar(v)} (unable to disambiguate)`)
    }
    if (matched.length === 1) (matched[0] as Resource).refVarNames.push(v.name)
  }
  for (const raw of list) set.merge(resolveVar(raw))
}

type Primitive = string | number | bigint | boolean

/** ResolveVars: the value of every var, then `$(VAR)` replaced in the varReference fields. */
export function resolveVars(m: ResMap, vars: { readonly set: VarSet; readonly fieldSpecs: readonly FieldSpec[] }, warn: (msg: string) => void): void {
  const { set, fieldSpecs } = vars
  const values = new Map<string, Value>()
  for (const v of set.list()) {
    const owner = m.resources().find((r) => r.refVarNames.includes(v.name))
    if (owner === undefined) {
      throw stepError('RENDER_TRANSFORM_FAILED', `var '${describeVar(v)}' cannot be mapped to a field in the set of known resources`)
    }
    const value = lookupPath(owner.obj, convertSliceIndex(smarterSplit(v.fieldPath)))
    if (value === undefined) throw stepError('RENDER_TRANSFORM_FAILED', `field specified in var '${describeVar(v)}' not found in corresponding resource`)
    values.set(v.name, value)
  }
  if (values.size === 0) return
  const used = new Set<string>()
  const mapping = (key: string): Primitive => {
    const v = values.get(key)
    if (v === undefined || v === null || typeof v === 'object') return `$(${key})`
    used.add(key)
    return v
  }
  const specs = new SpecsByKind(fieldSpecs)
  for (const r of m.resources()) {
    for (const fieldSpec of specs.for(r.kind)) {
      applyFieldSpec(r.obj, { fieldSpec, create: undefined }, (v, setter) => {
        if (v === null) return
        if (typeof v === 'string') {
          setter(doReplacements(v, mapping))
          return
        }
        if (Array.isArray(v)) {
          v.forEach((item, i) => {
            if (typeof item !== 'string') throw stepError('RENDER_TRANSFORM_FAILED', 'invalid value type expect a string')
            v[i] = doReplacements(item, mapping)
          })
          return
        }
        if (isMap(v)) {
          for (const k of Object.keys(v)) {
            const item = v[k]
            if (typeof item === 'string') v[k] = doReplacements(item, mapping)
          }
        }
      })
    }
  }
  const unused = [...values.keys()].filter((k) => !used.has(k))
  if (unused.length > 0) warn(`well-defined vars that were never replaced: ${unused.join(',')}`)
}

/** refvar DoReplacements: `$(VAR)` expansion; `$$` is a literal `$`; a lone `$(VAR)` keeps its type. */
export function doReplacements(input: string, mapping: (key: string) => Primitive): Value {
  let out = ''
  let checkpoint = 0
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue
    out += input.slice(checkpoint, cursor)
    const rest = input.slice(cursor + 1)
    let advance = 1
    if (rest[0] === '$') {
      out += '$'
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1)
      if (close < 0) {
        out += '$('
      } else {
        const name = rest.slice(1, close)
        const mapped = mapping(name)
        if (input === `$(${name})`) return mapped
        out += typeof mapped === 'number' ? numberText(mapped) : String(mapped)
        advance = close + 1
      }
    } else {
      out += `$${rest[0] as string}`
    }
    cursor += advance
    checkpoint = cursor + 1
  }
  return out + input.slice(checkpoint)
}
