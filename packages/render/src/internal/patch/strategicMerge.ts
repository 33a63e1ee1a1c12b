// Strategic merge as kustomize v5.5.0 does it: kyaml's merge2 walker (not apimachinery's
// strategicpatch), with ListIncreaseDirection=Prepend. Lists merge only where the schema gives a
// `merge` patch strategy; elements are matched on the schema's list-map keys (else merge key);
// merged elements come first, in the patch's order, then the target's remaining elements.
// `$patch: delete|replace|merge` directives on maps and lists are honoured.
// Adapted from the algorithm of kyaml/yaml/walk and kyaml/yaml/merge2.
import type { KubeMap } from '@gitops-sdk/core'
import { stepError } from '../build/fail.js'
import type { SchemaState, SchemaView } from '../build/schema.js'
import { hasMergeStrategy, patchStrategyAndKeys, schemaElements, schemaField } from '../build/schema.js'
import type { Value } from '../yaml/values.js'
import { deleteField, getField, isEmptyMap, isMap, isSeq, nodeText, nullText, setField } from '../yaml/values.js'

/** A null that must stay (kyaml MakePersistentNullNode). */
const KEEP_NULL = Symbol('keep-null')
type Result = Value | typeof KEEP_NULL | undefined

import { PRIMITIVE_KEYS, appendListNode, elementMatching, elementSetter, elementSetterInPlace, elementValues, kindOf, mergeValues, nodeKindName, primitiveValues, uniquelyKeyed, validateKeys } from './listElements.js'
import type { Sources } from './listElements.js'

/**
 * Merges `patch` into `target` (which it mutates and may return), or returns undefined when the
 * patch deletes the object. `patch` must be a private copy: its nodes move into the result.
 */
export function strategicMerge(target: KubeMap, patch: KubeMap, schemas: SchemaState): KubeMap | undefined {
  const out = new Walker(schemas).walk(target, patch, undefined)
  if (out === KEEP_NULL || !isMap(out)) return undefined
  return out
}

class Walker {
  /** The field names from the root to where the walk is, for error messages. */
  private readonly path: string[] = []

  constructor(private readonly schemas: SchemaState) {}

  private pathText(): string {
    return this.path.join('.') || '(root)'
  }

  /** kyaml's walk of the target's node `dest` and the patch's node `origin` (either may be absent). */
  walk(dest: Value | undefined, origin: Value | undefined, given: SchemaView | undefined): Result {
    if (origin === undefined) return this.selfMerge(dest, given)
    const schema = given ?? this.schemaFromSources(dest, origin)
    const dk = kindOf(dest)
    const ok = kindOf(origin)
    const kind = dk !== 'none' ? dk : ok
    if (ok !== 'none' && kind !== 'none' && ok !== kind) {
      throw stepError('RENDER_PATCH_FAILED', `field ${this.pathText()}: wrong node kind: expected ${nodeKindName(kind)} but got ${nodeKindName(ok)}`)
    }
    switch (kind) {
      case 'map':
      case 'none':
        return this.walkMap(dest, origin, schema)
      case 'seq':
        if (schema !== undefined && hasMergeStrategy(schema)) return this.walkAssociative(dest, origin, schema)
        return origin
      case 'scalar':
        return origin
    }
  }

  /**
   * A field only the target has: kyaml still walks it (merging it with nothing), which keeps it
   * as it is except in associative lists (null and empty elements dropped, duplicates merged).
   */
  private selfMerge(dest: Value | undefined, given: SchemaView | undefined): Result {
    if (dest === undefined) return undefined
    if (dest === null) return KEEP_NULL
    if (Array.isArray(dest)) {
      if (given === undefined || !hasMergeStrategy(given)) return dest
      const { keys } = patchStrategyAndKeys(given)
      const key = keys[0]
      if (keys.length === 1 && key !== undefined && uniquelyKeyed(dest, key)) {
        // Merging such a list with itself keeps every element in place; only their insides change.
        const elem = schemaElements(given)
        for (let i = 0; i < dest.length; i++) {
          const v = dest[i] as Value
          const r = this.selfMerge(v, elem)
          if (r !== v && r !== undefined && r !== KEEP_NULL) dest[i] = r
        }
        return dest
      }
      return this.walkAssociative(dest, undefined, given)
    }
    if (!isMap(dest)) return dest
    const schema = given ?? this.schemaFromSources(dest, undefined)
    // Only the field being visited is ever deleted or replaced, which a for-in loop allows.
    for (const key in dest) {
      const v = dest[key] as Value
      // kyaml drops a field left empty (`key:`) and keeps a written null.
      if (v === null) {
        if (nullText(dest, key) === '') deleteField(dest, key)
        continue
      }
      if (typeof v !== 'object') continue
      this.path.push(key)
      const r = this.selfMerge(v, schemaField(schema, key))
      this.path.pop()
      if (r === undefined || r === null) deleteField(dest, key)
      else if (r === KEEP_NULL) setField(dest, key, null)
      else if (r !== v) setField(dest, key, r)
    }
    return dest
  }

  private schemaFromSources(dest: Value | undefined, origin: Value | undefined): SchemaView | undefined {
    return this.schemaOf(dest) ?? this.schemaOf(origin)
  }

  /** The schema of a mapping that names its apiVersion and kind. */
  private schemaOf(v: Value | undefined): SchemaView | undefined {
    if (!isMap(v)) return undefined
    const kind = nodeText(getField(v, 'kind'))
    if (kind === '') return undefined
    const apiVersion = nodeText(getField(v, 'apiVersion'))
    if (apiVersion === '') return undefined
    return this.schemas.forType(apiVersion, kind)
  }

  private walkMap(dest0: Value | undefined, origin: Value | undefined, schema: SchemaView | undefined): Result {
    let dest: Value | undefined
    if (dest0 === undefined || dest0 === null) {
      const directive = origin === undefined ? 'merge' : isMap(origin) ? this.mapDirective(origin) : 'unknown'
      if (directive === 'delete') return undefined
      if (origin === undefined && dest0 === null) return KEEP_NULL
      if (origin === undefined) return undefined
      dest = origin
      if (origin === null) return null
    } else {
      if (origin === null) return undefined
      const directive = origin === undefined ? 'merge' : this.mapDirective(origin as KubeMap)
      if (directive === 'delete') return undefined
      dest = directive === 'replace' ? origin : dest0
    }
    if (!isMap(dest)) return dest
    // Every field of the target, then the patch's other fields.
    const keys = Object.keys(dest)
    const other = dest !== origin && isMap(origin) ? origin : undefined
    if (other !== undefined) for (const key in other) if (!keys.includes(key)) keys.push(key)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string
      const dv = getField(dest, key)
      const ov = dest === origin ? dv : other === undefined ? undefined : getField(other, key)
      this.path.push(key)
      const result = this.walk(dv, ov, schemaField(schema, key))
      this.path.pop()
      if (result === undefined || result === null) {
        deleteField(dest, key)
      } else if (result === KEEP_NULL) {
        if (dv !== null) setField(dest, key, null)
        else if (nullText(dest, key) === '') deleteField(dest, key)
      } else if (result !== dv) {
        setField(dest, key, result)
      }
    }
    return dest
  }

  private walkAssociative(dest0: Value | undefined, origin0: Value | undefined, schema: SchemaView): Result {
    if (dest0 === undefined || dest0 === null) return origin0
    if (origin0 === null) return undefined
    let origin = origin0
    let dest = dest0 as Value[]
    if (isSeq(origin)) {
      const directive = this.seqDirective(origin)
      if (directive.kind === 'delete') return undefined
      origin = directive.list
      // kyaml carries on with the patch as the target: the patch merges with itself.
      if (directive.kind === 'replace') dest = origin
    }
    const { keys } = patchStrategyAndKeys(schema)
    const elemSchema = schemaElements(schema)
    const sources: Sources = [dest, isSeq(origin) ? origin : undefined]
    const values = elementValues(sources, keys)
    if (values.length !== 0 || keys.length > 0) return this.setElements({ values, keys, dest, sources, elemSchema })
    return this.setElements({ values: primitiveValues(sources), keys: PRIMITIVE_KEYS, dest, sources, elemSchema })
  }

  private setElements(a: {
    values: string[][]
    keys: readonly string[]
    dest: Value[]
    sources: Sources
    elemSchema: SchemaView | undefined
  }): Result {
    const { keys, sources, elemSchema } = a
    let valuesList = a.values
    let dest = a.dest
    const items: Value[] = []
    if (keys.length > 1) valuesList = mergeValues(valuesList)
    let validKeys: readonly string[] = keys
    for (const values of valuesList) {
      if (values.length === 0) continue
      const valid = validateKeys(valuesList, values, keys)
      validKeys = valid.keys
      const validValues = valid.values
      const d = sources[0] === undefined ? undefined : elementMatching(sources[0], valid)
      const o = sources[1] === undefined ? undefined : elementMatching(sources[1], valid)
      let val = this.walk(d, o, elemSchema)
      if (val === KEEP_NULL) val = null
      let exit = false
      for (let i = 0; i < validKeys.length; i++) {
        const key = validKeys[i] as string
        const v = validValues[i] ?? ''
        if (val === undefined || val === null || (isMap(val) && isEmptyMap(val))) {
          dest = elementSetter(dest, { element: undefined, keys: validKeys, values: validValues })
          exit = true
        } else if (isMap(val) && getField(val, key) === undefined && v !== '') {
          setField(val, key, v)
        } else if (!isMap(val) && key === '' && v !== '') {
          // kyaml sets the scalar again through a FieldSetter; it keeps its type.
        }
      }
      if (exit) continue
      elementSetterInPlace(items, { element: val, keys: validKeys, values: validValues })
    }
    let result: Value[] = dest
    if (valuesList.length > 0) result = appendListNode(items, dest, validKeys)
    return result
  }

  /** Reads and removes a mapping's `$patch` directive. */
  private mapDirective(m: KubeMap): 'merge' | 'replace' | 'delete' {
    const v = getField(m, '$patch')
    if (v === undefined || v === null) return 'merge'
    const s = nodeText(v)
    if (s === 'delete' || s === 'replace' || s === 'merge') {
      delete m.$patch
      return s
    }
    throw stepError('RENDER_PATCH_FAILED', `field ${this.pathText()}: unknown patch strategy '${s}'`)
  }

  /** Reads a list's `$patch` element and returns the list without it. */
  private seqDirective(list: Value[]): { kind: 'merge' | 'replace' | 'delete'; list: Value[] } {
    const elem = list.find((e) => isMap(e) && getField(e, '$patch') !== undefined) as KubeMap | undefined
    if (elem === undefined || Object.keys(elem).length > 1) return { kind: 'merge', list }
    const v = elem.$patch
    if (v === undefined || v === null) return { kind: 'merge', list }
    const s = nodeText(v)
    if (s !== 'delete' && s !== 'replace' && s !== 'merge') {
      throw stepError('RENDER_PATCH_FAILED', `field ${this.pathText()}: unknown patch strategy '${s}'`)
    }
    return { kind: s, list: elementSetter(list, { element: undefined, keys: ['$patch'], values: [s] }) }
  }
}
