// A file system with files added or replaced in memory: the kustomization files Flux generates
// beside the user's, without writing to the checkout.
import { normalizePath } from '@gitops-sdk/core'
import type { DirEntry, FileSystem } from '@gitops-sdk/core'

/** `base` with `files` added or replaced. */
export function withFiles(base: FileSystem, files: ReadonlyMap<string, Uint8Array>): FileSystem {
  const added = new Map<string, Uint8Array>()
  for (const [path, data] of files) added.set(normalizePath(path), data)
  const parentOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')
  return {
    readFile: async (path) => added.get(normalizePath(path)) ?? base.readFile(path),
    readdir: async (path) => {
      const dir = normalizePath(path)
      const entries: DirEntry[] = await base.readdir(path)
      const names = new Set(entries.map((e) => e.name))
      for (const file of added.keys()) {
        const name = file.slice(dir === '' ? 0 : dir.length + 1)
        if (parentOf(file) === dir && !names.has(name)) entries.push({ name, type: 'file' })
      }
      return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },
    stat: async (path) => {
      const data = added.get(normalizePath(path))
      if (data === undefined) return base.stat(path)
      return { type: 'file', size: data.byteLength, mode: 0o644 }
    },
    ...(base.realpath === undefined ? {} : { realpath: (path: string) => (base.realpath as (p: string) => Promise<string>).call(base, path) }),
  }
}
