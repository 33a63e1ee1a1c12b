// Writes an artifact into a directory: first into a fresh sibling directory, then swapped in by
// rename, so a failure (or an abort) never leaves a half-written checkout where the old one was.
// Only regular files, directories and in-tree symlinks are created, symlinks last, so no write
// ever goes through a link.
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { mkdir, rename, rm, stat, symlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { ArtifactFile } from './artifactTree.js'
import { directoriesOf } from './artifactFs.js'

/** Options of {@link checkout}. */
export interface CheckoutOptions {
  readonly signal: AbortSignal
  readonly onProgress?: ((written: number, total: number) => void) | undefined
}

/** Writes `files` to `dir`, replacing what was there. */
export async function checkout(
  tree: { readonly files: ReadonlyMap<string, ArtifactFile>; readonly content: (file: ArtifactFile) => Uint8Array },
  dir: string,
  options: CheckoutOptions,
): Promise<void> {
  const { signal } = options
  const { files, content } = tree
  const parent = dirname(dir)
  await mkdir(parent, { recursive: true })
  const suffix = randomBytes(6).toString('hex')
  const tmp = join(parent, `.${basename(dir)}.tmp-${suffix}`)
  await mkdir(tmp)
  try {
    const dirs = [...directoriesOf(files).keys()].filter((d) => d !== '').sort()
    for (const d of dirs) mkdirSync(join(tmp, d))
    const links: [string, Uint8Array][] = []
    let written = 0
    // Synchronous writes in slices: on tmpfs and page cache they beat the four-thread pool of async
    // fs calls several times over; yielding between slices keeps the event loop and the abort live.
    for (const [path, file] of files) {
      if (file.kind === 'symlink') {
        links.push([path, content(file)])
        continue
      }
      writeFileSync(join(tmp, path), content(file), { mode: file.kind === 'executable' ? 0o755 : 0o644 })
      if (++written % 512 === 0) {
        options.onProgress?.(written, files.size)
        await new Promise((resolve) => setImmediate(resolve))
        signal.throwIfAborted()
      }
    }
    for (const [path, target] of links) {
      await symlink(Buffer.from(target).toString('utf8'), join(tmp, path))
      written++
    }
    options.onProgress?.(written, files.size)
    signal.throwIfAborted()
    const old = join(parent, `.${basename(dir)}.old-${suffix}`)
    const existed = await stat(dir).then(
      () => true,
      () => false,
    )
    if (existed) await rename(dir, old)
    await rename(tmp, dir)
    if (existed) await rm(old, { recursive: true, force: true })
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    throw err
  }
}
