// NamespaceTransformer: sets metadata.namespace of namespaced objects, the fields the config
// names, and the namespace of RoleBinding subjects (the ServiceAccount named default, or all).
import type { KubeMap } from '@gitops-sdk/core'
import type { FieldSpec } from '../fields/configs.js'
import { stepError } from '../build/fail.js'
import { applyFieldSpec } from '../fields/fieldSpec.js'
import { idString } from '../build/ids.js'
import { isClusterScopedId } from '../build/resource.js'
import type { ResMap } from '../build/resMap.js'
import type { Resource } from '../build/resource.js'
import type { Value } from '../yaml/values.js'
import { getField, isMap, isNilOrEmpty, nodeText, setField } from '../yaml/values.js'
import type { TransformContext, Transformer } from './context.js'

export type RoleBindingSubjects = 'defaultOnly' | 'allServiceAccounts' | 'none'

export interface NamespaceConfig {
  readonly namespace: string
  readonly fieldSpecs: readonly FieldSpec[]
  readonly unsetOnly: boolean
  readonly roleBindingSubjects: RoleBindingSubjects
}

const NAMESPACE_FIELD: FieldSpec = { group: '', version: '', kind: '', path: 'metadata/namespace', create: true }

export class NamespaceTransformer implements Transformer {
  readonly kind = 'NamespaceTransformer'
  constructor(private readonly c: NamespaceConfig) {}

  transform(m: ResMap, ctx: TransformContext): void {
    if (this.c.namespace === '') return
    const seen = new Map<string, number>()
    for (const r of m.resources()) {
      if (isNilOrEmpty(r.obj)) continue
      r.storePreviousId(ctx.schemas)
      this.apply(r.obj, isClusterScopedId(r.gvk(), ctx.schemas))
      const key = r.curKey(ctx.schemas)
      seen.set(key, (seen.get(key) ?? 0) + 1)
    }
    m.invalidate()
    for (const r of m.resources()) {
      if ((seen.get(r.curKey(ctx.schemas)) ?? 0) > 1) {
        throw stepError('RENDER_ID_CONFLICT', `namespace transformation produces ID conflict: ${idString(r.curId())}`)
      }
    }
  }

  /** The namespace filter alone on one object (no previous id kept, no conflict check), as ValueAddTransformer applies it. */
  transformOne(r: Resource, ctx: TransformContext): void {
    if (this.c.namespace === '' || isNilOrEmpty(r.obj)) return
    this.apply(r.obj, isClusterScopedId(r.gvk(), ctx.schemas))
  }

  private readonly set = (v: Value, setter: (v: Value) => void): void => {
    if (this.c.unsetOnly && !isNilOrEmpty(v) && nodeText(v) !== '') return
    setter(this.c.namespace)
  }

  /** The field specs besides metadata/namespace, for core/v1 objects and for the others. */
  private specs: { readonly v1: readonly FieldSpec[]; readonly other: readonly FieldSpec[] } | undefined

  private apply(obj: KubeMap, clusterScoped: boolean): void {
    const apiVersion = nodeText(getField(obj, 'apiVersion'))
    const kind = nodeText(getField(obj, 'kind'))
    if (this.specs === undefined) {
      const own = this.c.fieldSpecs.filter((fieldSpec) => fieldSpec.path !== 'metadata/namespace')
      this.specs = { v1: own, other: own.filter((fieldSpec) => fieldSpec.path !== 'metadata/name') }
    }
    let specs = apiVersion === 'v1' ? this.specs.v1 : this.specs.other
    const set = this.set
    if (!clusterScoped) applyFieldSpec(obj, { fieldSpec: NAMESPACE_FIELD, create: 'scalar' }, set)
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      specs = specs.filter((fieldSpec) => !((fieldSpec.kind === 'RoleBinding' || fieldSpec.kind === 'ClusterRoleBinding') && fieldSpec.path === 'subjects/namespace'))
      this.subjects(obj, set)
    }
    for (const fieldSpec of specs) applyFieldSpec(obj, { fieldSpec, create: 'scalar' }, set)
  }

  private subjects(obj: KubeMap, set: (v: Value, setter: (v: Value) => void) => void): void {
    const mode = this.c.roleBindingSubjects
    if (mode === 'none') return
    const subjects = getField(obj, 'subjects')
    if (!Array.isArray(subjects)) return
    for (const s of subjects) {
      if (!isMap(s)) continue
      const match = mode === 'allServiceAccounts' ? nodeText(getField(s, 'kind')) === 'ServiceAccount' : nodeText(getField(s, 'name')) === 'default'
      if (!match) continue
      const cur = getField(s, 'namespace')
      set(cur ?? '', (v) => setField(s, 'namespace', v))
    }
  }
}
