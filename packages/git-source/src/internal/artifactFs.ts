// The FileSystem of an artifact, read straight from git objects held in memory: no checkout.
import { CoreError, normalizePath } from '@gitops-sdk/core/light'
import type { DirEntry, FileStat, FileSystem } from '@gitops-sdk/core/light'
import type { ArtifactFile, ArtifactFiles } from './artifactTree.js'
import { resolveInside } from './artifactTree.js'

function coreError(code: 'CORE_FS_NOT_FOUND' | 'CORE_FS_NOT_A_FILE' | 'CORE_FS_NOT_A_DIRECTORY' | 'CORE_FS_PATH_ESCAPES_ROOT', path: string, what: string): CoreError {
  return new CoreError({ code, message: `${path}: ${what}`, details: { path } })
}

/** Directory path → names of its entries, for the files given. */
export function directoriesOf(files: ReadonlyMap<string, ArtifactFile>): Map<string, Set<string>> {
  const dirs = new Map<string, Set<string>>([['', new Set()]])
  for (const path of files.keys()) {
    let child = path
    for (;;) {
      const slash = child.lastIndexOf('/')
      const parent = slash < 0 ? '' : child.slice(0, slash)
      let set = dirs.get(parent)
      const known = set !== undefined
      if (set === undefined) dirs.set(parent, (set = new Set()))
      set.add(slash < 0 ? child : child.slice(slash + 1))
      if (parent === '' || known) break
      child = parent
    }
  }
  return dirs
}

/** A read-only FileSystem over `files`, whose bytes `content` returns. */
export function artifactFs(files: ArtifactFiles, content: (file: ArtifactFile) => Uint8Array): FileSystem {
  // Built on the first call that needs a directory, not with the artifact: for ten thousand files it
  // is ten thousand names and a set per directory, which a caller that only reads files, or only
  // takes the digest, never uses (and which made the young generation grow during a fetch).
  let known: Map<string, Set<string>> | undefined
  const dirs = (): Map<string, Set<string>> => (known ??= directoriesOf(files))
  const target = (path: string): string => new TextDecoder().decode(content(files.get(path) as ArtifactFile))
  const resolve = (path: string): string => {
    const rel = normalizePath(path)
    const real = resolveInside(files, rel, target)
    if (real === undefined) throw coreError('CORE_FS_PATH_ESCAPES_ROOT', rel, 'a symlink leads outside the root')
    return real
  }
  const byName = (a: DirEntry, b: DirEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  return {
    async readFile(path) {
      const real = resolve(path)
      const file = files.get(real)
      if (file !== undefined) return content(file)
      throw dirs().has(real) ? coreError('CORE_FS_NOT_A_FILE', normalizePath(path), 'is a directory, not a file') : coreError('CORE_FS_NOT_FOUND', normalizePath(path), 'no such file or directory')
    },
    async readdir(path) {
      const real = resolve(path)
      const names = dirs().get(real)
      if (names === undefined) {
        throw files.has(real) ? coreError('CORE_FS_NOT_A_DIRECTORY', normalizePath(path), 'not a directory') : coreError('CORE_FS_NOT_FOUND', normalizePath(path), 'no such file or directory')
      }
      const prefix = real === '' ? '' : `${real}/`
      return [...names]
        .map((name): DirEntry => {
          const file = files.get(prefix + name)
          return { name, type: file === undefined ? 'directory' : file.kind === 'symlink' ? 'symlink' : 'file' }
        })
        .sort(byName)
    },
    async stat(path): Promise<FileStat | undefined> {
      const real = resolve(path)
      const file = files.get(real)
      if (file !== undefined) return { type: 'file', size: content(file).byteLength, mode: file.kind === 'executable' ? 0o755 : 0o644 }
      return dirs().has(real) ? { type: 'directory', size: 0, mode: 0o755 } : undefined
    },
  }
}
