import { resolve } from 'node:path'
import type { KubeObject } from '@gitops-sdk/core'
import { debug, debugging, describeError, EXIT_ERROR, EXIT_OK, printResult } from '../context.js'
import type { CliIO, Command } from '../context.js'
import { UsageError } from '../errors.js'
import { booleanFlag, outputFormat, parseCommandArgs, stringFlag, stringListFlag, substituteFlags } from '../flags.js'
import type { FlagSpec, OutputFormat } from '../flags.js'

const flags = {
  substitute: { type: 'string', multiple: true },
  'substitute-from': { type: 'string' },
  'plain-dirs': { type: 'boolean', default: false },
  'load-restrictor': { type: 'string' },
  'fail-fast': { type: 'boolean', default: false },
  'enable-helm': { type: 'boolean', default: false },
} as const satisfies FlagSpec

export const buildCommand: Command = {
  name: 'build',
  summary: 'build a kustomization as kubectl kustomize does, with Flux post-build substitution',
  help: `gitops build: build the kustomization in DIR and print its objects, byte for byte what
\`kubectl kustomize DIR\` prints (kustomize v5.5.0). Warnings go to stderr.

Usage:
  gitops build DIR [--substitute K=V]... [--substitute-from FILE] [--plain-dirs]
  gitops build DIR DIR... [flags]

Several directories are built one after another in this one process (start-up is paid once, for
CI jobs over many directories). Each directory's objects follow a \`# Source: DIR\` line, and the
directories are separated by \`---\`; with -o json (or yaml) the output is a list of
{dir, objects}, or {dir, error} for a directory that failed. A directory that fails is reported
on stderr with its name and the others are still built; the exit code is then 2.

Flags:
  --substitute K=V        a Flux post-build variable (repeatable; wins over --substitute-from)
  --substitute-from FILE  variables from a file: dotenv KEY=value lines, a YAML map, or a
                          ConfigMap/Secret manifest (as Flux's substituteFrom)
  --plain-dirs            build DIR without a kustomization file from every YAML file in it, as Flux does
  --load-restrictor R     as kubectl kustomize's: LoadRestrictionsRootOnly (default) reads files only
                          in or below each kustomization's directory; LoadRestrictionsNone reads
                          them anywhere (as Flux builds, within its source)
  --enable-helm           render kustomize's helmCharts (as kubectl kustomize --enable-helm) with the
                          SDK's Helm renderer, no helm binary: charts from helmGlobals.chartHome,
                          or pulled from their HTTP repo into memory (nothing is written)
  --fail-fast             with several directories, stop at the first that fails
  -o, --output F          text (YAML, the default), json (a list of objects) or yaml

Examples:
  gitops build clusters/prod
  gitops build apps/podinfo --substitute cluster_env=prod --substitute-from vars.env
  gitops build apps/*/overlays/prod -o json
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const format = outputFormat(values.output)
    if (positionals.length === 0) {
      throw new UsageError('build takes one or more directories: gitops build DIR...', { code: 'CLI_ARGUMENT_MISSING' })
    }
    loadRestrictor(stringFlag(values, 'load-restrictor'))
    const variables = substituteFlags(stringListFlag(values, 'substitute'))
    const [{ stringifyObjects }, { parseVariables }, { renderDirectory }] = await Promise.all([
      import('@gitops-sdk/core'),
      import('@gitops-sdk/render'),
      import('../renderDirectory.js'),
    ])
    const from = stringFlag(values, 'substitute-from')
    let fileVariables: Record<string, string> = {}
    if (from !== undefined) {
      debug(io, 'reading variables', { path: from })
      // (node:fs/promises only here: loading it costs every build a few milliseconds.)
      const { readFile } = await import('node:fs/promises')
      const text = await readFile(resolve(io.cwd ?? process.cwd(), from), { encoding: 'utf8', signal }).catch((err: unknown) => {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
        throw new UsageError(`--substitute-from ${from}: ${missing ? 'no such file' : (err as Error).message}`, { code: missing ? 'CLI_FILE_NOT_FOUND' : 'CLI_FLAG_INVALID', details: { path: from }, cause: err })
      })
      fileVariables = parseVariables(text, from)
    }
    // As kubectl kustomize --enable-helm, a chart not in the repository is pulled from its repo.
    const helmModule = booleanFlag(values, 'enable-helm') ? await import('../helmCharts.js') : undefined
    const helmCharts = helmModule?.helmChartRenderer({ pullChart: helmModule.pullChartWithHelmConfig(io.env, io.cwd ?? process.cwd()), env: io.env })
    const substituting = from !== undefined || Object.keys(variables).length > 0
    const options = (dir: string): Parameters<typeof renderDirectory>[1] => ({
      plainDirectories: booleanFlag(values, 'plain-dirs'),
      loadRestrictions: loadRestrictor(stringFlag(values, 'load-restrictor')),
      substitute: substituting ? { variables: { ...fileVariables, ...variables } } : undefined,
      onWarning: (w) => io.stderr.write(positionals.length === 1 ? `${w}\n` : `${dir}: ${w}\n`),
      // Above debug the per-file line is dropped: no path is made displayable for it (a regular
      // expression and two path operations per file read, ~4 % of a 1,000-object build).
      onRead: debugging(io) ? (file) => debug(io, 'reading file', { path: file }) : undefined,
      renderHelmChart: helmCharts,
      signal,
    })
    if (positionals.length === 1) {
      const dir = positionals[0] as string
      const objects = await renderDirectory(resolve(io.cwd ?? process.cwd(), dir), options(dir), io.cwd)
      debug(io, 'rendered', { path: dir, objects: objects.length })
      printResult(io, { format, data: objects, text: () => stringifyObjects(objects) })
      return 0
    }
    return buildMany(positionals, { io, format, failFast: booleanFlag(values, 'fail-fast'), signal }, async (dir) => {
      const objects = await renderDirectory(resolve(io.cwd ?? process.cwd(), dir), options(dir), io.cwd)
      debug(io, 'rendered', { path: dir, objects: objects.length })
      return objects
    })
  },
}

/** A directory's build in a batch: its objects, or the error that ended it. */
type Built = { readonly dir: string; readonly objects: KubeObject[] } | { readonly dir: string; readonly error: { readonly code: string; readonly message: string } }

/**
 * Builds every directory in turn. Text output is written as each directory is built (a batch over
 * thousands of directories holds one at a time); json and yaml print the list at the end. A failure
 * is reported on stderr naming its directory, the rest are still built (unless `failFast`), and
 * the exit code is then 2: a CI job learns every broken directory from one run.
 */
async function buildMany(
  dirs: readonly string[],
  run: { readonly io: CliIO; readonly format: OutputFormat; readonly failFast: boolean; readonly signal: AbortSignal },
  build: (dir: string) => Promise<KubeObject[]>,
): Promise<number> {
  const { io, format } = run
  const { stringifyObjects, isGitOpsError } = await import('@gitops-sdk/core')
  const results: Built[] = []
  let failed = 0
  let first = true
  for (const dir of dirs) {
    run.signal.throwIfAborted()
    try {
      const objects = await build(dir)
      if (format === 'text') {
        io.stdout.write(`${first ? '' : '---\n'}# Source: ${dir}\n${stringifyObjects(objects)}`)
        first = false
      } else {
        results.push({ dir, objects })
      }
    } catch (err) {
      if (run.signal.aborted && err === run.signal.reason) throw err
      failed += 1
      io.stderr.write(`gitops build: ${dir}: ${describeError(err)}\n`)
      io.onError?.(err)
      results.push({ dir, error: { code: isGitOpsError(err) ? err.code : 'CLI_BUILD_FAILED', message: err instanceof Error ? err.message : String(err) } })
      if (run.failFast) break
    }
  }
  if (format !== 'text') printResult(io, { format, data: results, text: () => '' })
  if (failed > 0) io.stderr.write(`gitops build: ${failed} of ${dirs.length} directories failed\n`)
  return failed === 0 ? EXIT_OK : EXIT_ERROR
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
