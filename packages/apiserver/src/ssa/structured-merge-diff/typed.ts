// Walking a value with its type (SMD typed/helpers.go, validate.go, tofieldset.go): the path element
// of a list item, type validation with SMD's messages, and the set of paths a value holds.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { FieldSet } from './fieldSet.js'
import type { KeyField, PathElement } from './path.js'
import { elementToString, fieldElement, indexElement, keyElement, valueElement } from './path.js'
import type { Atom, ListType, MapType, TypeRef } from './schema.js'
import { deduceAtom } from './schema.js'
import type { MaybeValue } from './value.js'
import { compareStrings, quote } from '@gitops-sdk/core/go'
import { goFormatValue, goTypeName, isMap, isScalar } from './value.js'
import { getOwn } from '../ownKeys.js'

/** The element naming `item` in an associative list, or the reason it has none. */
export function listItemElement(list: ListType, item: KubeValue): PathElement | string {
  if (list.atomic) return 'invalid indexing of non-associative list'
  if (list.keys.length > 0) {
    if (item === null) return 'associative list with keys may not have a null element'
    if (!isMap(item)) return 'associative list with keys may not have non-map elements'
    const fields: KeyField[] = []
    for (const name of list.keys) {
      const value = getOwn(item, name)
      if (value !== undefined) {
        fields.push([name, value])
        continue
      }
      const itemMap = list.elementType.resolve().map
      if (itemMap === undefined) return `couldn't find default value for ${name}: associative list may not have non-map types`
      const fallback = itemMap.fields.get(name)?.default
      if (fallback !== undefined) fields.push([name, fallback])
    }
    if (fields.length === 0) {
      return `associative list with keys has an element that omits all key fields [${list.keys.map((key) => quote(key)).join(' ')}] (and doesn't have default values for any key fields)`
    }
    if (fields.length > 1) fields.sort(([a], [b]) => compareStrings(a, b))
    return keyElement(fields)
  }
  if (isMap(item)) return "associative list without keys has an element that's a map type"
  if (Array.isArray(item)) return 'not supported: associative list with lists as elements'
  if (item === null) return "associative list without keys has an element that's an explicit null"
  return valueElement(item)
}

/** The type of a map entry: its named field's type, else the element type (undefined: not allowed). */
export function entryType(map: MapType, key: string): TypeRef | undefined {
  return map.fields.get(key)?.type ?? map.elementType
}

/** One typing problem, at a printed path. */
export interface ValidationError {
  path: string
  message: string
}

/** Formats errors as SMD's `ValidationErrors.Error()` does. */
export function formatValidationErrors(errors: readonly ValidationError[]): string {
  const one = (e: ValidationError): string => (e.path === '' ? e.message : `${e.path}: ${e.message}`)
  if (errors.length === 1) return one(errors[0] as ValidationError)
  return ['errors:', ...errors.map((e) => `  ${one(e)}`)].join('\n')
}

/** Go's `%v` of an SMD value (`&{x}`), as type errors print it. */
function valueV(value: KubeValue): string {
  return `&{${goFormatValue(value)}}`
}

/** Go's `%#v` of an SMD value, as the "expected string" error prints it. */
function valueSharpV(value: KubeValue): string {
  const inner = (v: KubeValue): string => {
    if (typeof v === 'string') return quote(v)
    if (v === null) return 'interface {}(nil)'
    if (Array.isArray(v)) return `[]interface {}{${v.map((item) => inner(item)).join(', ')}}`
    if (isMap(v)) {
      const keys = Object.keys(v).sort(compareStrings)
      return `map[string]interface {}{${keys.map((key) => `${quote(key)}:${inner(v[key] as KubeValue)}`).join(', ')}}`
    }
    return goFormatValue(v)
  }
  return `&value.valueUnstructured{Value:${inner(value)}}`
}

/** Checks `value` against `type` like SMD's validating walker; `allowDuplicates` for live objects. */
export function validate(value: KubeValue, type: TypeRef, allowDuplicates: boolean): ValidationError[] {
  const validator = new Validator(allowDuplicates)
  validator.walk(value, type, ROOT)
  return validator.errors
}

/**
 * Where the validator is: the printed path is built only for an error (most walks find none), by
 * joining the steps as SMD prints them (`.key` for a map entry, the element's form for a list item).
 */
interface Where {
  readonly parent: Where | undefined
  readonly key: string | undefined
  readonly element: PathElement | undefined
}

const ROOT: Where = { parent: undefined, key: undefined, element: undefined }

function printed(where: Where): string {
  const steps: string[] = []
  for (let at = where; at.parent !== undefined; at = at.parent) {
    steps.push(at.element === undefined ? `.${at.key ?? ''}` : elementToString(at.element))
  }
  return steps.reverse().join('')
}

class Validator {
  readonly errors: ValidationError[] = []
  constructor(private readonly allowDuplicates: boolean) {}

  walk(value: KubeValue, type: TypeRef, where: Where): void {
    const atom = deduceAtom(type.resolve(), value)
    if (atom.map !== undefined) this.map(value, atom.map, where)
    else if (atom.scalar !== undefined) this.scalar(value, atom, where)
    else if (atom.list !== undefined) this.list(value, atom.list, where)
    else this.errors.push({ path: printed(where), message: 'schema error: invalid atom: inlined' })
  }

  private scalar(value: KubeValue, atom: Atom, where: Where): void {
    if (value === null) return
    const fail = (message: string): void => void this.errors.push({ path: printed(where), message })
    switch (atom.scalar) {
      case 'numeric':
        if (typeof value !== 'number' && typeof value !== 'bigint') fail(`expected numeric (int or float), got ${goTypeName(value)}`)
        break
      case 'string':
        if (typeof value !== 'string') fail(`expected string, got ${valueSharpV(value)}`)
        break
      case 'boolean':
        if (typeof value !== 'boolean') fail(`expected boolean, got ${valueV(value)}`)
        break
      case 'untyped':
      case undefined:
        if (!isScalar(value)) fail(`expected any scalar, got ${valueV(value)}`)
        break
    }
  }

  private map(value: KubeValue, map: MapType, where: Where): void {
    if (value === null) return
    if (!isMap(value)) {
      this.errors.push({ path: printed(where), message: `expected map, got ${valueV(value)}` })
      return
    }
    for (const key of Object.keys(value)) {
      const type = entryType(map, key)
      const at: Where = { parent: where, key, element: undefined }
      if (type === undefined) {
        this.errors.push({ path: printed(at), message: 'field not declared in schema' })
        return
      }
      this.walk(value[key] as KubeValue, type, at)
    }
  }

  private list(value: KubeValue, list: ListType, where: Where): void {
    if (value === null) return
    if (!Array.isArray(value)) {
      this.errors.push({ path: printed(where), message: `expected list, got ${valueV(value)}` })
      return
    }
    const seen = new Set<string>()
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as KubeValue
      let element: PathElement
      if (list.atomic) element = indexElement(i)
      else {
        const found = listItemElement(list, item)
        if (typeof found === 'string') {
          this.errors.push({ path: printed(where), message: `element ${i}: ${found}` })
          return
        }
        element = found
        if (seen.has(element.id) && !this.allowDuplicates) {
          this.errors.push({ path: printed(where), message: `duplicate entries for key ${elementToString(element)}` })
        }
        seen.add(element.id)
      }
      this.walk(item, list.elementType, { parent: where, key: undefined, element })
    }
  }
}

/**
 * The set of paths `value` holds (SPEC.md §10.3, SMD `ToFieldSet`): scalars, atomic lists and atomic
 * maps own themselves; associative list items own themselves and what is below them; map entries own
 * what is below them, and themselves too when null, empty, or not a named field.
 */
export function fieldSetOf(value: KubeValue, type: TypeRef): FieldSet {
  const root = new FieldSet()
  collect(value, type, { parent: root, element: undefined })
  return root.prune()
}

/** Where a value sits: the set of its parent, and its element there (none for the root). */
interface Place {
  readonly parent: FieldSet
  readonly element: PathElement | undefined
}

function collect(value: MaybeValue, type: TypeRef, { parent, element }: Place): void {
  const atom = deduceAtom(type.resolve(), value)
  const self = (): void => {
    if (element !== undefined) parent.addMember(element)
  }
  const below = (): FieldSet => (element === undefined ? parent : parent.descend(element))
  if (atom.map !== undefined) {
    if (atom.map.atomic) return self()
    if (isMap(value)) collectMap(value, atom.map, below())
  } else if (atom.scalar !== undefined) {
    self()
  } else if (atom.list !== undefined) {
    if (atom.list.atomic) return self()
    if (Array.isArray(value)) collectList(value, atom.list, below())
  }
}

function collectMap(value: KubeMap, map: MapType, node: FieldSet): void {
  for (const key of Object.keys(value)) {
    const entry = value[key] as KubeValue
    const field = map.fields.get(key)
    const type = field?.type ?? map.elementType
    const element = fieldElement(key)
    if (type !== undefined) collect(entry, type, { parent: node, element })
    if (entry === null || field === undefined || (isMap(entry) && Object.keys(entry).length === 0)) node.addMember(element)
  }
}

function collectList(value: readonly KubeValue[], list: ListType, node: FieldSet): void {
  const elements: (PathElement | undefined)[] = []
  const seen = new Set<string>()
  const duplicates = new Set<string>()
  for (const item of value) {
    const found = listItemElement(list, item)
    const element = typeof found === 'string' ? undefined : found
    elements.push(element)
    if (element === undefined) continue
    if (seen.has(element.id)) {
      if (!duplicates.has(element.id)) node.addMember(element)
      duplicates.add(element.id)
    } else seen.add(element.id)
  }
  for (let i = 0; i < value.length; i++) {
    const element = elements[i]
    if (element === undefined || duplicates.has(element.id)) continue
    collect(value[i], list.elementType, { parent: node, element })
    node.addMember(element)
  }
}
