// Metadata kept as a nested `sops` mapping: the first document's `sops` key (YAML, JSON, binary).
import { SopsError } from '../../errors.js'
import { entry } from '../tree.js'
import type { Branches, MapNode } from '../tree.js'

export function extractNested(branches: Branches, source: string): MapNode | undefined {
  let metadata: MapNode | undefined
  branches.forEach((branch, bi) => {
    for (let i = branch.items.length - 1; i >= 0; i--) {
      const item = branch.items[i]
      if (item?.kind !== 'entry' || item.key !== 'sops') continue
      if (bi === 0) {
        if (metadata !== undefined) {
          throw new SopsError({ code: 'SOPS_METADATA_INVALID', message: `${source}: duplicate sops entry`, details: { source } })
        }
        if (item.value.kind !== 'map') {
          throw new SopsError({ code: 'SOPS_METADATA_INVALID', message: `${source}: sops entry is not a mapping`, details: { source } })
        }
        metadata = item.value
      }
      branch.items.splice(i, 1)
    }
  })
  return metadata
}

export function insertNested(branches: Branches, metadata: MapNode): Branches {
  return branches.map((b) => ({ kind: 'map', items: [...b.items, entry('sops', metadata)] }))
}

export function hasNested(branches: Branches): boolean {
  return branches.some((b) => b.items.some((i) => i.kind === 'entry' && i.key === 'sops'))
}
