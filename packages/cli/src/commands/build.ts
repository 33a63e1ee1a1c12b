import { debug, printResult } from '../context.js'
import type { Command } from '../context.js'
import { UsageError } from '../errors.js'
import { booleanFlag, outputFormat, parseCommandArgs, stringFlag, stringListFlag, substituteFlags } from '../flags.js'
import type { FlagSpec } from '../flags.js'

const flags = {
  substitute: { type: 'string', multiple: true },
  'substitute-from': { type: 'string' },
  'plain-dirs': { type: 'boolean', default: false },
  'load-restrictor': { type: 'string' },
} as const satisfies FlagSpec

export const buildCommand: Command = {
  name: 'build',
  summary: 'build a kustomization as kubectl kustomize does, with Flux post-build substitution',
  help: `gitops build: build the kustomization in DIR and print its objects, byte for byte what
\`kubectl kustomize DIR\` prints (kustomize v5.5.0). Warnings go to stderr.

Usage:
  gitops build DIR [--substitute K=V]... [--substitute-from FILE] [--plain-dirs]

Flags:
  --substitute K=V        a Flux post-build variable (repeatable; wins over --substitute-from)
  --substitute-from FILE  variables from a file: dotenv KEY=value lines, a YAML map, or a
                          ConfigMap/Secret manifest (as Flux's substituteFrom)
  --plain-dirs            build DIR without a kustomization file from every YAML file in it, as Flux does
  --load-restrictor R     as kubectl kustomize's: LoadRestrictionsRootOnly (default) reads files only
                          in or below each kustomization's directory; LoadRestrictionsNone reads
                          them anywhere (as Flux builds, within its source)
  -o, --output F          text (YAML, the default), json (a list of objects) or yaml

Examples:
  gitops build clusters/prod
  gitops build apps/podinfo --substitute cluster_env=prod --substitute-from vars.env
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const format = outputFormat(values.output)
    if (positionals.length !== 1) {
      throw new UsageError('build takes exactly one directory: gitops build DIR', { code: positionals.length === 0 ? 'CLI_ARGUMENT_MISSING' : 'CLI_ARGUMENT_UNEXPECTED' })
    }
    loadRestrictor(stringFlag(values, 'load-restrictor'))
    const variables = substituteFlags(stringListFlag(values, 'substitute'))
    const [{ stringifyObjects }, { parseVariables }, { readFile }, path, { renderDirectory }] = await Promise.all([
      import('@gitops-sdk/core'),
      import('@gitops-sdk/render'),
      import('node:fs/promises'),
      import('node:path'),
      import('../renderDirectory.js'),
    ])
    const from = stringFlag(values, 'substitute-from')
    let fileVariables: Record<string, string> = {}
    if (from !== undefined) {
      debug(io, 'reading variables', { path: from })
      const text = await readFile(path.resolve(io.cwd ?? process.cwd(), from), { encoding: 'utf8', signal }).catch((err: unknown) => {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
        throw new UsageError(`--substitute-from ${from}: ${missing ? 'no such file' : (err as Error).message}`, { code: missing ? 'CLI_FILE_NOT_FOUND' : 'CLI_FLAG_INVALID', details: { path: from }, cause: err })
      })
      fileVariables = parseVariables(text, from)
    }
    const substituting = from !== undefined || Object.keys(variables).length > 0
    const dir = path.resolve(io.cwd ?? process.cwd(), positionals[0] as string)
    const objects = await renderDirectory(dir, {
      plainDirectories: booleanFlag(values, 'plain-dirs'),
      loadRestrictions: loadRestrictor(stringFlag(values, 'load-restrictor')),
      substitute: substituting ? { variables: { ...fileVariables, ...variables } } : undefined,
      onWarning: (w) => io.stderr.write(`${w}\n`),
      onRead: (file) => debug(io, 'reading file', { path: file }),
      signal,
    }, io.cwd)
    debug(io, 'rendered', { path: positionals[0], objects: objects.length })
    printResult(io, { format, data: objects, text: () => stringifyObjects(objects) })
    return 0
  },
}

/** kubectl kustomize's `--load-restrictor` values, as render's `loadRestrictions`. */
function loadRestrictor(value: string | undefined): 'rootOnly' | 'none' | undefined {
  if (value === undefined) return undefined
  if (value === 'LoadRestrictionsRootOnly') return 'rootOnly'
  if (value === 'LoadRestrictionsNone') return 'none'
  throw new UsageError(`--load-restrictor ${value}: expected LoadRestrictionsRootOnly or LoadRestrictionsNone`, {
    code: 'CLI_FLAG_INVALID',
    details: { flag: '--load-restrictor' },
  })
}
