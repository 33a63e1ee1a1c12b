// Sets of paths (SMD fieldpath.Set) as a trie: `members` are the elements that are in the set at
// this level, `children` the subsets below an element. Elements are hashed by their FieldsV1 key, so
// every operation is linear in the sizes of the sets; sorting happens only when a set is printed.
// Sets are never mutated once built: operations return new sets that share untouched subtrees.
import type { Path, PathElement } from './path.js'
import { compareElements } from './path.js'

interface Child {
  readonly element: PathElement
  readonly set: FieldSet
}

/** A set of paths. Invariant: no child set is empty. */
export class FieldSet {
  readonly members: Map<string, PathElement> = new Map()
  readonly children: Map<string, Child> = new Map()

  /** The empty set (a fresh instance: callers may fill it before sharing it). */
  static empty(): FieldSet {
    return new FieldSet()
  }

  /** A set holding exactly `paths`. */
  static of(...paths: Path[]): FieldSet {
    const set = new FieldSet()
    for (const path of paths) set.insert(path)
    return set
  }

  /** Adds `path` (only while the set is being built). */
  insert(path: Path): void {
    if (path.length === 0) return
    const last = path[path.length - 1] as PathElement
    path.slice(0, -1).reduce<FieldSet>((node, element) => node.descend(element), this).members.set(last.id, last)
  }

  /** Adds `element` as a member at this level (only while the set is being built). */
  addMember(element: PathElement): void {
    this.members.set(element.id, element)
  }

  /** The child set below `element`, created empty if missing (only while the set is being built). */
  descend(element: PathElement): FieldSet {
    const existing = this.children.get(element.id)
    if (existing !== undefined) return existing.set
    const set = new FieldSet()
    this.children.set(element.id, { element, set })
    return set
  }

  /** Attaches `set` below `element` if it is not empty (only while the set is being built). */
  attach(element: PathElement, set: FieldSet): void {
    if (!set.isEmpty()) this.children.set(element.id, { element, set })
  }

  /** Drops empty children left behind by `descend`, restoring the invariant (only while building). */
  prune(): this {
    for (const [id, child] of this.children) {
      child.set.prune()
      if (child.set.isEmpty()) this.children.delete(id)
    }
    return this
  }

  /** Tells whether the set has no path (relies on the no-empty-children invariant). */
  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0
  }

  /** The subset below `element` (empty when there is none). */
  childSet(element: PathElement): FieldSet | undefined {
    return this.children.get(element.id)?.set
  }

  has(path: Path): boolean {
    const last = path[path.length - 1]
    if (last === undefined) return false
    if (path.length === 1) return this.members.has(last.id)
    return this.childSet(path[0] as PathElement)?.has(path.slice(1)) ?? false
  }

  /** Number of paths in the set. */
  size(): number {
    let n = this.members.size
    for (const child of this.children.values()) n += child.set.size()
    return n
  }

  union(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this
    if (this.isEmpty()) return other
    const out = new FieldSet()
    for (const [id, element] of this.members) out.members.set(id, element)
    for (const [id, element] of other.members) out.members.set(id, element)
    for (const [id, child] of this.children) {
      const theirs = other.children.get(id)
      out.children.set(id, theirs === undefined ? child : { element: child.element, set: child.set.union(theirs.set) })
    }
    for (const [id, child] of other.children) if (!this.children.has(id)) out.children.set(id, child)
    return out
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet()
    for (const [id, element] of this.members) if (other.members.has(id)) out.members.set(id, element)
    for (const [id, child] of this.children) {
      const theirs = other.children.get(id)
      if (theirs !== undefined) out.attach(child.element, child.set.intersection(theirs.set))
    }
    return out
  }

  /** Members of this set not in `other`; like SMD, a member of `other` does not remove children. */
  difference(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this
    const out = new FieldSet()
    for (const [id, element] of this.members) if (!other.members.has(id)) out.members.set(id, element)
    for (const [id, child] of this.children) {
      const theirs = other.children.get(id)
      if (theirs === undefined) out.children.set(id, child)
      else out.attach(child.element, child.set.difference(theirs.set))
    }
    return out
  }

  /** Removes every path of `other` and everything below a member of `other`. */
  recursiveDifference(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this
    const out = new FieldSet()
    for (const [id, element] of this.members) if (!other.members.has(id)) out.members.set(id, element)
    for (const [id, child] of this.children) {
      if (other.members.has(id)) continue
      const theirs = other.children.get(id)
      if (theirs === undefined) out.children.set(id, child)
      else out.attach(child.element, child.set.recursiveDifference(theirs.set))
    }
    return out
  }

  equals(other: FieldSet): boolean {
    if (this === other) return true
    if (this.members.size !== other.members.size || this.children.size !== other.children.size) return false
    for (const id of this.members.keys()) if (!other.members.has(id)) return false
    for (const [id, child] of this.children) {
      const theirs = other.children.get(id)
      if (theirs === undefined || !child.set.equals(theirs.set)) return false
    }
    return true
  }

  /** Members sorted in set order. */
  sortedMembers(): PathElement[] {
    return [...this.members.values()].sort(compareElements)
  }

  /** Children sorted in set order. */
  sortedChildren(): Child[] {
    return [...this.children.values()].sort((a, b) => compareElements(a.element, b.element))
  }

  /** Every path, in SMD's order: at each level its members first, then each child depth-first. */
  paths(): Path[] {
    const out: Path[] = []
    const walk = (set: FieldSet, prefix: PathElement[]): void => {
      for (const element of set.sortedMembers()) out.push([...prefix, element])
      for (const child of set.sortedChildren()) walk(child.set, [...prefix, child.element])
    }
    walk(this, [])
    return out
  }
}
