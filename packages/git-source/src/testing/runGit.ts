import { spawn } from 'node:child_process'
import { devNull } from 'node:os'

/** How to run one `git` command for the test helpers. */
export interface RunGitOptions {
  /** Working directory (a repository or its parent). */
  readonly cwd: string
  /** Bytes or text written to the command's standard input. */
  readonly input?: string | Uint8Array | undefined
  /** Extra environment variables, on top of the clean environment described on {@link gitEnv}. */
  readonly env?: Readonly<Record<string, string>> | undefined
  /** The git binary. @defaultValue `'git'` */
  readonly git?: string | undefined
  /** Kills git and rejects with `signal.reason` when aborted. */
  readonly signal?: AbortSignal | undefined
}

/**
 * The environment the test helpers give git: the caller's, without any `GIT_*` variable (so that a
 * surrounding git hook or an exported `GIT_DIR` cannot redirect the test), with system and global
 * configuration switched off, a fixed author and committer identity, and a C locale. This is a test harness: reading the caller's
 * environment (for `PATH`) is the point here, unlike in the library.
 */
export function gitEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('GIT_')) env[key] = value
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: devNull,
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
    LC_ALL: 'C',
    ...extra,
  }
}

/**
 * Runs `git args…` and resolves to its standard output; rejects with git's standard error when it
 * exits non-zero.
 *
 * @example
 * ```ts
 * const head = (await runGit(['rev-parse', 'HEAD'], { cwd: repo.path })).trim()
 * ```
 */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const { signal } = options
    if (signal?.aborted === true) {
      reject(signal.reason as Error)
      return
    }
    const child = spawn(options.git ?? 'git', args, { cwd: options.cwd, env: gitEnv(options.env), stdio: 'pipe' })
    const onAbort = (): void => {
      child.kill()
      reject(signal?.reason as Error)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort)
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'))
      else reject(new Error(`git ${args.join(' ')}: exit ${code}: ${Buffer.concat(err).toString('utf8').trim()}`))
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(options.input)
  })
}
