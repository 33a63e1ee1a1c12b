// Reads files for one kustomization directory, with kustomize's LoadRestrictionsRootOnly: files
// a kustomization names must be in or below its own directory; directories (bases) may be
// anywhere inside the file system but may not contain a directory already being built (a cycle).
import { Buffer, isAscii, isUtf8 } from 'node:buffer'
import type { FileStat, FileSystem } from '@gitops-sdk/core'
import { isGitOpsError, normalizePath } from '@gitops-sdk/core'
import { stepError } from './fail.js'

export type LoadRestrictions = 'rootOnly' | 'none'

/**
 * UTF-8 text of file bytes (a leading BOM dropped). Bytes that are not UTF-8 are refused, naming
 * the file, as kubectl refuses them ("invalid leading UTF-8 octet"), instead of becoming U+FFFD.
 */
export function decodeText(bytes: Uint8Array, path: string): string {
  // node:buffer's isUtf8 and toString run several times faster than a fatal TextDecoder on the
  // megabytes of large CRD files; the result is the same text.
  // Most manifests are ASCII: then every byte is its character, and a latin1 decode is a plain
  // copy into a one-byte string where the UTF-8 decoder inspects every byte again.
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  if (!isUtf8(bytes)) throw stepError('RENDER_YAML_INVALID', `${path || '.'}: the file is not valid UTF-8`)
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  return Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom).toString('utf8')
}

/** Whether `path` names a remote resource (a URL or a go-getter style git repository). */
export function isRemote(path: string): boolean {
  return (
    /^[a-zA-Z][a-zA-Z0-9+.-]*::/.test(path) ||
    /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(path) ||
    /^[^/@\s]+@[^/:\s]+:/.test(path) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(path) ||
    /^gh:/.test(path)
  )
}

export class Loader {
  /** Directory of the kustomization, relative to the file system root ('' is the root). */
  readonly root: string
  private readonly parent: Loader | undefined
  private readonly restrictions: LoadRestrictions

  constructor(
    readonly fs: FileSystem,
    root: string,
    options: { readonly restrictions: LoadRestrictions; readonly parent?: Loader | undefined },
  ) {
    this.root = root
    this.parent = options.parent
    this.restrictions = options.restrictions
  }

  /** This loader's directory and those of the kustomizations that led here. */
  private visitedRoots(): string[] {
    const roots = [this.root]
    for (let l = this.parent; l !== undefined; l = l.parent) roots.push(l.root)
    return roots
  }

  /** `path` (relative to this directory, or absolute from the file system root) normalised. */
  resolve(path: string): string {
    const joined = path.startsWith('/') ? path : this.root === '' ? path : `${this.root}/${path}`
    try {
      return normalizePath(joined)
    } catch (err) {
      if (isGitOpsError(err, 'CORE_FS_PATH_ESCAPES_ROOT')) {
        throw stepError('RENDER_PATH_ESCAPES_ROOT', `'${path}' leaves the root of the file system`)
      }
      throw err
    }
  }

  /** What is at `path`, or undefined. */
  async stat(path: string): Promise<FileStat | undefined> {
    try {
      return await this.fs.stat(this.resolve(path))
    } catch (err) {
      if (isGitOpsError(err, 'CORE_FS_PATH_ESCAPES_ROOT')) {
        throw stepError('RENDER_PATH_ESCAPES_ROOT', `'${path}': a symlink leads outside the root`)
      }
      throw err
    }
  }

  /** The bytes of a file this kustomization may read. */
  async loadBytes(path: string): Promise<Uint8Array> {
    if (isRemote(path)) throw stepError('RENDER_REMOTE_DISABLED', `'${path}' is remote; remote resources are disabled`)
    const full = this.resolve(path)
    this.checkRestriction(path, full)
    await this.checkRealPath(path, full)
    try {
      return await this.fs.readFile(full)
    } catch (err) {
      if (isGitOpsError(err, 'CORE_FS_NOT_FOUND')) throw stepError('RENDER_FILE_NOT_FOUND', `'${full || '.'}' doesn't exist`)
      if (isGitOpsError(err, 'CORE_FS_NOT_A_FILE')) throw stepError('RENDER_FILE_NOT_FOUND', `'${full || '.'}' must resolve to a file`)
      if (isGitOpsError(err, 'CORE_FS_PATH_ESCAPES_ROOT')) throw stepError('RENDER_PATH_ESCAPES_ROOT', `'${path}': a symlink leads outside the root`)
      throw err
    }
  }

  async load(path: string): Promise<string> {
    return decodeText(await this.loadBytes(path), this.resolve(path))
  }

  /** Whether kustomize's root-only restriction lets this kustomization read `full`. */
  checkRestriction(path: string, full: string): void {
    if (this.restrictions === 'none') return
    const dir = full.includes('/') ? full.slice(0, full.lastIndexOf('/')) : ''
    if (!within(dir, this.root)) {
      throw stepError('RENDER_PATH_ESCAPES_ROOT', `security; file '${path}' is not in or below '${this.root === '' ? '.' : this.root}'`)
    }
  }

  /**
   * The root-only restriction again on the real paths, where the file system knows them: a symlink
   * in this directory may not lead a read out of it (kustomize compares the symlink-free paths).
   */
  private async checkRealPath(path: string, full: string): Promise<void> {
    if (this.restrictions === 'none' || this.fs.realpath === undefined) return
    let real: string
    try {
      real = await this.fs.realpath(full)
      const dir = real.includes('/') ? real.slice(0, real.lastIndexOf('/')) : ''
      if (within(dir, await this.realRoot())) return
    } catch (err) {
      if (isGitOpsError(err, 'CORE_FS_PATH_ESCAPES_ROOT')) throw stepError('RENDER_PATH_ESCAPES_ROOT', `'${path}': a symlink leads outside the root`)
      throw err
    }
    throw stepError('RENDER_PATH_ESCAPES_ROOT', `security; file '${full}' is not in or below '${this.root === '' ? '.' : this.root}'`)
  }

  private realRootPath: Promise<string> | undefined

  /** This kustomization's directory with its symlinks followed. */
  private realRoot(): Promise<string> {
    this.realRootPath ??= this.fs.realpath === undefined ? Promise.resolve(this.root) : this.fs.realpath(this.root)
    return this.realRootPath
  }

  /** A loader for the directory `path` (a base or a component). */
  async child(path: string): Promise<Loader> {
    if (path === '') throw stepError('RENDER_FILE_NOT_FOUND', 'new root cannot be empty')
    if (isRemote(path)) throw stepError('RENDER_REMOTE_DISABLED', `'${path}' is remote; remote resources are disabled`)
    if (path.startsWith('/')) throw stepError('RENDER_FILE_NOT_FOUND', `new root '${path}' cannot be absolute`)
    const full = this.resolve(path)
    const st = await this.stat(path)
    if (st === undefined) throw stepError('RENDER_FILE_NOT_FOUND', `'${path}' doesn't exist`)
    if (st.type !== 'directory') throw stepError('RENDER_FILE_NOT_FOUND', `must build at directory: '${full}': file is not directory`)
    for (const visited of this.visitedRoots()) {
      if (within(visited, full)) {
        throw stepError('RENDER_CYCLE', `cycle detected: candidate root '${full || '.'}' contains visited root '${visited || '.'}'`)
      }
    }
    return new Loader(this.fs, full, { restrictions: this.restrictions, parent: this })
  }
}

/** Whether directory `dir` is `root` or below it. */
function within(dir: string, root: string): boolean {
  return root === '' || dir === root || dir.startsWith(`${root}/`)
}
