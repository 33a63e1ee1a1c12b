// HashTransformer: appends the content hash to the names of generated objects that want one.
import { hashOf } from '../build/hash.js'
import type { ResMap } from '../build/resMap.js'
import type { TransformContext, Transformer } from './context.js'

export class HashTransformer implements Transformer {
  readonly kind = 'HashTransformer'

  transform(m: ResMap, ctx: TransformContext): void {
    for (const r of m.resources()) {
      if (!r.needsHash) continue
      const h = hashOf(r.obj)
      r.storePreviousId(ctx.schemas)
      r.setName(`${r.name}-${h}`)
    }
    m.invalidate()
  }
}
