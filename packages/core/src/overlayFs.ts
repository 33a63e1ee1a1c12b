// overlayFs: decrypted or generated files shown over another file system, never written to disk.
import type { EntryType, FileSystem } from './fileSystem.js'
import { normalizePath } from './fileSystem.js'

/**
 * A {@link FileSystem} that shows `overrides` (path → bytes) over `base`: how decrypted generator
 * inputs reach render without ever being written to disk. An override replaces the file at its
 * path, or adds it when `base` has none: added files (and the folders that lead to them) are
 * listed by `readdir` and answered by `stat` and `readFile` like the others. Over a base with
 * `readFileNoFollow`, it has one too, which finds an override by the name the reader was asked for
 * (its `named` argument) and by no other path.
 */
export function overlayFs(base: FileSystem, overrides: ReadonlyMap<string, Uint8Array>): FileSystem {
  const files = new Map<string, Uint8Array>()
  for (const [path, data] of overrides) files.set(normalizePath(path), data)
  // Every folder that leads to an override, with the names directly in it.
  const folders = new Map<string, Map<string, EntryType>>()
  for (const path of files.keys()) {
    const parts = path.split('/').filter((p) => p !== '')
    for (let i = 0; i < parts.length; i++) {
      const dir = normalizePath(parts.slice(0, i).join('/'))
      let names = folders.get(dir)
      if (names === undefined) folders.set(dir, (names = new Map<string, EntryType>()))
      names.set(parts[i] as string, i === parts.length - 1 ? 'file' : 'directory')
    }
  }
  return {
    readFile: async (path) => files.get(normalizePath(path)) ?? base.readFile(path),
    readdir: async (path) => {
      const added = folders.get(normalizePath(path))
      if (added === undefined) return base.readdir(path)
      const listed = (await base.stat(path))?.type === 'directory' ? await base.readdir(path) : []
      const seen = new Set(listed.map((e) => e.name))
      return [...listed, ...[...added].filter(([name]) => !seen.has(name)).map(([name, type]) => ({ name, type }))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },
    ...(base.realpath === undefined ? {} : { realpath: (path: string) => (base.realpath as (p: string) => Promise<string>).call(base, path) }),
    ...(base.readFileNoFollow === undefined
      ? {}
      : {
          // An override holds bytes, never a symlink, and is shown only under the path it was
          // given: the name the reader was asked for (`named`, before its folders' symlinks were
          // resolved), or the path itself. Never under the real path of the file it covers: an
          // override of a symlink must not be what a read of the link's target gets.
          readFileNoFollow: async (path: string, named?: string) =>
            files.get(normalizePath(named ?? path)) ?? (base.readFileNoFollow as (p: string, n?: string) => Promise<Uint8Array>).call(base, path, named),
        }),
    stat: async (path) => {
      const s = await base.stat(path)
      const data = files.get(normalizePath(path))
      if (data !== undefined) return s !== undefined ? { ...s, size: data.byteLength } : { type: 'file', size: data.byteLength, mode: 0o644 }
      if (s === undefined && folders.has(normalizePath(path))) return { type: 'directory', size: 0, mode: 0o755 }
      return s
    },
  }
}
