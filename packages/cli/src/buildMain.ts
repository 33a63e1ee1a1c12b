// The entry of dist/build.cjs, which the bin loads for `gitops build ...` instead of dist/main.cjs:
// the command line with the build command alone, so that a build neither runs nor reads from the
// code cache the definitions of the other commands (their help texts, flags and imports). Only
// the bin loads it, and only when the first argument is `build` exactly: flags before the command
// (`gitops -o json build .`), help and every other command go through main.cjs.
import { runCommandLine } from './commandLine.js'
import { buildCommand } from './commands/build.js'
import type { CliIO } from './context.js'

const commands = [buildCommand]

/** main (main.ts) for `gitops build ...`. */
export function main(argv: readonly string[], rawIO: CliIO): Promise<number> {
  return runCommandLine(argv, rawIO, commands)
}
