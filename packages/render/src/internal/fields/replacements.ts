// ReplacementTransformer (`replacements`): copies a value from one object's field into fields of
// other objects, with kustomize v5.5.0's selection (by any id, label and annotation selectors,
// rejects), delimiter options, and field creation.
import { resolveScalar } from '@gitops-sdk/core/yaml'
import type { KubeMap } from '@gitops-sdk/core'
import { stepError } from '../build/fail.js'
import type { Gvk, ResId } from '../build/ids.js'
import { gvkSelected, gvkString } from '../build/ids.js'
import type { Replacement, Selector, SourceSelector, TargetSelector } from '../build/kustomization.js'
import { matchesSelector, parseLabelSelector } from './labelSelector.js'
import type { MatchCreate } from './paths.js'
import { lookupPath, matchPath, smarterSplit } from './paths.js'
import type { Resource } from '../build/resource.js'
import { effectiveNamespace } from '../build/resource.js'
import type { ResMap } from '../build/resMap.js'
import type { SchemaState } from '../build/schema.js'
import type { TransformContext, Transformer } from '../transformers/context.js'
import type { Value } from '../yaml/values.js'
import { clone, isMap, isNilOrEmpty, nodeText, scalarTextAt } from '../yaml/values.js'

function selectorGvk(s: Selector | SourceSelector): Gvk {
  return { group: s.group ?? '', version: s.version ?? '', kind: s.kind ?? '' }
}

/** ResId.IsSelectedBy. */
function selectedBy(id: ResId, s: Selector | SourceSelector, schemas: SchemaState): boolean {
  if (s.name !== undefined && s.name !== '' && s.name !== id.name) return false
  if (s.namespace !== undefined && s.namespace !== '') {
    const sel: ResId = { ...selectorGvk(s), name: s.name ?? '', namespace: s.namespace }
    if (effectiveNamespace(sel, schemas) !== effectiveNamespace(id, schemas)) return false
  }
  return gvkSelected(id, selectorGvk(s))
}

function idsOf(r: Resource): ResId[] {
  return [r.curId(), ...r.prevIdList()]
}

function describeSelector(s: SourceSelector): string {
  const id = `${gvkString(selectorGvk(s))}/${s.name || '[noName]'}.${s.namespace || '[noNs]'}`
  return s.fieldPath === undefined || s.fieldPath === '' ? id : `${id}:${s.fieldPath}`
}

export class ReplacementTransformer implements Transformer {
  readonly kind = 'ReplacementTransformer'
  constructor(private readonly replacements: readonly Replacement[]) {}

  transform(m: ResMap, ctx: TransformContext): void {
    for (const r of this.replacements) {
      if (r.source === undefined || r.targets === undefined) {
        throw stepError('RENDER_TRANSFORM_FAILED', 'replacements must specify a source and at least one target')
      }
      const value = sourceValue(m, r.source, ctx.schemas)
      for (const t of r.targets) applyTarget(m, { source: value, target: t }, ctx.schemas)
    }
  }
}

/** A replacement's source: its value, and the text kyaml would copy from its node. */
interface Source {
  readonly value: Value
  readonly text: string
}

function sourceValue(m: ResMap, s: SourceSelector, schemas: SchemaState): Source {
  const matches = m.resources().filter((r) => idsOf(r).some((id) => selectedBy(id, s, schemas)))
  if (matches.length > 1) throw stepError('RENDER_TRANSFORM_FAILED', `multiple matches for selector ${describeSelector(s)}`)
  const source = matches[0]
  if (source === undefined) throw stepError('RENDER_TRANSFORM_FAILED', `nothing selected by ${describeSelector(s)}`)
  const fieldPath = s.fieldPath === undefined || s.fieldPath === '' ? 'metadata.name' : s.fieldPath
  const path = smarterSplit(fieldPath)
  const v = lookupPath(source.obj, path)
  if (v === undefined || isNilOrEmpty(v)) {
    throw stepError('RENDER_TRANSFORM_FAILED', `fieldPath \`${fieldPath}\` is missing for replacement source ${describeSelector({ ...s, fieldPath: '' })}`)
  }
  const text = sourceText(source.obj, path) ?? nodeText(v)
  const o = s.options
  if (o?.delimiter === undefined || o.delimiter === '') return { value: v, text }
  if (isMap(v) || Array.isArray(v)) throw stepError('RENDER_TRANSFORM_FAILED', 'delimiter option can only be used with scalar nodes')
  const parts = text.split(o.delimiter)
  const index = o.index ?? 0
  if (index >= parts.length || index < 0) throw stepError('RENDER_TRANSFORM_FAILED', `options.index ${index} is out of bounds for value ${text}`)
  const part = parts[index] as string
  return { value: retype(v, part, false), text: part }
}

/**
 * The text a scalar source was written as (`1.10`, `0x10`, `True`) when the reader recorded one:
 * kyaml copies the node's text, as kustomize v5.5.0 does, not the number's canonical form.
 */
function sourceText(obj: KubeMap, path: readonly string[]): string | undefined {
  const parts = path.map((p) => p.trim()).filter((p) => p !== '')
  const last = parts.at(-1)
  if (last === undefined) return undefined
  const parent = lookupPath(obj, parts.slice(0, -1))
  if (Array.isArray(parent) && /^\d+$/.test(last)) return scalarTextAt(parent, Number(last))
  return isMap(parent) ? scalarTextAt(parent, last) : undefined
}

function matchesAnnoAndLabel(r: Resource, s: Selector): boolean {
  const a = s.annotationSelector ?? ''
  const l = s.labelSelector ?? ''
  if (a !== '' && !matchesSelector(parseLabelSelector(a), r.annotations())) return false
  if (l !== '' && !matchesSelector(parseLabelSelector(l), r.labels())) return false
  return true
}

function hasResId(s: Selector): boolean {
  return [s.group, s.version, s.kind, s.name, s.namespace].some((x) => x !== undefined && x !== '')
}

function applyTarget(m: ResMap, what: { readonly source: Source; readonly target: TargetSelector }, schemas: SchemaState): void {
  const { source, target: t } = what
  const select = t.select
  if (select === undefined) throw stepError('RENDER_TRANSFORM_FAILED', 'target must specify resources to select')
  const fieldPaths = t.fieldPaths === undefined || t.fieldPaths.length === 0 ? ['metadata.name'] : t.fieldPaths
  for (const r of m.resources()) {
    if (!matchesAnnoAndLabel(r, select)) continue
    const rejects = t.reject ?? []
    if (rejects.some((rej) => ((rej.annotationSelector ?? '') !== '' || (rej.labelSelector ?? '') !== '') && matchesAnnoAndLabel(r, rej))) continue
    const ids = idsOf(r)
    const rejected = rejects.some((rej) => hasResId(rej) && ids.some((id) => selectedBy(id, rej, schemas)))
    if (rejected || !ids.some((id) => selectedBy(id, select, schemas))) continue
    copyToTarget(r.obj, { source, target: t }, fieldPaths)
  }
  m.invalidate()
}

function copyToTarget(target: KubeMap, what: { readonly source: Source; readonly target: TargetSelector }, fieldPaths: readonly string[]): void {
  const { source, target: t } = what
  const value = source.value
  const create: MatchCreate = t.options?.create === true ? (Array.isArray(value) ? 'seq' : isMap(value) ? 'map' : 'scalar') : undefined
  for (const fp of fieldPaths) {
    const slots = matchPath(target, smarterSplit(fp), create)
    if (slots.length === 0) {
      throw stepError('RENDER_TRANSFORM_FAILED', create !== undefined ? `unable to find or create field "${fp}" in replacement target` : `unable to find field "${fp}" in replacement target`)
    }
    for (const slot of slots) {
      let v = clone(value)
      let text = source.text
      const o = t.options
      if (o?.delimiter !== undefined && o.delimiter !== '') {
        if (isMap(slot.value) || Array.isArray(slot.value)) throw stepError('RENDER_TRANSFORM_FAILED', 'delimiter option can only be used with scalar nodes')
        const tv = nodeText(slot.value).split(o.delimiter)
        const index = o.index ?? 0
        if (index < 0) tv.unshift(text)
        else if (index >= tv.length) tv.push(text)
        else tv[index] = text
        text = tv.join(o.delimiter)
        v = retype(v, text, false)
      }
      if (slot.value !== null && typeof slot.value === 'object') {
        slot.set(v)
      } else if (slot.created) {
        slot.set(isMap(v) || Array.isArray(v) ? v : resolvePlain(nodeText(v)))
      } else if (isMap(v) || Array.isArray(v)) {
        slot.set(v)
      } else {
        slot.set(retype(slot.value, text, false))
      }
    }
  }
}

/** A scalar node keeping `like`'s type with new text (kyaml sets Value and keeps the tag). */
export function retype(like: Value, text: string, created: boolean): Value {
  if (created) return resolvePlain(text)
  if (typeof like === 'number' || typeof like === 'bigint' || typeof like === 'boolean') {
    // The node keeps its tag and takes the text: go-yaml reads `010` as 8 and `True` as true.
    const r = resolvePlain(text)
    if (typeof r === typeof like || (typeof like !== 'boolean' && (typeof r === 'number' || typeof r === 'bigint'))) return r
  }
  if (typeof like === 'number' || typeof like === 'bigint') {
    if (/^[-+]?\d+$/.test(text)) {
      const n = Number(text)
      return Number.isSafeInteger(n) ? n : BigInt(text)
    }
    const f = Number(text)
    return text.trim() !== '' && Number.isFinite(f) ? f : text
  }
  if (typeof like === 'boolean') return text === 'true' ? true : text === 'false' ? false : text
  return text
}

/** How go-yaml v3 reads an untagged plain scalar (core's resolver). */
export function resolvePlain(text: string): Value {
  const r = resolveScalar(text)
  switch (r.tag) {
    case '!!null':
      return null
    case '!!bool':
    case '!!float':
      return r.value
    case '!!int':
      return Number.isSafeInteger(Number(r.value)) ? Number(r.value) : r.value
    case '!!timestamp':
      // kubectl prints the time as JSON does (RFC 3339), after a round trip through Go's time.Time.
      return r.value
    case '!!str':
    case '!!binary':
      return text
  }
}
