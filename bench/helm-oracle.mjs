// The helm v4 binary the helm package's oracle tests extract (never shipped), and a scratch
// directory removed at exit: shared by the benches that compare `gitops template` with helm.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root. */
export const repo = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The extracted helm binary's path; when it is absent, says how to extract it and exits 0 (a bench
 * that cannot run its reference reports nothing rather than a one-sided figure).
 */
export function helmOracle() {
  const helm = join(repo, 'packages/helm/node_modules/.cache/helm-oracle/helm-v4.1.4')
  if (!existsSync(helm)) {
    console.log(`helm oracle not extracted at ${helm}: run the helm package's tests once (cd packages/helm && npx vitest run test/helpers)`)
    process.exit(0)
  }
  return helm
}

/** A new temporary directory whose name starts with `prefix`, removed when the process exits. */
export function scratchRoot(prefix) {
  const root = mkdtempSync(join(tmpdir(), prefix))
  process.on('exit', () => rmSync(root, { recursive: true, force: true }))
  return root
}
