// The entry of dist/template.cjs, which the bin loads for `gitops template ...` instead of
// dist/main.cjs: the command line with the template command alone and @gitops-sdk/helm bundled in,
// its imports of core pointed at dist/sdk.cjs (see tsup.config.ts). Through main.cjs, the command
// requires helm's own build, which requires core's own build beside the copy in sdk.cjs: about
// 340 kB of JavaScript that the code cache (codeCache.ts) does not cover, a copy of core's classes
// of its own, and a package resolution per file. Here the whole path is two files of the cli's own,
// core once. As for build.cjs, only the bin loads it, when the first argument is `template` exactly.
import { runCommandLine } from './commandLine.js'
import { templateCommand } from './commands/template.js'
import type { CliIO } from './context.js'

const commands = [templateCommand]

/** main (main.ts) for `gitops template ...`. */
export function main(argv: readonly string[], rawIO: CliIO): Promise<number> {
  return runCommandLine(argv, rawIO, commands)
}
