// The artifact digest: sha256 over every file in byte order of its UTF-8 path, one record each of
// `<git mode> <path>\0<sha256 of the content, hex>\n`. It depends on paths, modes and contents only:
// not on mtimes, the clone, pack layout or how the content was fetched.
import { createHash } from 'node:crypto'
import type { ArtifactFile } from './artifactTree.js'

const modes = { file: '100644', executable: '100755', symlink: '120000' } as const

/** `sha256:<hex>` of the files; `content` gives each file's bytes (a symlink's are its target). */
export function artifactDigest(files: ReadonlyMap<string, ArtifactFile>, content: (file: ArtifactFile) => Uint8Array): string {
  const paths = [...files.keys()].map((p) => Buffer.from(p)).sort((a, b) => Buffer.compare(a, b))
  const hash = createHash('sha256')
  for (const raw of paths) {
    const file = files.get(raw.toString()) as ArtifactFile
    const sum = createHash('sha256').update(content(file)).digest('hex')
    hash.update(`${modes[file.kind]} `).update(raw).update(`\0${sum}\n`)
  }
  return `sha256:${hash.digest('hex')}`
}
