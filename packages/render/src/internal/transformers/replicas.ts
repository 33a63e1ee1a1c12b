// ReplicaCountTransformer: sets the replicas of objects (by any of their names) of the kinds the
// field specs name.
import type { FieldSpec } from '../fields/configs.js'
import { stepError } from '../build/fail.js'
import { applyFieldSpec } from '../fields/fieldSpec.js'
import { gvkSelected, gvkString } from '../build/ids.js'
import type { ResMap } from '../build/resMap.js'
import type { Transformer } from './context.js'

export class ReplicaCountTransformer implements Transformer {
  readonly kind = 'ReplicaCountTransformer'
  constructor(
    private readonly replica: { readonly name: string; readonly count: number },
    private readonly fieldSpecs: readonly FieldSpec[],
  ) {}

  transform(m: ResMap): void {
    let found = false
    for (const fieldSpec of this.fieldSpecs) {
      const name = this.replica.name
      const matches = m.resources().filter((r) => (r.name === name || r.hasPreviousName(name)) && [...r.prevIdList(), r.curId()].some((id) => id.name === name && gvkSelected(id, fieldSpec)))
      if (matches.length === 0) continue
      found = true
      for (const r of matches) applyFieldSpec(r.obj, { fieldSpec, create: 'scalar' }, (_v, set) => set(this.replica.count))
    }
    if (!found) {
      const gvks = this.fieldSpecs.map((fieldSpec) => gvkString(fieldSpec)).join(' ')
      throw stepError(
        'RENDER_TRANSFORM_FAILED',
        `resource with name ${this.replica.name} does not match a config with the following GVK [${gvks}]`,
      )
    }
  }
}
