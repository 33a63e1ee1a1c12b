import { readdirSync, statSync } from 'node:fs'
import { isAbsolute, join, parse, relative as relativePath, resolve, sep } from 'node:path'
import type { KubeObject } from '@gitops-sdk/core'
import { isGitOpsError } from '@gitops-sdk/core'
import type { RenderOptions } from '@gitops-sdk/render'

/**
 * Builds a directory on disk as `kubectl kustomize DIR` does (a kustomization, or with
 * `plainDirectories` a plain directory of manifests), reading through the fast synchronous disk
 * file system rooted at `/`. The paths in a failure are shown as the user reads them (see
 * {@link displayPaths}, relative to `cwd`), not relative to that root.
 */
export async function renderDirectory(
  dir: string,
  options: Omit<RenderOptions, 'fs'> & { readonly onRead?: ((file: string) => void) | undefined },
  cwd: string = process.cwd(),
): Promise<KubeObject[]> {
  const [{ render }, { diskFs }] = await Promise.all([import('@gitops-sdk/render'), import('./diskFs.js')])
  const absolute = resolve(dir)
  const root = parse(absolute).root
  const { onRead, ...renderOptions } = options
  const disk = diskFs(root)
  // --log-level debug names every file the build reads, as the user reads its path.
  const told = (file: string): void => onRead?.(displayPaths(file.replace(/^\/+/, ''), root, cwd))
  const fs =
    onRead === undefined
      ? disk
      : {
          ...disk,
          readFile: (file: string) => (told(file), disk.readFile(file)),
          // A listed file is read at its real path; the log names it as the build asked for it.
          readFileNoFollow: (file: string, named?: string) => (told(named ?? file), (disk.readFileNoFollow as (p: string, n?: string) => Promise<Uint8Array>).call(disk, file, named)),
        }
  try {
    return await render(relativePath(root, absolute).split(sep).join('/'), { ...renderOptions, fs })
  } catch (err) {
    if (!isGitOpsError(err)) throw err
    const message = displayPaths(err.message, root, cwd)
    if (message === err.message) throw err
    const details = Object.fromEntries(
      Object.entries(err.details).map(([k, v]) => [k, typeof v === 'string' ? displayPaths(v, root, cwd) : v]),
    )
    // The error stays the one render threw (its class and code), with its paths rewritten.
    err.message = message
    Object.defineProperty(err, 'details', { value: details })
    throw err
  }
}

// A word of a message that may be a path: anything between quotes, spaces, brackets and colons.
const WORD = /(^|[\s'"([,=])([^\s'"()[\],=:]+)/g

/**
 * Rewrites the paths in a render failure's `text`, which name files relative to the file system's
 * `root` (`/`), as a user reads them: relative to `cwd` when below it, absolute otherwise. A word
 * counts as such a path only when it has a `/` and its first segment is a directory directly
 * under `root`, so words of the message and relative entries of a kustomization stay as they are.
 */
export function displayPaths(text: string, root: string, cwd: string): string {
  const tops = topDirectories(root)
  return text.replace(WORD, (match, before: string, word: string) => {
    const slash = word.indexOf('/')
    if (slash <= 0 || !tops.has(word.slice(0, slash))) return match
    const absolute = join(root, word)
    const relative = relativePath(cwd, absolute)
    const shown = relative === '' ? '.' : relative === '..' || relative.startsWith(`..${sep}`) || isAbsolute(relative) ? absolute : relative
    return `${before}${shown}`
  })
}

const topCache = new Map<string, Set<string>>()

function topDirectories(root: string): Set<string> {
  let tops = topCache.get(root)
  if (tops === undefined) {
    tops = new Set()
    for (const name of safeReaddir(root)) {
      try {
        if (statSync(join(root, name)).isDirectory()) tops.add(name)
      } catch {
        // an entry that cannot be read names no directory a build read from
      }
    }
    topCache.set(root, tops)
  }
  return tops
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
