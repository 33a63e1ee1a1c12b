// Reading ahead. A build reads files strictly in kustomize's order, one await after another; on a
// real disk each read waits for the thread pool. A cached view of the file system, and a pass
// that starts every read a kustomization tree will make (kustomization files, resources, bases,
// components, patches, generator inputs) before the build needs it, turn those waits into
// lookups. Errors are left for the build to meet in order: the prefetch ignores them.
import type { DirEntry, FileStat, FileSystem } from '@gitops-sdk/core'
import { isGitOpsError, normalizePath } from '@gitops-sdk/core'
import { parseYaml11 } from '../yaml/yaml11.js'
import { stepError } from './fail.js'
import { decodeText, isRemote } from './loader.js'
import type { LoadRestrictions } from './loader.js'
import { isMap } from '../yaml/values.js'
import type { Value } from '../yaml/values.js'

/**
 * A file system that remembers what it read, for the length of one build. `restrictions` says what
 * a file that turned into a symlink after its folder was listed becomes (below).
 */
export function cachedFs(fs: FileSystem, restrictions: LoadRestrictions): FileSystem {
  const files = new Map<string, Promise<Uint8Array>>()
  const stats = new Map<string, Promise<FileStat | undefined>>()
  const dirs = new Map<string, Promise<DirEntry[]>>()
  const reals = new Map<string, Promise<string>>()
  // Each directory listing read so far, by name: the type of an entry (symlinks not followed) is
  // known without asking the file system again (below).
  const listings = new Map<string, Map<string, DirEntry['type']>>()
  const memo = <T>(m: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let p = m.get(key)
    if (p === undefined) {
      p = load()
      // A rejected read stays rejected for every reader, but must not be an unhandled rejection.
      p.catch(() => undefined)
      m.set(key, p)
    }
    return p
  }
  const readdir = (dir: string): Promise<DirEntry[]> =>
    memo(dirs, dir, async () => {
      const entries = await fs.readdir(dir)
      const byName = new Map<string, DirEntry['type']>()
      for (const e of entries) byName.set(e.name, e.type)
      listings.set(dir, byName)
      return entries
    })
  /** The type of `path` in its directory's listing, if that listing was read (no symlink followed). */
  const listedType = (path: string): DirEntry['type'] | undefined => {
    const slash = path.lastIndexOf('/')
    return listings.get(slash < 0 ? '' : path.slice(0, slash))?.get(path.slice(slash + 1))
  }
  const listed = async (path: string): Promise<boolean> => {
    const slash = path.lastIndexOf('/')
    await readdir(slash < 0 ? '' : path.slice(0, slash)).catch(() => [])
    return listedType(path) !== undefined
  }
  // A file already read needs no stat: its type and size are known.
  const read = new Map<string, Uint8Array>()
  // A file system that can read a real path following no symlink (nodeFs): what a listing shows is
  // trusted to stay where it was (real(), below) because the read of a listed file is of that real
  // path, refusing any symlink on it; a file swapped for a symlink after the listing cannot lead the
  // read out of the folder the load restrictor checked. Without it, every path is asked.
  const noFollow =
    fs.realpath === undefined || fs.readFileNoFollow === undefined
      ? undefined
      : (path: string, named: string) => (fs.readFileNoFollow as (p: string, n?: string) => Promise<Uint8Array>).call(fs, path, named)
  const real = (path: string): Promise<string> =>
    memo(reals, path, async () => {
      // A file or directory its directory's listing shows (not a symlink) is where that directory
      // really is: one realpath per directory instead of one per file. The root has no listing.
      const type = path === '' || noFollow === undefined ? undefined : listedType(path)
      if (type === 'file' || type === 'directory') {
        const slash = path.lastIndexOf('/')
        const dir = await real(slash < 0 ? '' : path.slice(0, slash))
        const name = path.slice(slash + 1)
        return dir === '' ? name : `${dir}/${name}`
      }
      return (fs.realpath as (p: string) => Promise<string>).call(fs, path)
    })
  /**
   * A file its folder's listing showed as a regular file, read where real() says it is, following
   * no symlink. Turned into a symlink since (or moved), it is refused under the root-only
   * restriction, as the restrictor refuses a symlink that leaves the root; with no restriction it
   * is read through the link like any other (still never outside the file system's root).
   */
  const readListed = async (path: string, noFollow: (p: string, named: string) => Promise<Uint8Array>): Promise<Uint8Array> => {
    try {
      // The path as asked goes along: a file system that shows files by name (overlayFs) answers
      // for that name, never for the real path of another (an override of a symlink is not its target's).
      return await noFollow(await real(path), path)
    } catch (err) {
      if (!isGitOpsError(err, 'CORE_FS_SYMLINK_REFUSED')) throw err
      if (restrictions === 'none') return fs.readFile(path)
      throw stepError('RENDER_PATH_ESCAPES_ROOT', `security; file '${path}' became a symlink after its folder was listed; not followed`)
    }
  }
  return {
    readFile: (path) =>
      memo(files, path, async () => {
        // Regular files only: reading a FIFO or a device would wait forever. A file system's stat
        // answers undefined for both "absent" and "not a file or directory"; the listing tells which.
        // A path its directory's listing already shows as a regular file needs no stat.
        const type = listedType(path)
        if (type !== 'file') {
          const s = await memo(stats, path, () => fs.stat(path))
          if (s === undefined && (await listed(path))) throw stepError('RENDER_FILE_NOT_FOUND', `'${path}' is not a regular file`)
        }
        const data = type === 'file' && noFollow !== undefined ? await readListed(path, noFollow) : await fs.readFile(path)
        read.set(path, data)
        return data
      }),
    stat: (path) => {
      const data = read.get(path)
      if (data !== undefined) return Promise.resolve({ type: 'file' as const, size: data.byteLength, mode: 0o644 })
      return memo(stats, path, () => fs.stat(path))
    },
    readdir,
    ...(fs.realpath === undefined ? {} : { realpath: real }),
  }
}

const NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
const MANIFEST = /\.(ya?ml|json)$/i

/** The kustomization file names present in `dir` (from one directory listing). */
export async function kustomizationFiles(fs: FileSystem, dir: string): Promise<string[]> {
  let entries: DirEntry[]
  try {
    entries = await fs.readdir(dir)
  } catch {
    return []
  }
  const out: string[] = []
  for (const name of NAMES) {
    const e = entries.find((x) => x.name === name)
    if (e === undefined) continue
    if (e.type === 'file') out.push(name)
    else if (e.type === 'symlink' && (await fs.stat(dir === '' ? name : `${dir}/${name}`).catch(() => undefined))?.type === 'file') out.push(name)
  }
  return out
}

/** Parsed kustomization files by path, shared by the prefetch and the build. */
export type ParsedKustomizations = Map<string, Value | undefined>

function join(dir: string, path: string): string | undefined {
  try {
    return normalizePath(path.startsWith('/') ? path : dir === '' ? path : `${dir}/${path}`)
  } catch {
    return undefined
  }
}

function strings(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

function field(m: Record<string, Value>, name: string): Value | undefined {
  const key = Object.keys(m).find((k) => k.toLowerCase() === name.toLowerCase())
  return key === undefined ? undefined : m[key]
}

/** Paths a kustomization reads besides its resources and components. */
function otherFiles(k: Record<string, Value>): string[] {
  const out: string[] = []
  const psm = strings(field(k, 'patchesStrategicMerge')).filter((p) => !p.includes('\n'))
  out.push(...psm, ...strings(field(k, 'configurations')), ...strings(field(k, 'crds')))
  for (const list of [field(k, 'patches'), field(k, 'patchesJson6902'), field(k, 'replacements')]) {
    if (!Array.isArray(list)) continue
    for (const e of list) if (isMap(e) && typeof e.path === 'string') out.push(e.path)
  }
  for (const list of [field(k, 'configMapGenerator'), field(k, 'secretGenerator')]) {
    if (!Array.isArray(list)) continue
    for (const g of list) {
      if (!isMap(g)) continue
      out.push(...strings(g.envs), ...strings(g.files).map((f) => f.slice(f.indexOf('=') + 1)))
      if (typeof g.env === 'string') out.push(g.env)
    }
  }
  const openapi = field(k, 'openapi')
  if (isMap(openapi) && typeof openapi.path === 'string') out.push(openapi.path)
  return out
}

/** Starts, in parallel, every read the build of `dir` will make. */
export async function prefetch(fs: FileSystem, dir: string, parsed: ParsedKustomizations): Promise<void> {
  const seen = new Set<string>()
  const visit = async (d: string, depth: number): Promise<void> => {
    if (seen.has(d) || depth > 64) return
    seen.add(d)
    const found = await kustomizationFiles(fs, d)
    const name = found[0]
    if (name === undefined || found.length > 1) return
    const path = d === '' ? name : `${d}/${name}`
    let k: Value | undefined
    try {
      k = parseYaml11(decodeText(await fs.readFile(path), path), path)
    } catch {
      return
    }
    parsed.set(path, k)
    if (!isMap(k)) return
    const entries = [...strings(field(k, 'resources')), ...strings(field(k, 'bases')), ...strings(field(k, 'components'))]
    const files = otherFiles(k)
    await Promise.all([
      ...files.map(async (f) => {
        const p = join(d, f)
        if (p !== undefined && !isRemote(f)) await fs.readFile(p).catch(() => undefined)
      }),
      ...entries.map(async (e) => {
        if (isRemote(e)) return
        const p = join(d, e)
        if (p === undefined) return
        // An entry without a manifest's extension is most likely a directory: asking first spares
        // a failed read (the build asks again, from the cache).
        if (!MANIFEST.test(e) && (await fs.stat(p).catch(() => undefined))?.type === 'directory') {
          await visit(p, depth + 1)
          return
        }
        const read = await fs.readFile(p).then(
          () => true,
          () => false,
        )
        if (!read) await visit(p, depth + 1)
      }),
    ])
  }
  await visit(dir, 0)
}
