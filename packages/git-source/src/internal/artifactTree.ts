// The file list of an artifact: the commit's tree (checked for hostile names), plus included
// trees, minus what `.sourceignore` rules exclude, minus symlinks that lead outside the root.
import type { FileSystem, Logger } from '@gitops-sdk/core'
import { normalizePath } from '@gitops-sdk/core'
import { GitSourceError } from '../errors.js'
import type { FetchWarning, IncludeSpec } from '../types.js'
import { parseTree } from './gitObjects.js'
import type { ObjectStore } from './objectStore.js'
import { readPatterns, sourceIgnoreMatcher } from './sourceIgnore.js'
import type { IgnorePattern } from './sourceIgnore.js'

/** Kind of an artifact file. */
export type FileKind = 'file' | 'executable' | 'symlink'

/** One file of an artifact: its bytes come from a git blob or from an included tree. */
export interface ArtifactFile {
  readonly kind: FileKind
  /** Blob id, when the file comes from git. */
  readonly oid: string | undefined
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

/** Reads the files of the tree `treeOid` from the store. */
export function treeFiles(url: string, treeOid: string, store: ObjectStore): ArtifactFiles {
  const files: ArtifactFiles = new Map()
  const walk = (oid: string, dir: string): void => {
    const object = store.read(oid)
    if (object.type !== 'tree') throw unsafe(url, dir === '' ? '/' : dir, `${oid} is a ${object.type}, not a tree`)
    for (const entry of parseTree(object.data)) {
      checkName(url, dir, entry.name)
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`
      switch (entry.mode) {
        case '40000':
        case '040000':
          walk(entry.oid, path)
          break
        case '100644':
        case '100664':
        case '100755':
          files.set(path, { kind: entry.mode === '100755' ? 'executable' : 'file', oid: entry.oid, content: undefined })
          break
        case '120000':
          files.set(path, { kind: 'symlink', oid: entry.oid, content: undefined })
          break
        default:
          // 160000 gitlinks (submodules) are left out, as Flux does without recurseSubmodules.
          break
      }
    }
  }
  walk(treeOid, '')
  return files
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
          files.set(d, { kind, oid: undefined, content: await fs.readFile(s) })
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
  for (const path of [...files.keys()]) if (excluded(path, false)) files.delete(path)
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
  for (const [path, file] of [...files]) {
    if (file.kind !== 'symlink') continue
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
    const target = linkTarget(path)
    const inside = !target.startsWith('/') && resolveInside(files, dir === '' ? target : `${dir}/${target}`, linkTarget) !== undefined
    if (!inside) {
      files.delete(path)
      const message = `${path}: left out, a symlink to ${JSON.stringify(target)} that leads outside the artifact`
      warnings.push({ type: 'symlink-outside', path, message })
      logger?.warn(message, { path, target })
    }
  }
  return warnings
}
