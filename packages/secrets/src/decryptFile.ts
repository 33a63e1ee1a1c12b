import { isGitOpsError, normalizePath } from '@gitops-sdk/core/light'
import type { FileSystem } from '@gitops-sdk/core/light'
import { decrypt } from './decrypt.js'
import { SopsError } from './errors.js'
import { formatForPath } from './formatForPath.js'
import type { KeyOptions, SopsFormat } from './types.js'

/** Largest encrypted file read by default: 5 MiB, Flux's limit. */
export const DEFAULT_MAX_FILE_SIZE: number = 5 * 1024 * 1024

/** Options of {@link decryptFile}. */
export interface DecryptFileOptions extends KeyOptions {
  /** The file tree to read from; nothing outside its root can be read. */
  readonly fs: FileSystem
  /** The store of the file. @defaultValue from the extension ({@link formatForPath}) */
  readonly format?: SopsFormat | undefined
  /** The store to print the plaintext in. @defaultValue `format` */
  readonly outputFormat?: SopsFormat | undefined
  /** Largest file accepted, in bytes. @defaultValue 5 MiB */
  readonly maxFileSize?: number | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** Reads a file through `fs` within the size cap; undefined when it does not exist. */
export async function readCapped(fs: FileSystem, path: string, maxFileSize: number): Promise<Uint8Array | undefined> {
  let rel: string
  try {
    rel = normalizePath(path)
  } catch (cause) {
    throw new SopsError({ code: 'SOPS_PATH_ESCAPES_ROOT', message: `${path}: path escapes the root`, details: { path }, cause })
  }
  try {
    const stat = await fs.stat(rel)
    if (stat?.type !== 'file') return undefined
    if (stat.size > maxFileSize) {
      throw new SopsError({
        code: 'SOPS_FILE_TOO_LARGE',
        message: `${rel}: ${stat.size} bytes exceeds the limit of ${maxFileSize}`,
        details: { path: rel, size: stat.size, limit: maxFileSize },
      })
    }
    const bytes = await fs.readFile(rel)
    if (bytes.byteLength > maxFileSize) {
      throw new SopsError({ code: 'SOPS_FILE_TOO_LARGE', message: `${rel}: exceeds the limit of ${maxFileSize} bytes`, details: { path: rel, limit: maxFileSize } })
    }
    return bytes
  } catch (err) {
    if (isGitOpsError(err, 'CORE_FS_PATH_ESCAPES_ROOT')) {
      throw new SopsError({ code: 'SOPS_PATH_ESCAPES_ROOT', message: `${rel}: path escapes the root`, details: { path: rel }, cause: err })
    }
    throw err
  }
}

/**
 * Reads one sops-encrypted file through a {@link FileSystem} (within its root, up to a size cap)
 * and returns the plaintext bytes. Nothing is written anywhere.
 *
 * @throws `SOPS_FILE_TOO_LARGE`, `SOPS_PATH_ESCAPES_ROOT`, `CORE_FS_NOT_FOUND`, and the codes of {@link decrypt}.
 * @example
 * ```ts
 * const env = await decryptFile('apps/db/secret.env', { fs: nodeFs('/srv/fleet'), identities })
 * ```
 */
export async function decryptFile(path: string, options: DecryptFileOptions): Promise<Uint8Array> {
  if (typeof path !== 'string') throw new TypeError('decryptFile: path must be a string')
  const max = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE
  const bytes = await readCapped(options.fs, path, max)
  if (bytes === undefined) await options.fs.readFile(normalizePath(path))
  options.signal?.throwIfAborted()
  const format = options.format ?? formatForPath(path)
  return decrypt(bytes ?? new Uint8Array(0), { ...options, format, source: normalizePath(path) })
}
