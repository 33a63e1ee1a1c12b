// The SOPS-encrypted documents of a source as they are written, before any kustomize transformer:
// the only form of an encrypted manifest whose MAC is sure to hold.
import type { KubeMap } from '@gitops-sdk/core'
import type { FileSystem } from '@gitops-sdk/core/light'
import { isKubeMap } from '@gitops-sdk/core/light'
import { coreMain } from './coreMain.js'

/** One encrypted document of a source file. */
export interface SourceDocument {
  /** The file holding it (its index in a multi-document file is not needed: the MAC tells them apart). */
  readonly path: string
  /** Its `sops.mac`. */
  readonly mac: string
  /** The document as parsed, in the file's key order. */
  readonly tree: KubeMap
}

// What Flux looks for before it treats a YAML or JSON file as SOPS-encrypted.
const MARKERS = ['mac: ENC[', '"mac": "ENC[']
const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024

/**
 * Every YAML or JSON document with SOPS metadata under the root of `fs` (hidden directories
 * skipped, files over the size cap and files that do not parse ignored: they cannot be the source
 * of a built object anyway).
 */
export async function findSourceDocuments(
  fs: FileSystem,
  options: { readonly maxFileSize?: number | undefined; readonly signal?: AbortSignal | undefined },
): Promise<SourceDocument[]> {
  const max = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE
  const out: SourceDocument[] = []
  const visit = async (dir: string): Promise<void> => {
    options.signal?.throwIfAborted()
    for (const entry of await fs.readdir(dir)) {
      if (entry.name.startsWith('.')) continue
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`
      const stat = await fs.stat(path)
      if (stat?.type === 'directory') {
        await visit(path)
        continue
      }
      if (stat?.type !== 'file' || stat.size > max || !/\.(ya?ml|json)$/u.test(entry.name)) continue
      const text = new TextDecoder().decode(await fs.readFile(path))
      if (!MARKERS.some((m) => text.includes(m))) continue
      let docs
      const { parseDocuments } = await coreMain()
      try {
        docs = parseDocuments(text, { source: path })
      } catch {
        continue
      }
      for (const doc of docs) {
        const tree = doc.value
        if (!isKubeMap(tree) || !isKubeMap(tree.sops) || typeof tree.sops.mac !== 'string') continue
        out.push({ path, mac: tree.sops.mac, tree })
      }
    }
  }
  await visit('')
  return out
}
