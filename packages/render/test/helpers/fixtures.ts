// The in-repo fixture set: one folder per case under test/fixtures, holding `input/` (a
// kustomization tree) and either `expected.yaml` (the exact bytes `kubectl kustomize` v1.32,
// kustomize v5.5.0, printed when the case was written) or, with `case.json` naming an `error`
// code, `expected-error.txt` (what kubectl printed on stderr when it refused the tree).
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export interface FixtureCase {
  /** Folder name, which says what the case covers. */
  readonly name: string
  /** The case folder. */
  readonly dir: string
  /** The kustomization directory inside `input/`, '.' for `input/` itself. */
  readonly root: string
  /** The RENDER_* code expected instead of output, when kubectl refuses the tree too. */
  readonly error: string | undefined
}

export const fixturesDir: string = new URL('../fixtures', import.meta.url).pathname

/** Every case of test/fixtures, sorted by name. */
export function fixtureCases(): FixtureCase[] {
  return readdirSync(fixturesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = join(fixturesDir, name)
      const metaPath = join(dir, 'case.json')
      const meta = existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as { root?: string; error?: string }) : {}
      return { name, dir, root: meta.root ?? '.', error: meta.error }
    })
}
