// sops' dotenv store (stores/dotenv/store.go): deliberately simple, unlike the dotenv package:
// keys are everything before the first `=` (untrimmed), `\n` in values is a newline, `#` lines are
// comments, and the metadata is flattened into `sops_…` entries.
import { SopsError } from '../../errors.js'
import { flatten, unflatten } from '../flatten.js'
import { entry, str } from '../tree.js'
import type { Branches, Entry, MapNode } from '../tree.js'
import { valToString } from './flat.js'
import type { Store } from './store.js'

const decoder = new TextDecoder()
const encoder = new TextEncoder()
const PREFIX = 'sops_'

export const dotenvStore: Store = {
  parse(input, source) {
    const branch: MapNode = { kind: 'map', items: [] }
    decoder
      .decode(input)
      .split('\n')
      .forEach((line, i) => {
        if (line === '') return
        if (line.startsWith('#')) {
          branch.items.push({ kind: 'comment', text: line.slice(1), inline: false })
          return
        }
        const eq = line.indexOf('=')
        if (eq < 0) {
          throw new SopsError({
            code: 'SOPS_INPUT_INVALID',
            message: `${source}: line ${i + 1}: invalid dotenv line (no '=')`,
            details: { source, line: i + 1 },
          })
        }
        branch.items.push(entry(line.slice(0, eq), str(line.slice(eq + 1).replaceAll('\\n', '\n'))))
      })
    return [branch]
  },
  emit(branches) {
    let out = ''
    for (const item of branches[0]?.items ?? []) {
      if (item.kind === 'comment') out += `#${item.text}\n`
      else out += `${item.key}=${valToString(item.value, 'dotenv').replaceAll('\n', '\\n')}\n`
    }
    return encoder.encode(out)
  },
  extract(branches, source) {
    const branch = branches[0]
    if (branch === undefined) return undefined
    const meta: Entry[] = []
    for (let i = 0; i < branch.items.length; i++) {
      const item = branch.items[i]
      if (item?.kind === 'entry' && item.key.startsWith(PREFIX)) {
        meta.push(entry(item.key.slice(PREFIX.length), item.value))
        branch.items.splice(i--, 1)
      }
    }
    return meta.length === 0 ? undefined : unflatten(meta, source)
  },
  insert(branches: Branches, metadata: MapNode) {
    const flat = flatten(metadata, PREFIX).map((e) => entry(e.key, str(valToString(e.value, 'dotenv'))))
    return branches.map((b, i) => (i === 0 ? { kind: 'map', items: [...b.items, ...flat] } : b))
  },
  hasMetadata(branches) {
    return branches.some((b) => b.items.some((i) => i.kind === 'entry' && i.key.startsWith(PREFIX)))
  },
}
