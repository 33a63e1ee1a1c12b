// The three patch transformers of kustomize v5.5.0: PatchStrategicMergeTransformer
// (`patchesStrategicMerge`), PatchTransformer (`patches`: strategic merge or JSON 6902, by id or
// by target selector) and PatchJson6902Transformer (`patchesJson6902`).
import type { KubeMap } from '@gitops-sdk/core'
import { stepError } from '../build/fail.js'
import { idString } from '../build/ids.js'
import type { JsonPatchOp } from '../patch/jsonPatch.js'
import { applyJsonPatch } from '../patch/jsonPatch.js'
import type { Selector } from '../build/kustomization.js'
import { Resource } from '../build/resource.js'
import type { ResMap } from '../build/resMap.js'
import type { SchemaState } from '../build/schema.js'
import { selectResources } from '../fields/select.js'
import { strategicMerge } from '../patch/strategicMerge.js'
import { clone, forgetNullTextsOf, getField, isMap } from '../yaml/values.js'
import type { Value } from '../yaml/values.js'
import type { TransformContext, Transformer } from './context.js'

/** A strategic-merge patch, with kustomize's allowNameChange/allowKindChange options. */
export interface SmPatch {
  readonly obj: KubeMap
  readonly allowNameChange: boolean
  readonly allowKindChange: boolean
}

function patchResource(p: SmPatch): Resource {
  return new Resource(p.obj)
}

/**
 * Merges `patch` (a private copy) into `r` as kustomize's Resource.ApplySmPatch does. Returns
 * whether the object's id (or its existence) changed, so that indexes must be rebuilt.
 */
export function applySmPatch(r: Resource, patch: SmPatch, schemas: SchemaState): boolean {
  const name = r.name
  const ns = r.namespace
  const kind = r.kind
  if (patch.allowNameChange || patch.allowKindChange) {
    r.storePreviousId(schemas)
    r.touched = true
  }
  const merged = strategicMerge(r.obj, patch.obj, schemas)
  if (merged === undefined || Object.keys(merged).length === 0) {
    r.deleted = true
    return true
  }
  const apiVersion = r.apiVersion
  r.obj = merged
  if (!patch.allowKindChange) r.setKind(kind)
  if (!patch.allowNameChange) r.setName(name)
  r.setNamespace(ns)
  return r.name !== name || r.kind !== kind || r.apiVersion !== apiVersion || patch.allowNameChange || patch.allowKindChange
}

/**
 * resWrangler.ApplySmPatch: applies a copy of `patch` to every selected object, after giving the
 * copy the object's apiVersion and normalising its labels and annotations to strings; objects
 * the patch deletes are dropped, and ids must stay unique.
 */
export function applySmPatchToSet(m: ResMap, what: { readonly selected: readonly Resource[]; readonly patch: SmPatch }, schemas: SchemaState): void {
  const { selected, patch } = what
  const kind = patchResource(patch).kind
  let changed = false
  // `selected` is in list order, as resWrangler applies the patch.
  for (const r of selected) {
    const copy = clone(patch.obj)
    const pr = new Resource(copy)
    normalizeMeta(pr)
    pr.setApiVersion(r.apiVersion)
    pr.setKind(kind)
    const deleted = r.deleted
    if (applySmPatch(r, { obj: copy, allowNameChange: patch.allowNameChange, allowKindChange: patch.allowKindChange }, schemas)) changed = true
    if (r.deleted && !deleted) {
      r.deleted = false
      m.markDeleted(r)
    }
  }
  m.dropDeleted()
  if (changed) {
    m.invalidate()
    checkUnique(m, schemas)
  }
}

function normalizeMeta(pr: Resource): void {
  pr.setLabels(pr.labels())
  pr.setAnnotations(pr.annotations())
  pr.setNamespace(pr.namespace)
}

function checkUnique(m: ResMap, schemas: SchemaState): void {
  const seen = new Set<string>()
  for (const r of m.resources()) {
    const key = r.curKey(schemas)
    if (seen.has(key)) throw stepError('RENDER_ID_CONFLICT', `may not add resource with an already registered id: ${idString(r.curId())}`)
    seen.add(key)
  }
}

/** The one object a patch's id names (by any of its ids), as resWrangler.GetById. */
function uniqueTarget(m: ResMap, patch: SmPatch): Resource {
  const pr = patchResource(patch)
  const id = pr.curId()
  const found = m.byAnyId(id).filter((r) => !r.deleted)
  if (found.length === 1) return found[0] as Resource
  const what = found.length > 1 ? 'multiple matches' : 'no matches'
  throw stepError('RENDER_PATCH_FAILED', `${what} for Id ${idString(id)}; failed to find unique target for patch ${idString(id)}`)
}

export class PatchStrategicMergeTransformer implements Transformer {
  readonly kind = 'PatchStrategicMergeTransformer'
  constructor(private readonly patches: readonly SmPatch[]) {}

  transform(m: ResMap, ctx: TransformContext): void {
    for (const patch of this.patches) {
      const target = uniqueTarget(m, patch)
      applySmPatchToSet(m, { selected: [target], patch }, ctx.schemas)
    }
  }
}

export interface PatchConfig {
  readonly sm: readonly SmPatch[] | undefined
  readonly json: readonly JsonPatchOp[] | undefined
  readonly target: Selector | undefined
  /** `[patch: "…"]` or `[path: "…"]`, for messages. */
  readonly source: string
}

export class PatchTransformer implements Transformer {
  readonly kind = 'PatchTransformer'
  constructor(private readonly c: PatchConfig) {}

  transform(m: ResMap, ctx: TransformContext): void {
    const { sm, target } = this.c
    if (sm !== undefined && sm.length > 0) {
      if (target !== undefined) {
        if (sm.length > 1) {
          throw stepError(
            'RENDER_PATCH_FAILED',
            `Multiple Strategic-Merge Patches in one \`patches\` entry is not allowed to set \`patches.target\` field: ${this.c.source}`,
          )
        }
        const selected = selectResources(m, target, ctx.schemas)
        applySmPatchToSet(m, { selected, patch: sm[0] as SmPatch }, ctx.schemas)
        return
      }
      for (const patch of sm) {
        let r: Resource
        try {
          r = uniqueTarget(m, patch)
        } catch (err) {
          const id = idString(patchResource(patch).curId())
          throw stepError('RENDER_PATCH_FAILED', `no resource matches strategic merge patch "${id}": ${(err as Error).message}`)
        }
        const deleted = r.deleted
        const changed = applySmPatch(r, { ...patch, obj: clone(patch.obj) }, ctx.schemas)
        if (r.deleted && !deleted) {
          r.deleted = false
          m.markDeleted(r)
        }
        if (changed) m.invalidate()
      }
      return
    }
    if (target === undefined) throw stepError('RENDER_PATCH_FAILED', `must specify a target for JSON patch ${this.c.source}`)
    let changed = false
    for (const r of selectResources(m, target, ctx.schemas)) {
      r.storePreviousId(ctx.schemas)
      if (applyJson(r, this.c.json ?? [])) changed = true
    }
    if (changed) m.invalidate()
  }
}

export class PatchJson6902Transformer implements Transformer {
  readonly kind = 'PatchJson6902Transformer'
  constructor(
    private readonly target: Selector,
    private readonly ops: readonly JsonPatchOp[],
  ) {}

  transform(m: ResMap, ctx: TransformContext): void {
    let changed = false
    for (const r of selectResources(m, this.target, ctx.schemas)) if (applyJson(r, this.ops)) changed = true
    if (changed) m.invalidate()
  }
}

/**
 * Applies a JSON patch the way kustomize does: through JSON, so every number becomes a float64.
 * Returns whether the object's id changed.
 */
function applyJson(r: Resource, ops: readonly JsonPatchOp[]): boolean {
  const before = `${r.apiVersion}\u0000${r.kind}\u0000${r.name}\u0000${r.namespace}`
  const out = applyJsonPatch(r.obj, ops)
  r.obj = toFloat(out) as KubeMap
  if (!isMap(getField(r.obj, 'metadata'))) r.metadata()
  return `${r.apiVersion}\u0000${r.kind}\u0000${r.name}\u0000${r.namespace}` !== before
}

/** Numbers as float64 and nulls as `null`, as a JSON round trip leaves them, in place. */
function toFloat(v: Value): Value {
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = toFloat(v[i] as Value)
    return v
  }
  if (isMap(v)) {
    forgetNullTextsOf(v)
    for (const k of Object.keys(v)) v[k] = toFloat(v[k] as Value)
    return v
  }
  return v
}

