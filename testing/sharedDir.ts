// Where the shared conformance material is: $GITOPS_SHARED_DIR, else `../shared` next to the
// repository root. Conformance suites skip cleanly when it is absent.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..')

/** The shared folder, or `undefined` when this checkout has none. */
export function sharedDir(): string | undefined {
  const candidates = [process.env.GITOPS_SHARED_DIR, join(repoRoot, '..', 'shared')]
  return candidates.find((dir): dir is string => dir !== undefined && dir !== '' && existsSync(dir))
}

/** A sub-folder of the shared folder (e.g. `conformance/sops`), or `undefined` when absent. */
export function sharedPath(sub: string): string | undefined {
  const dir = sharedDir()
  if (dir === undefined) return undefined
  const path = join(dir, sub)
  return existsSync(path) ? path : undefined
}
