// The artifact digest: sha256 over every file in byte order of its UTF-8 path, one record each of
// `<git mode> <path>\0<sha256 of the content, hex>\n`. It depends on paths, modes and contents only:
// not on mtimes, the clone, pack layout or how the content was fetched.
import { createHash } from 'node:crypto'
import type { ArtifactFile } from './artifactTree.js'

const modes = { file: '100644', executable: '100755', symlink: '120000' } as const

/**
 * `sha256:<hex>` of the files, from each file's sha256 (hex) as `contentHash` gives it (a symlink's
 * content is its target). `ordered`: the caller has checked that the keys come in byte order of
 * their UTF-8 form, so the map is walked as it is without checking again.
 */
export function digestOfHashes(files: ReadonlyMap<string, ArtifactFile>, contentHash: (path: string, file: ArtifactFile) => string, ordered = false): string {
  const total = createHash('sha256')
  // Records go to the hash a few hundred at a time: one update per file costs more than hashing.
  let batch = ''
  let n = 0
  // A map already in byte order (an artifact's, sorted by its builder) is walked as it is: sorting
  // its paths again and looking each one up cost more than the records.
  const add = (file: ArtifactFile, path: string): void => {
    batch += `${modes[file.kind]} ${path}\0${contentHash(path, file)}\n`
    if (++n % 256 === 0) {
      total.update(batch)
      batch = ''
    }
  }
  if (ordered || inByteOrder(files)) files.forEach(add)
  else for (const path of byteOrder([...files.keys()])) add(files.get(path) as ArtifactFile, path)
  total.update(batch)
  return `sha256:${total.digest('hex')}`
}

// Whether the keys of `files` come in byte order of their UTF-8 form: increasing as JavaScript
// compares them, and all below U+D800, where the two orders agree.
function inByteOrder(files: ReadonlyMap<string, ArtifactFile>): boolean {
  let previous = ''
  for (const path of files.keys()) {
    if (path < previous || /[\uD800-\uFFFF]/.test(path)) return false
    previous = path
  }
  return true
}

/**
 * Sorts paths in byte order of their UTF-8 form. JavaScript compares UTF-16 code units, which
 * agrees with UTF-8 byte order below U+D800; only paths with characters from there up need the
 * slower byte comparison.
 */
export function byteOrder(paths: string[]): string[] {
  if (!paths.some((p) => /[\uD800-\uFFFF]/.test(p))) return paths.sort()
  return paths
    .map((p) => ({ p, bytes: Buffer.from(p) }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ p }) => p)
}
