// The file list of an artifact: the commit's tree (checked for hostile names), plus included
// trees, minus what `.sourceignore` rules exclude, minus symlinks that lead outside the root.
import type { FileSystem, Logger } from '@gitops-sdk/core/light'
import { normalizePath } from '@gitops-sdk/core/light'
import { GitSourceError } from '../errors.js'
import type { FetchWarning, IncludeSpec } from '../types.js'
import { forEachTreeEntry } from './gitObjects.js'
import type { GitObject } from './gitObjects.js'
import type { ObjectStore } from './objectStore.js'
import { readPatterns, sourceIgnoreMatcher } from './sourceIgnore.js'
import type { IgnorePattern } from './sourceIgnore.js'

/** Kind of an artifact file. */
export type FileKind = 'file' | 'executable' | 'symlink'

/** One file of an artifact: its bytes come from a git blob or from an included tree. */
export interface ArtifactFile {
  readonly kind: FileKind
  /**
   * For a file from git, the bytes of the tree object that lists it: its blob's 20-byte id is at
   * `at`. Kept as a place rather than a hex id, so that a walk of ten thousand files makes neither
   * ids nor views; the blob is looked up when it is read (see {@link fileBytes}).
   */
  readonly tree: Buffer | undefined
  readonly at: number
  /** Bytes, when the file comes from an included tree. */
  readonly content: Uint8Array | undefined
}

/** Path → file, sorted by path. */
export type ArtifactFiles = Map<string, ArtifactFile>

function unsafe(url: string, path: string, why: string): GitSourceError {
  return new GitSourceError({ code: 'GIT_UNSAFE_PATH', message: `${url}: ${path}: ${why}`, details: { url, path } })
}

// Names git itself refuses to check out (verify_path in read-cache.c): they would write outside the
// directory or into a .git directory.
function checkName(url: string, dir: string, name: string): void {
  const shown = dir === '' ? name : `${dir}/${name}`
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) {
    throw unsafe(url, JSON.stringify(shown), 'the tree holds an entry name that is not a plain file name')
  }
  if (name.length === 4 && name.toLowerCase() === '.git') throw unsafe(url, shown, 'the tree holds a .git entry')
}

// Tree entry modes as git writes them, by value and length (`40000` and `040000` both name a
// directory; `100664` is an old git's regular file).
const directory = 0o40000
const regular = 0o100644
const groupWritable = 0o100664
const executable = 0o100755
const symlink = 0o120000

/** Reads the files of the tree `treeOid` from the store. */
export function treeFiles(url: string, treeOid: string, store: ObjectStore): ArtifactFiles {
  const files: ArtifactFiles = new Map()
  const walk = (object: GitObject, oid: string, dir: string): void => {
    if (object.type !== 'tree') throw unsafe(url, dir === '' ? '/' : dir, `${oid} is a ${object.type}, not a tree`)
    const { data } = object
    forEachTreeEntry(data, (mode, name, at) => {
      checkName(url, dir, name)
      const path = dir === '' ? name : `${dir}/${name}`
      const length = mode.end - mode.start
      const { value } = mode
      if (value === directory && (length === 5 || length === 6)) {
        // A tree the pack indexer kept is taken as it is; the hex id is for messages and the fallback.
        const childOid = data.toString('hex', at, at + 20)
        walk(store.inMemory(data, at) ?? store.read(childOid), childOid, path)
      } else if (length === 6 && (value === regular || value === groupWritable || value === executable || value === symlink)) {
        const kind: FileKind = value === symlink ? 'symlink' : value === executable ? 'executable' : 'file'
        files.set(path, { kind, tree: data, at, content: undefined })
      }
      // Anything else, 160000 gitlinks (submodules) first, is left out, as Flux does without
      // recurseSubmodules.
    })
  }
  walk(store.read(treeOid), treeOid, '')
  return files
}

/** The bytes of `file`: its own, or its blob's from the store (kept in memory, or read by id). */
export function fileBytes(store: ObjectStore, file: ArtifactFile): Uint8Array {
  if (file.content !== undefined) return file.content
  const tree = file.tree as Buffer
  return (store.inMemory(tree, file.at) ?? store.read(tree.toString('hex', file.at, file.at + 20))).data
}

/** Copies included trees into `files` at their `toPath`. */
export async function addIncludes(files: ArtifactFiles, includes: readonly IncludeSpec[], signal: AbortSignal): Promise<void> {
  for (const include of includes) {
    const from = normalizePath(include.fromPath ?? '')
    const to = normalizePath(include.toPath)
    const fs: FileSystem = include.artifact.fs
    const copy = async (src: string, dest: string): Promise<void> => {
      signal.throwIfAborted()
      for (const entry of await fs.readdir(src)) {
        const s = src === '' ? entry.name : `${src}/${entry.name}`
        const d = dest === '' ? entry.name : `${dest}/${entry.name}`
        const stat = await fs.stat(s)
        if (stat === undefined) continue
        if (stat.type === 'directory') await copy(s, d)
        else {
          const kind: FileKind = (stat.mode & 0o111) !== 0 ? 'executable' : 'file'
          files.set(d, { kind, tree: undefined, at: 0, content: await fs.readFile(s) })
        }
      }
    }
    await copy(from, to)
  }
}

/** The `.sourceignore` patterns in `files`, parents before children, plus the `ignore` option. */
export function ignorePatterns(files: ArtifactFiles, read: (path: string) => Uint8Array, extra: string | undefined): IgnorePattern[] {
  const sources = [...files.keys()]
    .filter((p) => p === '.sourceignore' || p.endsWith('/.sourceignore'))
    .map((p) => p.split('/').slice(0, -1))
    .sort((a, b) => a.length - b.length || (a.join('/') < b.join('/') ? -1 : 1))
  const patterns: IgnorePattern[] = []
  for (const domain of sources) {
    const path = [...domain, '.sourceignore'].join('/')
    patterns.push(...readPatterns(new TextDecoder().decode(read(path)), domain))
  }
  if (extra !== undefined) patterns.push(...readPatterns(extra, []))
  return patterns
}

/** Removes what the patterns exclude; Flux judges every file on its own. */
export function applyIgnore(files: ArtifactFiles, patterns: readonly IgnorePattern[]): void {
  const excluded = sourceIgnoreMatcher(patterns)
  // The map itself is walked (deleting the entry at hand is safe), with no copy of its keys and no
  // [key, value] pair per entry.
  files.forEach((_file, path) => {
    if (excluded(path, false)) files.delete(path)
  })
}

/**
 * Resolves `path` inside `files` following symlinks component by component as the kernel does;
 * `undefined` when it climbs above the root (or loops).
 */
export function resolveInside(files: ReadonlyMap<string, ArtifactFile>, path: string, linkTarget: (path: string) => string): string | undefined {
  let parts = path.split('/').filter((p) => p !== '' && p !== '.')
  const done: string[] = []
  let hops = 0
  while (parts.length > 0) {
    const part = parts.shift() as string
    if (part === '..') {
      if (done.length === 0) return undefined
      done.pop()
      continue
    }
    done.push(part)
    const here = done.join('/')
    const file = files.get(here)
    if (file?.kind === 'symlink') {
      if (++hops > 40) return undefined
      const target = linkTarget(here)
      if (target.startsWith('/')) return undefined
      done.pop()
      parts = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...parts]
    }
  }
  return done.join('/')
}

/** Drops symlinks whose target leads outside the root, with a warning for each; returns the warnings. */
export function dropEscapingLinks(files: ArtifactFiles, linkTarget: (path: string) => string, logger: Logger | undefined): FetchWarning[] {
  const warnings: FetchWarning[] = []
  // The map itself is walked (deleting the entry at hand is safe): a copy of ten thousand entries
  // would be made to find a few links, and a [key, value] pair per entry to look at each.
  files.forEach((file, path) => {
    if (file.kind !== 'symlink') return
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
    const target = linkTarget(path)
    const inside = !target.startsWith('/') && resolveInside(files, dir === '' ? target : `${dir}/${target}`, linkTarget) !== undefined
    if (!inside) {
      files.delete(path)
      const message = `${path}: left out, a symlink to ${JSON.stringify(target)} that leads outside the artifact`
      warnings.push({ type: 'symlink-outside', path, message })
      logger?.warn(message, { path, target })
    }
  })
  return warnings
}
