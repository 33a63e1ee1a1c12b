import { createRequire } from 'node:module'
import { commands } from './commands/registry.js'
import { describeError, EXIT_ERROR, EXIT_OK, UsageError } from './context.js'
import type { CliIO, Command } from './context.js'

const require = createRequire(import.meta.url)

/** The CLI's version, from its package.json. */
export function version(): string {
  return (require('../package.json') as { version: string }).version
}

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')
  return `gitops: GitOps from Node — fetch, decrypt, render, apply, diff and reconcile, as Flux does.

Usage:
  gitops <command> [flags]

Commands:
${list}

Flags every command takes:
  -o, --output text|json|yaml   output format (default text)
  -h, --help                    help for the command

Exit codes: 0 ok, 1 difference found (diff), 2 error.

Examples:
  gitops build clusters/prod
  gitops <command> --help
`
}

/**
 * Runs the `gitops` command line and resolves to its exit code. Never calls `process.exit`, so it
 * can be tested in process.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined
    const command = topic === undefined ? undefined : commands.find((c) => c.name === topic)
    io.stdout.write(command === undefined ? usage() : command.help)
    return first === undefined ? EXIT_ERROR : EXIT_OK
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(`gitops ${version()}\n`)
    return EXIT_OK
  }
  const command: Command | undefined = commands.find((c) => c.name === first)
  try {
    if (command === undefined) throw new UsageError(`unknown command "${first}"; run gitops --help for the list`)
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(command.help)
      return EXIT_OK
    }
    const controller = new AbortController()
    const signal = io.signal === undefined ? controller.signal : AbortSignal.any([io.signal, controller.signal])
    return await command.run({ io, argv: rest, signal })
  } catch (err) {
    io.stderr.write(`gitops${command === undefined ? '' : ` ${command.name}`}: ${describeError(err)}\n`)
    return EXIT_ERROR
  }
}
