import { runCommandLine } from './commandLine.js'
import { commands } from './commands/registry.js'
import type { CliIO } from './context.js'

export { version } from './version.js'

/**
 * Runs the `gitops` command line and resolves to its exit code. Never calls `process.exit`, so it
 * can be tested in process. Everything it prints is masked for the credentials the command line
 * points at (URL userinfo, `?access_token=`, the variables of `--password-env`/`--token-env`).
 */
export function main(argv: readonly string[], rawIO: CliIO): Promise<number> {
  return runCommandLine(argv, rawIO, commands)
}
