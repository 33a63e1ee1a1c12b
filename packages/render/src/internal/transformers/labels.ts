// LabelTransformer and AnnotationsTransformer: set string entries in every mapping the field
// specs name, creating the mappings where the spec says so.
import type { FieldSpec } from '../fields/configs.js'
import { stepError } from '../build/fail.js'
import { SpecsByKind, applyFieldSpec } from '../fields/fieldSpec.js'
import type { ResMap } from '../build/resMap.js'
import { isMap, setField } from '../yaml/values.js'
import type { Transformer } from './context.js'

export class MapEntriesTransformer implements Transformer {
  constructor(
    readonly kind: 'LabelTransformer' | 'AnnotationsTransformer',
    private readonly entries: ReadonlyMap<string, string>,
    private readonly fieldSpecs: readonly FieldSpec[],
  ) {}

  transform(m: ResMap): void {
    if (this.entries.size === 0) return
    // kustomize loops keys, then field specs; each spec reaches the same mapping for every key,
    // so walking each spec once and setting every key there gives the same result.
    const entries = [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    const specs = new SpecsByKind(this.fieldSpecs)
    for (const r of m.resources()) {
      for (const fieldSpec of specs.for(r.kind)) {
        applyFieldSpec(r.obj, { fieldSpec, create: 'map' }, (v) => {
          if (!isMap(v)) {
            if (v === null) return
            throw stepError('RENDER_TRANSFORM_FAILED', `${r.describe()}: field ${fieldSpec.path} is not a mapping`)
          }
          for (const [key, value] of entries) setField(v, key, value)
        })
      }
    }
  }
}
