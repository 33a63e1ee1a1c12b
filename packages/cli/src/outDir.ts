// Where `gitops fetch --out DIR` may write. The checkout replaces DIR as a whole, so DIR must be
// something the tool made: absent, empty, or a previous checkout carrying its marker. Never the
// working directory, one of its parents, the home directory or one of its parents, even with
// --force: `--out .` or `--out ..` would otherwise wipe the user's work.
// node:fs/promises is reached through fs.promises, when first used: loading it costs every start of
// the gitops command (its bundle runs this module's imports at start) a few milliseconds.
import { promises as fsp } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { UsageError } from './errors.js'

/** The file `gitops fetch` leaves in every checkout it writes, so that it may replace it later. */
export const FETCH_MARKER = '.gitops-fetch'

const within = (inner: string, outer: string): boolean => {
  const rel = relative(outer, inner)
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..')
}

async function realOrSelf(path: string): Promise<string> {
  return fsp.realpath(path).catch(() => path)
}

/** The real path of `path`, following the longest existing prefix (the rest may not exist yet). */
async function realPrefix(path: string): Promise<string> {
  let existing = path
  let rest = ''
  while (true) {
    try {
      return join(await fsp.realpath(existing), rest)
    } catch {
      const parent = dirname(existing)
      if (parent === existing) return path
      rest = join(existing.slice(parent.length + 1), rest)
      existing = parent
    }
  }
}

/** What {@link checkOutDir} needs besides the directory. */
export interface OutDirOptions {
  readonly cwd: string
  readonly home?: string | undefined
  /** Allow replacing a non-empty directory the tool did not create. @defaultValue false */
  readonly force?: boolean | undefined
}

/** Refuses `--out DIR` when replacing it could destroy what is not the tool's. */
export async function checkOutDir(out: string, dir: string, options: OutDirOptions): Promise<void> {
  const target = await realPrefix(resolve(dir))
  const guarded = [options.cwd, ...(options.home === undefined || options.home === '' ? [] : [options.home])]
  for (const place of guarded) {
    const real = await realOrSelf(resolve(place))
    if (within(real, target)) {
      const what = place === options.cwd ? 'the working directory' : 'the home directory'
      throw new UsageError(`--out ${out}: ${target === real ? 'is' : 'contains'} ${what}; fetch replaces --out as a whole, so it must be a directory of its own`, {
        code: 'CLI_OUT_UNSAFE',
        details: { path: out },
      })
    }
  }
  const info = await fsp.lstat(target).catch(() => undefined)
  if (info === undefined) return
  if (!info.isDirectory()) {
    throw new UsageError(`--out ${out}: exists and is not a directory`, { code: 'CLI_OUT_NOT_EMPTY', details: { path: out } })
  }
  const entries = await fsp.readdir(target)
  if (entries.length === 0 || entries.includes(FETCH_MARKER) || options.force === true) return
  throw new UsageError(`--out ${out}: not empty and not written by gitops fetch; it would be replaced as a whole (pass --force to allow it)`, {
    code: 'CLI_OUT_NOT_EMPTY',
    details: { path: out, entries: entries.length },
  })
}

/** Marks a checkout as the tool's, with what it holds (the URL already free of credentials). */
export async function markOutDir(dir: string, record: { readonly url: string; readonly revision: string }, signal: AbortSignal): Promise<void> {
  await fsp.writeFile(join(dir, FETCH_MARKER), `${JSON.stringify(record)}\n`, { signal })
}
