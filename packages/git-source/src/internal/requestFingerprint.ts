// What decides whether the revision a cache remembers still answers a request: the request's
// fingerprint (everything besides the commit that shapes the artifact) and, with `dir`, the identity
// of the checkout directory. Part of the no-change check, so it loads none of the pack code.
import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { FetchSourceOptions } from '../types.js'
import { defaultPatterns, vcsPatterns } from './sourceIgnore.js'

// Bump when the artifact a commit yields changes for the same options (matching, digest, tree rules).
const artifactFormat = 1

/**
 * A `sha256:` fingerprint of what shapes the artifact of a commit: the ref selection, the ignore
 * rules (the option and the built-in exclusions), the includes, the checkout directory and the
 * signature verification (mode and keys).
 * `undefined` when an include carries no `digest`: its content cannot be known without reading it.
 */
export function requestFingerprint(options: FetchSourceOptions): string | undefined {
  const ref = options.ref ?? {}
  const include: unknown[] = []
  for (const spec of options.include ?? []) {
    const digest: unknown = spec.artifact.digest
    if (typeof digest !== 'string') return undefined
    include.push([digest, spec.fromPath ?? '', spec.toPath])
  }
  const shape = {
    format: artifactFormat,
    ref: [ref.commit, ref.name, ref.semver, ref.tag, ref.branch].map((v) => v ?? null),
    ignore: options.ignore ?? null,
    builtinIgnore: [vcsPatterns, defaultPatterns],
    include,
    dir: options.dir === undefined ? null : resolve(options.dir),
    // Only when set, so the fingerprints of caches built before verification existed still match.
    ...(options.verify === undefined ? {} : { verify: [options.verify.mode ?? 'HEAD', ...options.verify.keys.map((k) => createHash('sha256').update(k).digest('hex'))] }),
  }
  return `sha256:${createHash('sha256').update(JSON.stringify(shape)).digest('hex')}`
}

/**
 * The identity of the directory at `dir` (device, inode, change time), or `undefined` when there
 * is none. A checkout renames a fresh directory into place while the old one still exists, so each
 * checkout has a new inode; adding, removing or renaming an entry at its top level also moves the
 * change time (at the file system's clock resolution). Edits deeper down go unnoticed.
 */
export async function checkoutIdentity(dir: string): Promise<string | undefined> {
  try {
    const info = await stat(dir, { bigint: true })
    return info.isDirectory() ? `${info.dev}:${info.ino}:${info.ctimeNs}` : undefined
  } catch {
    return undefined
  }
}
