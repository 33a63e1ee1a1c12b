// Every sub-command, one import each; the command modules load their heavy dependencies lazily so
// that `gitops build` starts fast.
import type { Command } from '../context.js'
import { buildCommand } from './build.js'
import { demoCommand } from './demo.js'

/** The sub-commands of `gitops`, in the order `--help` lists them. */
export const commands: readonly Command[] = [buildCommand, demoCommand]
