// From a commit in the object store to an Artifact: files, includes, ignore rules, symlink
// safety, size limit, digest, optional checkout.
import { hash } from 'node:crypto'
import type { FileSystem, Logger } from '@gitops-sdk/core/light'
import { GitSourceError } from '../errors.js'
import type { FetchProgress, FetchWarning, IncludeSpec } from '../types.js'
import { artifactFs } from './artifactFs.js'
import type { ArtifactFile, ArtifactFiles } from './artifactTree.js'
import { addIncludes, applyIgnore, dropEscapingLinks, fileBytes, ignorePatterns, treeFiles } from './artifactTree.js'
import { checkout } from './checkout.js'
import { digestOfHashes } from './digest.js'
import { parseCommit } from './gitObjects.js'
import type { ObjectStore } from './objectStore.js'

/** What {@link buildArtifact} needs besides the commit. */
export interface BuildOptions {
  readonly url: string
  readonly store: ObjectStore
  readonly include: readonly IncludeSpec[]
  readonly ignore: string | undefined
  readonly maxSize: number
  readonly signal: AbortSignal
  readonly logger: Logger | undefined
}

/** The built artifact's content. */
export interface BuiltArtifact {
  readonly digest: string
  readonly files: number
  readonly size: number
  readonly fs: FileSystem
  readonly warnings: readonly FetchWarning[]
  /** Checks the files out into `dir`, replacing it. */
  checkout(dir: string, onProgress: ((event: FetchProgress) => void) | undefined): Promise<void>
}

/** Builds the artifact of `commit` (which must be in the store). */
export async function buildArtifact(commit: string, options: BuildOptions): Promise<BuiltArtifact> {
  const { store, url } = options
  const object = store.read(commit)
  if (object.type !== 'commit') {
    throw new GitSourceError({ code: 'GIT_REF_NOT_FOUND', message: `${url}: ${commit} is a ${object.type}, not a commit`, details: { url, commit } })
  }
  const files: ArtifactFiles = treeFiles(url, parseCommit(object.data).tree, store)
  await addIncludes(files, options.include, options.signal)
  const content = (file: ArtifactFile): Uint8Array => fileBytes(store, file)
  const read = (path: string): Uint8Array => content(files.get(path) as ArtifactFile)
  applyIgnore(files, ignorePatterns(files, read, options.ignore))
  const warnings = dropEscapingLinks(files, (path) => new TextDecoder().decode(read(path)), options.logger)
  const order = orderOf(files)
  const sorted: ArtifactFiles = order !== unsorted ? files : new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  // A blob's hash and size as the pack indexer recorded them (a fresh pack); else each file is
  // read once, in the digest's order, for both its size and its hash.
  let size = 0
  const contentHash = (_path: string, file: ArtifactFile): string => {
    const known = file.tree === undefined ? undefined : store.blobDigest(file.tree, file.at)
    if (known !== undefined) {
      size += known.size
      return known.sha256
    }
    const bytes = content(file)
    size += bytes.byteLength
    return hash('sha256', bytes, 'hex')
  }
  const digest = digestOfHashes(sorted, contentHash, order === byteOrdered)
  if (size > options.maxSize) {
    throw new GitSourceError({
      code: 'GIT_SIZE_LIMIT_EXCEEDED',
      message: `${url}: the artifact holds ${size} bytes in ${sorted.size} files, more than the limit of ${options.maxSize}`,
      details: { url, size, limit: options.maxSize },
    })
  }
  return {
    digest,
    files: sorted.size,
    size,
    fs: artifactFs(sorted, content),
    warnings,
    checkout: (dir, onProgress) =>
      checkout({ files: sorted, content }, dir, {
        signal: options.signal,
        onProgress: (loaded, total) => onProgress?.({ phase: 'checkout', loaded, total }),
      }),
  }
}

const unsorted = 0
const sortedOnly = 1
const byteOrdered = 2

// Whether the paths are sorted already (a tree walk yields them in git's order, which is the same
// but where a name sorts against a directory's name plus a slash), and if so whether that is also
// the byte order of their UTF-8 form (no character from U+D800 up): one pass for both the sort
// here and the digest's order.
function orderOf(files: ArtifactFiles): number {
  let previous = ''
  let order = byteOrdered
  for (const path of files.keys()) {
    if (path < previous) return unsorted
    if (order === byteOrdered && beyondSurrogates.test(path)) order = sortedOnly
    previous = path
  }
  return order
}

const beyondSurrogates = /[\uD800-\uFFFF]/
