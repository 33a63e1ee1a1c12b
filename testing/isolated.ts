// Runs a piece of a package's TypeScript source in a fresh Node process, for fault cases whose
// regression would not throw but abort the process (V8's "FATAL ERROR: … Allocation failed" when a
// parser's recursion exhausts the stack): the test then fails on the child's exit instead of taking
// the test runner down. The script is bundled with esbuild from the sources (the `@gitops-sdk/source`
// condition, as the tests resolve siblings), so it never runs against a stale `dist/`.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'

/** How the isolated script ended. */
export interface IsolatedRun {
  /** The exit code, or null when a signal ended the process (an abort). */
  readonly status: number | null
  /** The signal that ended it, if one did. */
  readonly signal: string | null
  /** What it printed with `console.log`: the test's evidence. */
  readonly stdout: string
  /** Its standard error, where a fatal error lands. */
  readonly stderr: string
}

/**
 * Bundles `script` (an ES module's text; relative imports resolve from `resolveDir`) with the
 * TypeScript sources it imports and their dependencies, and runs it in a fresh `node` (the one
 * running the tests), bounded by `timeout` milliseconds.
 */
export async function runIsolated(script: string, resolveDir: string, timeout = 60_000): Promise<IsolatedRun> {
  const bundle = await build({
    stdin: { contents: script, resolveDir, loader: 'ts', sourcefile: 'isolated.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@gitops-sdk/source'],
    // CommonJS dependencies bundled into an ES module still call `require` for Node's built-ins.
    banner: { js: "import { createRequire as __isolatedRequire } from 'node:module'; const require = __isolatedRequire(import.meta.url);" },
    write: false,
    logLevel: 'silent',
  })
  const dir = mkdtempSync(join(tmpdir(), 'gitops-isolated-'))
  try {
    const file = join(dir, 'script.mjs')
    writeFileSync(file, bundle.outputFiles[0]?.text ?? '')
    const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout, maxBuffer: 16 * 1024 * 1024 })
    return { status: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
