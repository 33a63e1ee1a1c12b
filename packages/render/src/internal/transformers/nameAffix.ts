// PrefixTransformer and SuffixTransformer: add a prefix or suffix to names, recording it (and the
// previous id) so that name references can be fixed later.
import type { FieldSpec } from '../fields/configs.js'
import { applyFieldSpec } from '../fields/fieldSpec.js'
import { gvkSelected } from '../build/ids.js'
import type { Resource } from '../build/resource.js'
import type { ResMap } from '../build/resMap.js'
import { nodeText } from '../yaml/values.js'
import type { TransformContext, Transformer } from './context.js'

const SKIPPED = [{ kind: 'CustomResourceDefinition' }, { group: 'apiregistration.k8s.io', kind: 'APIService' }, { kind: 'Namespace' }]

export class NameAffixTransformer implements Transformer {
  readonly kind: string
  constructor(
    private readonly affix: { readonly prefix: string } | { readonly suffix: string },
    private readonly fieldSpecs: readonly FieldSpec[],
  ) {
    this.kind = 'prefix' in affix ? 'PrefixTransformer' : 'SuffixTransformer'
  }

  transform(m: ResMap, ctx: TransformContext): void {
    const isPrefix = 'prefix' in this.affix
    const value = 'prefix' in this.affix ? this.affix.prefix : this.affix.suffix
    for (const r of m.resources()) {
      const org = r.orgId()
      if (SKIPPED.some((s) => gvkSelected(org, s))) continue
      for (const fieldSpec of this.fieldSpecs) {
        if (!gvkSelected(org, fieldSpec)) continue
        if (fieldSpec.path === 'metadata/name') {
          if (value !== '') {
            addAffix(r, isPrefix, value)
            r.storePreviousId(ctx.schemas)
          }
        }
        applyFieldSpec(r.obj, { fieldSpec, create: 'scalar' }, (v, set) => set(isPrefix ? `${value}${nodeText(v)}` : `${nodeText(v)}${value}`))
      }
    }
    m.invalidate()
  }
}

function addAffix(r: Resource, isPrefix: boolean, value: string): void {
  if (isPrefix) r.prefixes.push(value)
  else r.suffixes.push(value)
  r.touched = true
}
