// NamespaceTransformer: sets metadata.namespace of namespaced objects, the fields the config
// names, and the namespace of RoleBinding subjects (the ServiceAccount named default, or all).
import type { KubeMap } from '@gitops-sdk/core'
import type { Fs } from '../configs.js'
import { stepError } from '../fail.js'
import { applyFieldSpec } from '../fieldSpec.js'
import { idString } from '../ids.js'
import { idKey, isClusterScopedId } from '../resource.js'
import type { ResMap } from '../resMap.js'
import type { Value } from '../values.js'
import { getField, isMap, isNilOrEmpty, nodeText, setField } from '../values.js'
import type { TransformContext, Transformer } from './context.js'

export type RoleBindingSubjects = 'defaultOnly' | 'allServiceAccounts' | 'none'

export interface NamespaceConfig {
  readonly namespace: string
  readonly fieldSpecs: readonly Fs[]
  readonly unsetOnly: boolean
  readonly roleBindingSubjects: RoleBindingSubjects
}

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
      const key = idKey(r.curId(), ctx.schemas)
      seen.set(key, (seen.get(key) ?? 0) + 1)
    }
    m.invalidate()
    for (const r of m.resources()) {
      if ((seen.get(idKey(r.curId(), ctx.schemas)) ?? 0) > 1) {
        throw stepError('RENDER_ID_CONFLICT', `namespace transformation produces ID conflict: ${idString(r.curId())}`)
      }
    }
  }

  private apply(obj: KubeMap, clusterScoped: boolean): void {
    const apiVersion = nodeText(getField(obj, 'apiVersion'))
    const kind = nodeText(getField(obj, 'kind'))
    let specs = this.c.fieldSpecs.filter(
      (fs) => fs.path !== 'metadata/namespace' && (apiVersion === 'v1' || fs.path !== 'metadata/name'),
    )
    const set = (v: Value, setter: (v: Value) => void): void => {
      if (this.c.unsetOnly && !isNilOrEmpty(v) && nodeText(v) !== '') return
      setter(this.c.namespace)
    }
    if (!clusterScoped) {
      applyFieldSpec(obj, { fs: { group: '', version: '', kind: '', path: 'metadata/namespace', create: true }, create: 'scalar' }, set)
    }
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      specs = specs.filter((fs) => !((fs.kind === 'RoleBinding' || fs.kind === 'ClusterRoleBinding') && fs.path === 'subjects/namespace'))
      this.subjects(obj, set)
    }
    for (const fs of specs) applyFieldSpec(obj, { fs, create: 'scalar' }, set)
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
