import { Readable } from 'node:stream'
import type { CliIO } from '../../src/context.js'
import { main } from '../../src/main.js'

/** What one in-process run of `gitops` printed and raised. */
export interface Run {
  readonly code: number
  readonly out: string
  readonly err: string
  /** The error that ended the command, if any (from `CliIO.onError`). */
  readonly error: unknown
}

/** Runs `gitops argv` in process with `cwd`, `env` and optional stdin, capturing everything. */
export async function run(argv: readonly string[], options: { cwd: string; env?: Record<string, string>; stdin?: string; tty?: boolean }): Promise<Run> {
  let out = ''
  let err = ''
  let error: unknown
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: options.tty ?? false },
    env: options.env ?? {},
    cwd: options.cwd,
    stdin: options.stdin === undefined ? undefined : Readable.from([options.stdin]),
    onError: (e) => (error = e),
  }
  const code = await main(argv, io)
  return { code, out, err, error }
}
