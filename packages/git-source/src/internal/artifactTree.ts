// The file list of an artifact: the commit's tree (checked for hostile names), plus included
// trees, minus what `.sourceignore` rules exclude, minus symlinks that lead outside the root.
import type { FileSystem, Logger } from '@gitops-sdk/core'
import { normalizePath } from '@gitops-sdk/core'
import { GitSourceError } from '../errors.js'
import type { FetchWarning, IncludeSpec } from '../types.js'
import { forEachTreeEntry, parseCommit } from './gitObjects.js'
import type { GitObject } from './gitObjects.js'
import type { ObjectStore } from './objectStore.js'
import { readPatterns, sourceIgnoreMatcher } from './sourceIgnore.js'
import type { IgnoreMatcher, IgnorePattern } from './sourceIgnore.js'

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

/** Where {@link treeFiles} reads trees: the object store, or a pack still arriving. */
export type TreeSource = Pick<ObjectStore, 'inMemory' | 'read'>

// What a walk does with the entries of a tree, in the tree's order: a file, or a directory whose
// tree's id is at `data[at..at+20)`. `url` names the remote in errors.
interface TreeVisitor {
  readonly url: string
  file(path: string, file: ArtifactFile): void
  dir(path: string, at: number): void
}

// The entries of one tree at `dir`. Names are checked as git checks them before anything is kept.
function visitTree(data: Buffer, dir: string, visitor: TreeVisitor): void {
  forEachTreeEntry(data, (mode, name, at) => {
    checkName(visitor.url, dir, name)
    const path = dir === '' ? name : `${dir}/${name}`
    const length = mode.end - mode.start
    const { value } = mode
    if (value === directory && (length === 5 || length === 6)) {
      visitor.dir(path, at)
    } else if (length === 6 && (value === regular || value === groupWritable || value === executable || value === symlink)) {
      const kind: FileKind = value === symlink ? 'symlink' : value === executable ? 'executable' : 'file'
      visitor.file(path, { kind, tree: data, at, content: undefined })
    }
    // Anything else, 160000 gitlinks (submodules) first, is left out, as Flux does without
    // recurseSubmodules.
  })
}

/** Reads the files of the tree `treeOid` from the store. */
export function treeFiles(url: string, treeOid: string, store: TreeSource): ArtifactFiles {
  const files: ArtifactFiles = new Map()
  const walk = (object: GitObject, oid: string, dir: string): void => {
    if (object.type !== 'tree') throw unsafe(url, dir === '' ? '/' : dir, `${oid} is a ${object.type}, not a tree`)
    const { data } = object
    visitTree(data, dir, {
      url,
      file: (path, file) => void files.set(path, file),
      dir: (path, at) => {
        // A tree the pack indexer kept is taken as it is; the hex id is for messages and the fallback.
        const childOid = data.toString('hex', at, at + 20)
        walk(store.inMemory(data, at) ?? store.read(childOid), childOid, path)
      },
    })
  }
  walk(store.read(treeOid), treeOid, '')
  return files
}

// A directory of the commit being collected: its entries once its tree has arrived.
class Directory {
  paths: string[] | undefined
  items: (ArtifactFile | Directory)[] | undefined
  constructor(readonly path: string) {}
}

/**
 * The files of one commit, read from its trees while the pack that holds them is still arriving
 * (pack-objects writes a tree before the objects it lists, so the walk follows the pack), so that
 * little is left to do after its last byte. Speculative: the objects given are authentic (each id
 * was checked on the object's bytes), but the pack may still fail; then nothing here is used.
 * Anything unusual (a tree not given, a hostile name, a tree id that names another object) makes
 * {@link TreeCollector.files} answer `undefined`, and the artifact is walked from the store as
 * before, which reports whatever is wrong after the pack's own checks.
 */
export class TreeCollector {
  readonly #url: string
  readonly #commit: string
  /** Trees given so far, by id (20 latin1 characters). */
  readonly #trees = new Map<string, Buffer>()
  /** Directories waiting for their tree, by its id. */
  readonly #waiting = new Map<string, Directory[]>()
  #root: Directory | undefined
  #failed = false

  /**
   * Files the ignore rules exclude, when no `.sourceignore` was seen: the rules are then those of
   * `ignore` alone and each file is judged as it is read.
   */
  readonly #excluded = new Set<ArtifactFile>()
  readonly #excludedBy: IgnoreMatcher | undefined
  #sourceIgnore = false

  /**
   * Collects the files of `commit` (hex id). With `ignore` (the option's text, or `null` for none:
   * Flux's defaults), each file is also judged by the rules as they stand without `.sourceignore`
   * files, which holds unless the tree has one (see {@link TreeCollector.files}); `undefined`
   * judges nothing (the artifact has includes, whose files the rules also judge).
   */
  constructor(url: string, commit: string, ignore: string | null | undefined) {
    this.#url = url
    this.#commit = Buffer.from(commit, 'hex').toString('latin1')
    this.#excludedBy = ignore === undefined ? undefined : sourceIgnoreMatcher(ignore === null ? [] : readPatterns(ignore, []))
  }

  /** A commit of the pack, by its id as 20 latin1 characters, with its bytes. */
  commit(id: string, data: Buffer): void {
    if (id !== this.#commit || this.#root !== undefined || this.#failed) return
    try {
      this.#root = new Directory('')
      this.#expect(Buffer.from(parseCommit(data).tree, 'hex').toString('latin1'), this.#root)
    } catch {
      this.#failed = true
    }
  }

  /** A tree of the pack, by its id as 20 latin1 characters, with its bytes (kept until the end). */
  tree(id: string, data: Buffer): void {
    if (this.#failed) return
    this.#trees.set(id, data)
    const waiting = this.#waiting.get(id)
    if (waiting === undefined) return
    this.#waiting.delete(id)
    for (const dir of waiting) this.#fill(dir, data)
  }

  /**
   * The files of `commit` in the order of {@link treeFiles}, or `undefined` (see above); `ignored`
   * when the ignore rules were applied (the tree has no `.sourceignore`), as
   * {@link applyIgnore} with {@link ignorePatterns} would have.
   */
  files(commit: string): { files: ArtifactFiles; ignored: boolean } | undefined {
    const root = this.#root
    if (this.#failed || root === undefined || this.#waiting.size > 0 || Buffer.from(commit, 'hex').toString('latin1') !== this.#commit) return undefined
    const files: ArtifactFiles = new Map()
    const ignored = this.#excludedBy !== undefined && !this.#sourceIgnore
    const excluded = ignored ? this.#excluded : new Set<ArtifactFile>()
    const add = (dir: Directory): boolean => {
      const { paths, items } = dir
      if (paths === undefined || items === undefined) return false
      for (let k = 0; k < items.length; k++) {
        const item = items[k] as ArtifactFile | Directory
        if (item instanceof Directory) {
          if (!add(item)) return false
        } else if (!excluded.has(item)) files.set(paths[k] as string, item)
      }
      return true
    }
    return add(root) ? { files, ignored } : undefined
  }

  #expect(id: string, dir: Directory): void {
    const data = this.#trees.get(id)
    if (data !== undefined) return this.#fill(dir, data)
    const list = this.#waiting.get(id)
    if (list === undefined) this.#waiting.set(id, [dir])
    else list.push(dir)
  }

  #fill(dir: Directory, data: Buffer): void {
    if (this.#failed) return
    const paths: string[] = []
    const items: (ArtifactFile | Directory)[] = []
    const excludedBy = this.#sourceIgnore ? undefined : this.#excludedBy
    try {
      visitTree(data, dir.path, {
        url: this.#url,
        file: (path, file) => {
          paths.push(path)
          items.push(file)
          if (excludedBy === undefined) return
          if (path === '.sourceignore' || path.endsWith('/.sourceignore')) this.#sourceIgnore = true
          if (excludedBy(path, false)) this.#excluded.add(file)
        },
        dir: (path, at) => {
          const child = new Directory(path)
          paths.push(path)
          items.push(child)
          this.#expect(data.toString('latin1', at, at + 20), child)
        },
      })
    } catch {
      this.#failed = true
      return
    }
    dir.paths = paths
    dir.items = items
  }
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
