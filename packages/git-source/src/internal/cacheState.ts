// What the cache remembers of the last fetch (gitops-source.json), apart from the objects: all the
// no-change check needs, so reading it loads none of the pack code.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { trimCharRun } from '@gitops-sdk/core/light'
import type { FetchSourceOptions } from '../types.js'
import { checkoutIdentity, requestFingerprint } from './requestFingerprint.js'

/** What the cache remembers about the last fetch. */
export interface CacheState {
  readonly version: 1
  readonly url: string
  readonly revision: string
  readonly commit: string
  readonly ref: string | undefined
  /** The fingerprint of the request that built the last artifact (`requestFingerprint`). */
  readonly fingerprint?: string | undefined
  /** The identity of the directory it was checked out to (`checkoutIdentity`), once written. */
  readonly checkout?: string | undefined
}

/** The state file's name in a cache directory. */
export const stateFile = 'gitops-source.json'

/** The directory of `url`'s cache under `cacheDir`: a readable slug plus a hash of the URL. */
export function cacheDirFor(cacheDir: string, url: string): string {
  const parsed = new URL(url)
  const slug = trimCharRun(`${parsed.host}${parsed.pathname}`.replace(/[^A-Za-z0-9._-]+/g, '-'), '-', 'both').slice(0, 60)
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 16)
  return join(cacheDir, `${slug}-${hash}`)
}

/** Whether `value` is a state written for `url`. */
export function isState(value: unknown, url: string): value is CacheState {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    v.version === 1 &&
    v.url === url &&
    typeof v.revision === 'string' &&
    typeof v.commit === 'string' &&
    /^[0-9a-f]{40}$/.test(v.commit) &&
    (v.ref === undefined || typeof v.ref === 'string') &&
    (v.fingerprint === undefined || typeof v.fingerprint === 'string') &&
    (v.checkout === undefined || typeof v.checkout === 'string')
  )
}

/** The remembered state only (cheap: for the no-change check); `undefined` when absent or unreadable. */
export async function readCacheState(dir: string, url: string): Promise<CacheState | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(join(dir, stateFile), 'utf8'))
    return isState(value, url) ? value : undefined
  } catch {
    return undefined
  }
}

/**
 * The remembered revision when it answers `request`: the last fetch built the artifact this request
 * asks for (same fingerprint) and, when the request has a `dir`, checked it out there and that
 * directory is still the one it wrote. Otherwise `undefined`, and the artifact is built again.
 */
export async function rememberedRevision(dir: string, url: string, request: FetchSourceOptions): Promise<string | undefined> {
  const state = await readCacheState(dir, url)
  const fingerprint = requestFingerprint(request)
  if (state === undefined || fingerprint === undefined || state.fingerprint !== fingerprint) return undefined
  if (request.dir !== undefined && (state.checkout === undefined || state.checkout !== (await checkoutIdentity(request.dir)))) return undefined
  return state.revision
}
