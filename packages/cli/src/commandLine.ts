// The command line's flow (global flags, help, dispatch, errors) over a table of commands: main.ts
// runs it with every command, buildMain.ts with `gitops build` alone (see tsup.config.ts).
import { createStreamLogger } from '@gitops-sdk/core/logger'
import { describeError, EXIT_ERROR, EXIT_OK, loadYamlPrinter } from './context.js'
import type { CliIO, Command } from './context.js'
import { UsageError } from './errors.js'
import { didYouMean, leadingGlobalFlags, logSettings } from './flags.js'
import { maskingStream, secretsOf } from './redact.js'
import { version } from './version.js'

function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')
  return `gitops: GitOps from Node — fetch, decrypt, render, apply, diff and reconcile, as Flux does.

Usage:
  gitops <command> [flags]

Commands:
${list}

Flags every command takes:
  -o, --output text|json|yaml        output format (default text)
  -h, --help                         help for the command
  --log-level error|warn|info|debug  what to log on stderr (default info); debug says what each
                                     step does: requests (verb and URL), files read, objects applied
  --log-format text|json             log lines as text (default) or one JSON object each

Flags may stand before or after the command (gitops -o json build .); so may -n/--namespace,
-A/--all-namespaces, --kubeconfig, --context, --log-level and --log-format, for the commands that
take them.

Exit codes: 0 ok, 1 difference found (diff), 2 error.

Examples:
  gitops build clusters/prod
  gitops <command> --help
  source <(gitops completion bash)
`
}

/** The Usage section of a command's help, shown under an error in how it was called. */
function usageOf(command: Command): string {
  const match = /\nUsage:\n((?: .*\n)+)/.exec(command.help)
  return `\nUsage:\n${match?.[1] ?? `  gitops ${command.name} [flags]\n`}\nRun 'gitops ${command.name} --help' for every flag.\n`
}

/** Whether `argv` asks for help (`-h`/`--help` before any `--`). */
function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false
    if (arg === '--help' || arg === '-h') return true
  }
  return false
}

/** main over `commands` (see main.ts). */
export async function runCommandLine(argv: readonly string[], rawIO: CliIO, commands: readonly Command[]): Promise<number> {
  const secrets = secretsOf(argv, rawIO.env)
  const io: CliIO = { ...rawIO, stdout: maskingStream(rawIO.stdout, secrets, false), stderr: maskingStream(rawIO.stderr, secrets, true) }
  const { flags: globals, index } = leadingGlobalFlags(argv)
  const first = argv[index]
  const rest = [...globals, ...argv.slice(index + 1)]
  if (first === undefined || first === 'help') {
    if (first === undefined && globals.length > 0 && !wantsHelp(globals)) {
      io.stderr.write(`gitops: ${globals.join(' ')} needs a command; run gitops --help for the list\n`)
      return EXIT_ERROR
    }
    const topic = first === 'help' ? argv[index + 1] : undefined
    const command = topic === undefined ? undefined : commands.find((c) => c.name === topic)
    io.stdout.write(command === undefined ? usage(commands) : command.help)
    return EXIT_OK
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`gitops ${version()}\n`)
    return EXIT_OK
  }
  const command: Command | undefined = commands.find((c) => c.name === first)
  try {
    if (command === undefined) {
      const guess = first.startsWith('-') ? undefined : didYouMean(first, commands.map((c) => c.name))
      const what = first.startsWith('-') ? `unknown flag ${first}` : `unknown command "${first}"`
      throw new UsageError(`${what}${guess === undefined ? '' : `; did you mean ${guess}?`}; run gitops --help for the list`, {
        code: first.startsWith('-') ? 'CLI_UNKNOWN_FLAG' : 'CLI_UNKNOWN_COMMAND',
        details: { argument: first },
      })
    }
    if (wantsHelp(rest)) {
      io.stdout.write(command.help)
      return EXIT_OK
    }
    const log = logSettings(rest)
    // -o yaml, -oyaml, --output=yaml...: any argument naming yaml loads the printer (a spare load
    // when it was a file name costs time, never output).
    if (rest.some((arg) => arg.includes('yaml'))) await loadYamlPrinter()
    // The logger writes to the masking stderr: a debug line is masked like any other line.
    const logged: CliIO = { ...io, logger: createStreamLogger(io.stderr, { level: log.level, json: log.format === 'json' }), logLevel: log.level }
    if (command.logsOwnStart !== true) logged.logger?.debug(`gitops ${command.name}: starting`, { command: command.name })
    // The caller's signal itself (a signal combined with one nobody aborts, as before, aborts when
    // and as the caller's does; AbortSignal.any cost start-up time).
    const signal = io.signal ?? new AbortController().signal
    return await command.run({ io: logged, argv: rest, signal })
  } catch (err) {
    io.stderr.write(`gitops${command === undefined ? '' : ` ${command.name}`}: ${describeError(err)}\n`)
    if (command !== undefined && err instanceof UsageError && err.code === 'CLI_UNKNOWN_FLAG') io.stderr.write(usageOf(command))
    io.onError?.(err)
    return EXIT_ERROR
  }
}
