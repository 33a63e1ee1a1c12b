// LabelTransformer and AnnotationsTransformer: set string entries in every mapping the field
// specs name, creating the mappings where the spec says so.
import type { Fs } from '../configs.js'
import { stepError } from '../fail.js'
import { applyFieldSpec } from '../fieldSpec.js'
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
    const keys = [...this.entries.keys()].sort()
    for (const r of m.resources()) {
      for (const key of keys) {
        const value = this.entries.get(key) as string
        for (const fs of this.fieldSpecs) {
          applyFieldSpec(r.obj, { fs, create: 'map' }, (v) => {
            if (!isMap(v)) {
              if (v === null) return
              throw stepError('RENDER_TRANSFORM_FAILED', `${r.describe()}: field ${fs.path} is not a mapping`)
            }
            setField(v, key, value)
          })
        }
      }
    }
  }
}
