import { printResult } from '../context.js'
import type { Command } from '../context.js'
import { UsageError } from '../errors.js'
import { outputFormat, parseCommandArgs } from '../flags.js'
import { version } from '../version.js'

export const versionCommand: Command = {
  name: 'version',
  summary: 'print the version of gitops (and of Node.js with -o json|yaml)',
  help: `gitops version: print the version of the gitops command, as \`flux version --client\` does.

Usage:
  gitops version [-o text|json|yaml]

Flags:
  -o, --output F   text (default: "gitops 0.1.0"), json or yaml ({gitops, node})

Example:
  gitops version -o json
`,
  flags: {},
  async run({ io, argv }) {
    const { values, positionals } = parseCommandArgs(argv, {})
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: positionals[0] } })
    const format = outputFormat(values.output)
    printResult(io, { format, data: { gitops: version(), node: process.version }, text: () => `gitops ${version()}` })
    return 0
  },
}
