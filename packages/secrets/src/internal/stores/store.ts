import type { Branches, MapNode } from '../tree.js'

/** One sops store: how a format holds the tree and where it keeps the metadata. */
export interface Store {
  /** Parses a file into documents. @throws `SOPS_INPUT_INVALID` naming `source`. */
  parse(input: Uint8Array, source: string): Branches
  /** Prints documents (metadata already inserted, or none for plaintext). */
  emit(branches: Branches): Uint8Array
  /** Takes the metadata out of parsed documents, nested again; undefined when there is none. */
  extract(branches: Branches, source: string): MapNode | undefined
  /** Puts the metadata into documents for writing. */
  insert(branches: Branches, metadata: MapNode): Branches
  /** Tells whether plaintext documents already carry sops metadata (refused by encrypt). */
  hasMetadata(branches: Branches): boolean
}
