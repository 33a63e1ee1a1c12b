// LabelTransformer and AnnotationsTransformer: set string entries in every mapping the field
// specs name, creating the mappings where the spec says so.
import type { Fs } from '../configs.js'
import { stepError } from '../fail.js'
import { SpecsByKind, applyFieldSpec } from '../fieldSpec.js'
import type { ResMap } from '../resMap.js'
import { isMap, setField } from '../values.js'
import type { Transformer } from './context.js'

export class MapEntriesTransformer implements Transformer {
  constructor(
    readonly kind: 'LabelTransformer' | 'AnnotationsTransformer',
    private readonly entries: ReadonlyMap<string, string>,
    private readonly fieldSpecs: readonly Fs[],
  ) {}

  transform(m: ResMap): void {
    if (this.entries.size === 0) return
    // kustomize loops keys, then field specs; each spec reaches the same mapping for every key,
    // so walking each spec once and setting every key there gives the same result.
    const entries = [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    const specs = new SpecsByKind(this.fieldSpecs)
    for (const r of m.resources()) {
      for (const fs of specs.for(r.kind)) {
        applyFieldSpec(r.obj, { fs, create: 'map' }, (v) => {
          if (!isMap(v)) {
            if (v === null) return
            throw stepError('RENDER_TRANSFORM_FAILED', `${r.describe()}: field ${fs.path} is not a mapping`)
          }
          for (const [key, value] of entries) setField(v, key, value)
        })
      }
    }
  }
}
