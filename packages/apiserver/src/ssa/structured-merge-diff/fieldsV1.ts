// FieldsV1: the JSON form of a field set inside managedFields (SPEC.md §10.4, SMD serialize.go).
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { FieldSet } from './fieldSet.js'
import type { PathElement } from './path.js'
import { compareElements, parseElement } from './path.js'
import { isMap } from './value.js'

/**
 * Encodes a set: one key per element in set order; `{}` for a member without children; an object
 * of its children, led by `".":{}` when the element is itself a member, otherwise.
 */
export function toFieldsV1(set: FieldSet): KubeMap {
  return emit(set, false)
}

function emit(set: FieldSet, includeSelf: boolean): KubeMap {
  const out: KubeMap = {}
  if (includeSelf && !set.isEmpty()) out['.'] = {}
  const members = set.sortedMembers()
  const children = set.sortedChildren()
  let m = 0
  let c = 0
  while (m < members.length || c < children.length) {
    const member = members[m]
    const child = children[c]
    const order = member === undefined ? 1 : child === undefined ? -1 : compareElements(member, child.element)
    if (order < 0 && member !== undefined) {
      out[member.id] = {}
      m++
    } else if (order > 0 && child !== undefined) {
      out[child.element.id] = emit(child.set, false)
      c++
    } else if (child !== undefined) {
      out[child.element.id] = emit(child.set, true)
      m++
      c++
    }
  }
  return out
}

/** Decodes FieldsV1; throws on keys that are not path elements. Unknown element kinds are skipped. */
export function fromFieldsV1(fields: KubeValue): FieldSet {
  if (!isMap(fields)) throw new Error('fieldsV1 must be an object')
  return read(fields).children ?? FieldSet.empty()
}

function read(node: KubeMap): { children: FieldSet | undefined; isMember: boolean } {
  let children: FieldSet | undefined
  let isMember = false
  for (const [key, value] of Object.entries(node)) {
    if (key === '.') {
      isMember = true
      continue
    }
    const element: PathElement | undefined = parseElement(key)
    if (element === undefined) continue
    if (!isMap(value)) throw new Error(`fieldsV1 entry ${key} must be an object`)
    const below = read(value)
    children ??= new FieldSet()
    if (below.isMember) children.addMember(element)
    if (below.children !== undefined && !below.children.isEmpty()) children.attach(element, below.children)
  }
  if (children === undefined) isMember = true
  return { children, isMember }
}
