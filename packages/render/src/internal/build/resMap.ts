// The ordered list of objects of one accumulation (kustomize's resWrangler), with indexes by
// current id and by any id (current or previous) so that lookups are O(1) instead of a scan of
// every object. Indexes are rebuilt lazily after a transformer may have changed ids.
import type { ResId } from './ids.js'
import { idString } from './ids.js'
import { stepError } from './fail.js'
import type { Resource } from './resource.js'
import { idKey } from './resource.js'
import type { SchemaState } from './schema.js'

export class ResMap {
  private list: Resource[] = []
  private cur: Map<string, Resource[]> | undefined
  private anyNames: Map<string, Resource[]> | undefined
  private names: Map<string, Resource[]> | undefined
  private kinds: Map<string, Resource[]> | undefined

  constructor(private readonly schemas: SchemaState) {}

  get size(): number {
    return this.list.length
  }

  /** The objects in order (the live array: do not mutate). */
  resources(): readonly Resource[] {
    return this.list
  }

  /** Forgets the indexes: call after anything that may change names, namespaces or kinds. */
  invalidate(): void {
    this.cur = undefined
    this.anyNames = undefined
    this.names = undefined
    this.kinds = undefined
  }

  /** Appends, refusing an object whose current id is already present. */
  append(r: Resource): void {
    const key = r.curKey(this.schemas)
    const index = this.curIndex()
    const existing = index.get(key)
    if (existing !== undefined && existing.length > 0) {
      throw stepError('RENDER_ID_CONFLICT', `may not add resource with an already registered id: ${idString(r.curId())}`)
    }
    index.set(key, [r])
    this.list.push(r)
    // The new object goes last, so the other indexes (in list order) stay right with it added.
    if (this.anyNames !== undefined) this.indexAnyNames(this.anyNames, r)
    if (this.names !== undefined) this.indexNames(this.names, r)
    if (this.kinds !== undefined) push(this.kinds, r.kind, r)
  }

  appendAll(rs: Iterable<Resource>): void {
    for (const r of rs) this.append(r)
  }

  /** Replaces the whole list (after a sort or a filter), checking nothing. */
  setAll(rs: Resource[]): void {
    this.list = rs
    this.invalidate()
  }

  private deletedCount = 0

  /** Marks an object deleted by a patch; {@link dropDeleted} removes it. */
  markDeleted(r: Resource): void {
    if (r.deleted) return
    r.deleted = true
    this.deletedCount++
  }

  /** Drops objects a patch deleted. */
  dropDeleted(): void {
    if (this.deletedCount === 0) return
    this.deletedCount = 0
    this.setAll(this.list.filter((r) => !r.deleted))
  }

  /** Objects whose current id equals `id`. */
  byCurrentId(id: ResId): Resource[] {
    return this.curIndex().get(idKey(id, this.schemas)) ?? []
  }

  /** Objects whose current or any previous id equals `id`, in list order. */
  byAnyId(id: ResId): Resource[] {
    // Indexed by every name an object has had (cheap to build), then checked on the whole id.
    const key = idKey(id, this.schemas)
    const out: Resource[] = []
    for (const r of this.anyNameIndex().get(id.name) ?? []) if (this.anyKeys(r).includes(key)) out.push(r)
    return out
  }

  indexOf(r: Resource): number {
    return this.list.indexOf(r)
  }

  /** Puts `r` at `index` in place of what was there. */
  replaceAt(index: number, r: Resource): void {
    this.list[index] = r
    this.invalidate()
  }

  /** Objects whose original or current name is `name`, in list order. */
  byOrgOrCurName(name: string): readonly Resource[] {
    if (this.names === undefined) {
      const m = new Map<string, Resource[]>()
      for (const r of this.list) this.indexNames(m, r)
      this.names = m
    }
    return this.names.get(name) ?? []
  }

  /** Objects of the current kind `kind`, in list order. */
  byKind(kind: string): readonly Resource[] {
    if (this.kinds === undefined) {
      const m = new Map<string, Resource[]>()
      for (const r of this.list) push(m, r.kind, r)
      this.kinds = m
    }
    return this.kinds.get(kind) ?? []
  }

  private curIndex(): Map<string, Resource[]> {
    if (this.cur === undefined) {
      const m = new Map<string, Resource[]>()
      for (const r of this.list) {
        const key = r.curKey(this.schemas)
        const l = m.get(key)
        if (l === undefined) m.set(key, [r])
        else l.push(r)
      }
      this.cur = m
    }
    return this.cur
  }

  private anyNameIndex(): Map<string, Resource[]> {
    if (this.anyNames === undefined) {
      const m = new Map<string, Resource[]>()
      for (const r of this.list) this.indexAnyNames(m, r)
      this.anyNames = m
    }
    return this.anyNames
  }

  private indexAnyNames(m: Map<string, Resource[]>, r: Resource): void {
    const cur = r.name
    push(m, cur, r)
    if (r.prevIds.length === 0) return
    const names = [cur]
    for (const p of r.prevIds) {
      if (names.includes(p.name)) continue
      names.push(p.name)
      push(m, p.name, r)
    }
  }

  /** The distinct keys of an object's previous ids and current id. */
  private anyKeys(r: Resource): string[] {
    const cur = r.curKey(this.schemas)
    if (r.prevIds.length === 0) return [cur]
    const keys: string[] = []
    for (const id of r.prevIdList()) {
      const key = idKey(id, this.schemas)
      if (!keys.includes(key)) keys.push(key)
    }
    if (!keys.includes(cur)) keys.push(cur)
    return keys
  }

  private indexNames(m: Map<string, Resource[]>, r: Resource): void {
    const cur = r.name
    const org = r.prevIds[0]?.name ?? cur
    push(m, cur, r)
    if (org !== cur) push(m, org, r)
  }
}

function push(m: Map<string, Resource[]>, key: string, r: Resource): void {
  const l = m.get(key)
  if (l === undefined) m.set(key, [r])
  else l.push(r)
}
