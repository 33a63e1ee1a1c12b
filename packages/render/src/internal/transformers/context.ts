import type { SchemaState } from '../build/schema.js'
import type { ResMap } from '../build/resMap.js'

/** What a transformer works with besides the objects. */
export interface TransformContext {
  readonly schemas: SchemaState
}

/** One configured builtin transformer (kustomize's TransformerPlugin after Config). */
export interface Transformer {
  /** The builtin plugin kind, e.g. `PatchTransformer`, for origin annotations. */
  readonly kind: string
  transform(m: ResMap, ctx: TransformContext): void
}
