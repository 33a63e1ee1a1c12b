// sops' binary store: any file as `{"data": "<the bytes>"}`, stored like a JSON file.
import { SopsError } from '../../errors.js'
import { entry, getEntry } from '../tree.js'
import type { MapNode } from '../tree.js'
import { jsonStore } from './json.js'
import type { Store } from './store.js'

export const binaryStore: Store = {
  ...jsonStore,
  emit(branches) {
    const [first] = branches
    const data = first === undefined ? undefined : getEntry(first, 'data')
    if (data?.kind === 'bytes') return data.value
    if (data?.kind === 'str') return new TextEncoder().encode(data.value)
    throw new SopsError({ code: 'SOPS_INPUT_INVALID', message: 'binary output: no string value under data', details: {} })
  },
}

/** The plaintext document of the binary store: the whole input as the bytes value of `data`. */
export function binaryDocument(input: Uint8Array): MapNode {
  return { kind: 'map', items: [entry('data', { kind: 'bytes', value: input })] }
}
