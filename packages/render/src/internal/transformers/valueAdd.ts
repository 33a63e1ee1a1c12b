// ValueAddTransformer: writes one value into a field of the selected objects, creating the field
// (and list elements named `[key=value]`) when missing, as kustomize v5.5.0's builtin plugin and its
// valueadd filter do. `metadata/namespace` goes through the namespace transformer instead, and
// `filePathPosition` inserts the value into a file path held by the field.
import { stepError } from '../build/fail.js'
import type { Selector } from '../build/kustomization.js'
import type { ResMap } from '../build/resMap.js'
import { selectResources } from '../fields/select.js'
import { resolvePlain } from '../fields/replacements.js'
import type { Value } from '../yaml/values.js'
import { getField, isMap, nodeText, setField } from '../yaml/values.js'
import type { TransformContext, Transformer } from './context.js'
import { NamespaceTransformer } from './namespace.js'

export interface ValueAddTarget {
  readonly selector?: Selector | undefined
  readonly fieldPath: string
  readonly filePathPosition: number
}

/** Splits a field path on `/`, where `\/` keeps a slash inside a field name. */
function splitFields(path: string): string[] {
  const out: string[] = []
  for (const part of path.split('/')) {
    const last = out[out.length - 1]
    if (last !== undefined && last.endsWith('\\')) out[out.length - 1] = `${last.slice(0, -1)}/${part}`
    else out.push(part)
  }
  return out
}

function kindName(v: Value | undefined): string {
  return Array.isArray(v) ? 'SequenceNode' : isMap(v) ? 'MappingNode' : 'ScalarNode'
}

/** kyaml's LookupCreate(ScalarNode, fields…): the slot at the path, created where missing. */
function lookupCreate(root: Value, fields: readonly string[]): { value: Value; set: (v: Value) => void } {
  let node: Value = root
  let set: (v: Value) => void = () => undefined
  for (let i = 0; i < fields.length; i++) {
    const part = fields[i] as string
    const next = fields[i + 1]
    const fresh = (): Value => (next === undefined ? null : next.startsWith('[') || /^\d+$/.test(next) ? [] : {})
    if (part.startsWith('[') && part.endsWith(']')) {
      const eq = part.indexOf('=')
      if (!Array.isArray(node)) throw stepError('RENDER_TRANSFORM_FAILED', `wrong node kind: expected SequenceNode but got ${kindName(node)}`)
      if (eq < 0) throw stepError('RENDER_TRANSFORM_FAILED', `${part}: a list element needs fieldName=fieldValue`)
      const key = part.slice(1, eq)
      const want = part.slice(eq + 1, -1)
      const list: Value[] = node
      let index = list.findIndex((e) => isMap(e) && nodeText(getField(e, key)) === want)
      if (index < 0) {
        list.push({ [key]: want })
        index = list.length - 1
      }
      const at = index
      node = list[at] as Value
      set = (v) => {
        list[at] = v
      }
      continue
    }
    if (/^\d+$/.test(part) && Array.isArray(node)) {
      const list: Value[] = node
      const at = Number(part)
      if (at >= list.length) throw stepError('RENDER_TRANSFORM_FAILED', `index ${at} specified but only ${list.length} elements found`)
      node = list[at] as Value
      set = (v) => {
        list[at] = v
      }
      continue
    }
    if (!isMap(node)) throw stepError('RENDER_TRANSFORM_FAILED', `wrong node kind: expected MappingNode but got ${kindName(node)}`)
    const map = node
    let child = getField(map, part)
    if (child === undefined) {
      child = fresh()
      setField(map, part, child)
    }
    node = child
    set = (v) => setField(map, part, v)
  }
  return { value: node, set }
}

/** Go's filepath.Join: empty parts skipped, the result cleaned (`.` and `..` resolved, no trailing slash). */
function joinClean(parts: readonly string[]): string {
  const absolute = parts[0] === ''
  const kept = parts.filter((p) => p !== '')
  if (kept.length === 0) return absolute ? '/' : ''
  const out: string[] = []
  for (const seg of kept.join('/').split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop()
    else if (seg === '..' && absolute) continue
    else out.push(seg)
  }
  const body = out.join('/')
  return absolute ? `/${body}` : body === '' ? '.' : body
}

/** kyaml filesys.InsertPathPart: `part` inserted at position `pos` of the path (0 prefixes). */
function insertPathPart(path: string, pos0: number, part: string): string {
  if (part === '') return path
  const parts = path === '' ? [] : path.split('/').reduce<string[]>((acc, p, i) => (i > 0 && p === '' ? acc : [...acc, p]), [])
  let pos = Math.min(Math.max(pos0, 0), parts.length)
  if (parts.length > 0 && parts[0] === '' && pos < parts.length) pos++
  return joinClean([...parts.slice(0, pos), part, ...parts.slice(pos)])
}

export class ValueAddTransformer implements Transformer {
  readonly kind = 'ValueAddTransformer'
  constructor(
    private readonly value: string,
    private readonly targets: readonly ValueAddTarget[],
  ) {}

  transform(m: ResMap, ctx: TransformContext): void {
    for (const t of this.targets) {
      const resources = t.selector === undefined ? m.resources() : selectResources(m, t.selector, ctx.schemas)
      for (const r of resources) {
        if (t.fieldPath === 'metadata/namespace') {
          const ns = new NamespaceTransformer({ namespace: this.value, fieldSpecs: [], unsetOnly: false, roleBindingSubjects: 'defaultOnly' })
          ns.transformOne(r, ctx)
          continue
        }
        const slot = lookupCreate(r.obj, splitFields(t.fieldPath))
        if (isMap(slot.value) || Array.isArray(slot.value)) {
          throw stepError('RENDER_TRANSFORM_FAILED', `wrong node kind: expected ScalarNode but got ${kindName(slot.value)}`)
        }
        const text = t.filePathPosition > 0 ? insertPathPart(nodeText(slot.value), t.filePathPosition - 1, this.value) : this.value
        // kyaml sets an untagged scalar: it reads back as go-yaml resolves plain text (`123` an int).
        slot.set(resolvePlain(text))
      }
      m.invalidate()
    }
  }
}
