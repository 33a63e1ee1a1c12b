// Every flag parser of the CLI, so that the same flag means the same thing on every sub-command.
// Parsing is node:util's parseArgs; what it reports in its own words (unknown options, missing
// values) is caught first and answered the way kubectl and flux users expect: the flag named, a
// did-you-mean and the command's usage.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import type { InventoryRef } from '@gitops-sdk/apply'
import { checkFlags, knownFlags } from './checkFlags.js'
import { UsageError } from './errors.js'

export { didYouMean } from './checkFlags.js'

/** The part of the CLI's io that flag parsing reads: the environment. */
interface EnvIO {
  readonly env: Readonly<Record<string, string | undefined>>
}

/** Flag definitions as `node:util` parseArgs takes them. */
export type FlagSpec = NonNullable<ParseArgsConfig['options']>

/** Parsed flag values. */
export type FlagValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>

/** Output formats every sub-command accepts through `--output`. */
export type OutputFormat = 'text' | 'json' | 'yaml'

/** Options every sub-command accepts. */
export const commonOptions: FlagSpec = {
  output: { type: 'string', short: 'o', default: 'text' },
  help: { type: 'boolean', short: 'h', default: false },
  'log-level': { type: 'string', default: 'info' },
  'log-format': { type: 'string', default: 'text' },
}

/** The values of the flags that take one of a few words, for checking and for shell completion. */
export const FLAG_CHOICES: Readonly<Record<string, readonly string[]>> = {
  output: ['text', 'json', 'yaml'],
  'log-level': ['error', 'warn', 'info', 'debug'],
  'log-format': ['text', 'json'],
}

/** What `--log-level` and `--log-format` ask for. */
export interface LogSettings {
  readonly level: 'error' | 'warn' | 'info' | 'debug'
  readonly format: 'text' | 'json'
}

/**
 * Reads `--log-level` and `--log-format` wherever they stand (before or after the sub-command, up to
 * `--`), before the sub-command parses its flags, so that its first steps are logged too. The last
 * one given wins, as with parseArgs.
 */
export function logSettings(argv: readonly string[]): LogSettings {
  let level: string = 'info'
  let format: string = 'text'
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--') break
    for (const name of ['log-level', 'log-format'] as const) {
      let value: string | undefined
      if (arg === `--${name}`) value = argv[++i]
      else if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3)
      else continue
      const choices = FLAG_CHOICES[name] ?? []
      if (value === undefined || !choices.includes(value)) {
        throw new UsageError(`--${name} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1) ?? ''}, not ${value ?? 'nothing'}`, { code: 'CLI_FLAG_INVALID', details: { flag: `--${name}` } })
      }
      if (name === 'log-level') level = value
      else format = value
    }
  }
  return { level: level as LogSettings['level'], format: format as LogSettings['format'] }
}

/**
 * Flags that may stand before the sub-command (`gitops -o json build .`), as with kubectl and flux;
 * each then counts as if written after it. A sub-command that does not take one refuses it as usual.
 */
export const globalFlags: FlagSpec = {
  ...commonOptions,
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
}

/** Flags of the commands that reach a cluster. */
export const kubeFlags: FlagSpec = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  as: { type: 'string' },
  'as-group': { type: 'string', multiple: true },
}

/** `-n/--namespace`: the namespace of an inventory named without one, and of objects that name none. */
export const namespaceFlag: FlagSpec = {
  namespace: { type: 'string', short: 'n' },
}

/** Flags shared by `gitops apply` and `gitops diff`. */
export const clusterFlags: FlagSpec = {
  inventory: { type: 'string' },
  'field-manager': { type: 'string' },
  ...kubeFlags,
  ...namespaceFlag,
}

/** The field manager of `gitops apply`, `diff` and `reconcile` unless `--field-manager` says otherwise. */
export const DEFAULT_FIELD_MANAGER = 'gitops'

/** Rewrites `--dry-run=server|client|none` into what parseArgs takes; plain `--dry-run` stays as it was. */
function splitDryRun(argv: readonly string[], options: FlagSpec): { argv: string[]; dryRun: DryRun | undefined } {
  if (options['dry-run'] === undefined) return { argv: [...argv], dryRun: undefined }
  let dryRun: DryRun | undefined
  const out: string[] = []
  let ended = false
  for (const arg of argv) {
    if (ended || !arg.startsWith('--dry-run=')) {
      if (arg === '--') ended = true
      if (!ended && arg === '--dry-run') dryRun = 'server'
      out.push(arg)
      continue
    }
    const value = arg.slice('--dry-run='.length)
    if (value !== 'server' && value !== 'client' && value !== 'none') {
      throw new UsageError(`--dry-run must be server, client or none, not ${value}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--dry-run' } })
    }
    dryRun = value
  }
  return { argv: out, dryRun }
}

/** What `--dry-run` asked for: `server` (also plain `--dry-run`), `client` (nothing sent) or `none`. */
export type DryRun = 'server' | 'client' | 'none'

/** The result of {@link parseCommandArgs}. */
export interface ParsedArgs {
  readonly values: FlagValues
  readonly positionals: string[]
  /** `--dry-run`'s mode when the command takes it and it was given. */
  readonly dryRun?: DryRun | undefined
}

/**
 * What parseArgs returns as values when no argument is a flag (`gitops build DIR`): the defaults,
 * in the order of `options`, in an object without a prototype. Answered here because parseArgs's
 * first call in a process costs about 3.5M instructions (its functions are compiled on first use),
 * a tenth of what a one-file `gitops build` costs above `node -e 0`. A test checks that both agree.
 */
function defaultValues(options: FlagSpec): FlagValues {
  const values: Record<string, string | boolean | (string | boolean)[] | undefined> = Object.create(null) as Record<string, never>
  for (const [name, spec] of Object.entries(options)) if (spec.default !== undefined) values[name] = spec.default
  return values
}

/** Parses a sub-command's arguments strictly; an unknown or misused flag is a usage error. */
export function parseCommandArgs(argv: readonly string[], options: FlagSpec): ParsedArgs {
  const all = { ...commonOptions, ...options }
  const { argv: args, dryRun } = splitDryRun(argv, all)
  checkFlags(args, all)
  if (!args.some((arg) => arg.startsWith('-'))) return { values: defaultValues(all), positionals: args, dryRun }
  try {
    const parsed = parseArgs({ args, options: all, allowPositionals: true, strict: true })
    return { values: parsed.values, positionals: parsed.positionals, dryRun }
  } catch (err) {
    // What the check above lets through and parseArgs still refuses (a value starting with '-').
    throw new UsageError((err as Error).message.split('.')[0] ?? 'invalid flags', { code: 'CLI_FLAG_INVALID', cause: err })
  }
}

/**
 * Takes the global flags that stand before the sub-command out of `argv`: returns them and the
 * position of the sub-command's name.
 */
export function leadingGlobalFlags(argv: readonly string[]): { flags: string[]; index: number } {
  const { long, short } = knownFlags(globalFlags)
  const flags: string[] = []
  let i = 0
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (!arg.startsWith('-') || arg === '-' || arg === '--') break
    let type: 'string' | 'boolean' | undefined
    let inline: boolean
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      type = long.get(arg.slice(2, eq < 0 ? undefined : eq))
      inline = eq >= 0
    } else {
      const name = short.get(arg[1] ?? '')
      type = name === undefined ? undefined : long.get(name)
      inline = arg.length > 2
    }
    if (type === undefined) break
    flags.push(arg)
    if (type === 'string' && !inline && i + 1 < argv.length) flags.push(argv[++i] ?? '')
  }
  return { flags, index: i }
}

/** A string flag's value, or undefined. */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

/** All values of a repeatable string flag. */
export function stringListFlag(values: FlagValues, name: string): string[] {
  const v = values[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')
}

/** `--conflicts`: force (the default, Flux's) or fail (kubectl's). */
export function conflictsFlag(value: string | undefined): 'force' | 'fail' {
  if (value === undefined || value === 'force') return 'force'
  if (value === 'fail') return 'fail'
  throw new UsageError(`--conflicts must be force or fail, not ${value}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--conflicts' } })
}

/** `--take-over-manager M` (repeatable): field manager names of 1 to 128 characters. */
export function takeOverManagersFlag(values: FlagValues): string[] {
  const names = stringListFlag(values, 'take-over-manager')
  for (const m of names) {
    if (m === '' || m.length > 128) throw new UsageError(`--take-over-manager must be a field manager name of 1 to 128 characters, not ${JSON.stringify(m)}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--take-over-manager' } })
  }
  return names
}

/** A boolean flag's value. */
export function booleanFlag(values: FlagValues, name: string): boolean {
  return values[name] === true
}

/** Checks an `--output` value. */
export function outputFormat(value: unknown): OutputFormat {
  if (value === 'text' || value === 'json' || value === 'yaml') return value
  throw new UsageError(`--output must be text, json or yaml, not ${String(value)}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--output' } })
}

/** A git ref as `--ref kind:value` spells it. */
export type RefFlag = { branch: string } | { tag: string } | { semver: string } | { commit: string } | { name: string }

/** Parses `--ref kind:value`; the value may itself hold colons (`name:refs/pull/7/head`). */
export function parseRef(value: string | undefined): RefFlag | undefined {
  if (value === undefined) return undefined
  const colon = value.indexOf(':')
  const kind = colon < 0 ? '' : value.slice(0, colon)
  const rest = colon < 0 ? '' : value.slice(colon + 1)
  const usage = (): never => {
    throw new UsageError(`--ref must be branch:NAME, tag:NAME, semver:RANGE, commit:SHA or name:REF, not ${value}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--ref' } })
  }
  if (rest === '') return usage()
  switch (kind) {
    case 'branch':
      return { branch: rest }
    case 'tag':
      return { tag: rest }
    case 'semver':
      return { semver: rest }
    case 'commit':
      return { commit: rest }
    case 'name':
      return { name: rest }
    default:
      return usage()
  }
}

/** Reads a secret from the environment variable named on the command line, never from argv. */
export function secretFrom(io: EnvIO, flag: string, variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined
  const value = io.env[variable]
  if (value === undefined || value === '') throw new UsageError(`${flag} names ${variable}, which is not set`, { code: 'CLI_FLAG_INVALID', details: { flag, variable } })
  return value
}

/** Parses `--substitute K=V` values into a variables map (no prototype: the names are input). */
export function substituteFlags(values: readonly string[]): Record<string, string> {
  const variables = Object.create(null) as Record<string, string>
  for (const pair of values) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--substitute ${pair}: expected NAME=value`, { code: 'CLI_FLAG_INVALID', details: { flag: '--substitute' } })
    variables[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return variables
}

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const DNS_SUBDOMAIN = '[a-z0-9]([-.a-z0-9]*[a-z0-9])?'

/**
 * Parses `--inventory NS/NAME`; `--inventory NAME` takes its namespace from `-n/--namespace`, as
 * kubectl names objects.
 */
export function inventoryFlag(value: string | undefined, namespace?: string): InventoryRef | undefined {
  if (value === undefined) return undefined
  const match = new RegExp(`^(?:(${DNS_LABEL})/)?(${DNS_SUBDOMAIN})$`).exec(value)
  const ns = match?.[1] ?? namespace
  const name = match?.[3]
  if (name === undefined || ns === undefined) {
    throw new UsageError(`--inventory must be NAMESPACE/NAME, not ${value} (or NAME with -n NAMESPACE)`, { code: 'CLI_FLAG_INVALID', details: { flag: '--inventory' } })
  }
  if (match?.[1] !== undefined && namespace !== undefined && namespace !== match[1]) {
    throw new UsageError(`--inventory ${value} is in namespace ${match[1]}, but -n says ${namespace}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--inventory' } })
  }
  return { namespace: ns, name }
}

/** Checks `-n/--namespace`: a DNS label, as Kubernetes names namespaces. */
export function namespaceValue(values: FlagValues): string | undefined {
  const ns = stringFlag(values, 'namespace')
  if (ns === undefined) return undefined
  if (!new RegExp(`^${DNS_LABEL}$`).test(ns) || ns.length > 63) {
    throw new UsageError(`--namespace must be a namespace name (a DNS label), not ${ns}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--namespace' } })
  }
  return ns
}

/** Parses a Go-style duration (`90s`, `5m`, `1h30m`) into milliseconds. */
export function durationFlag(value: string | undefined, fallback: number, flag = '--timeout'): number {
  if (value === undefined) return fallback
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }
  const invalid = (what: string): never => {
    throw new UsageError(`${flag} must be ${what}, not ${value}`, { code: 'CLI_FLAG_INVALID', details: { flag } })
  }
  let total = 0
  let rest = value
  while (rest !== '') {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest)
    if (match?.[1] === undefined || match[2] === undefined) return invalid('a duration such as 90s, 5m or 1h30m')
    total += Number(match[1]) * (units[match[2]] ?? 0)
    rest = rest.slice(match[0].length)
  }
  if (value === '' || total <= 0) return invalid('a positive duration')
  return total
}

/** Exactly one positional argument: DIR, FILE or -. */
export function inputArgument(positionals: readonly string[], command: string): string {
  const [input, ...extra] = positionals
  if (input === undefined) throw new UsageError(`gitops ${command} needs DIR, FILE or - (stdin)`, { code: 'CLI_ARGUMENT_MISSING' })
  if (extra.length > 0) throw new UsageError(`gitops ${command} takes one DIR, FILE or -, not ${positionals.length}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: extra[0] } })
  return input
}

/** The kubeconfig of `--kubeconfig`, else `KUBECONFIG`, else `~/.kube/config`. */
export function kubeconfigPath(io: EnvIO, values: FlagValues): string {
  const home = io.env.HOME ?? io.env.USERPROFILE
  const kubeconfig = stringFlag(values, 'kubeconfig') ?? io.env.KUBECONFIG ?? (home === undefined ? undefined : join(home, '.kube', 'config'))
  if (kubeconfig === undefined || kubeconfig === '') throw new UsageError('no kubeconfig: pass --kubeconfig or set KUBECONFIG', { code: 'CLI_FLAG_INVALID', details: { flag: '--kubeconfig' } })
  return kubeconfig
}

/** `--decryption-integrity`: lenient (the default, Flux's) or strict. */
export function integrityFlag(value: string | undefined): 'lenient' | 'strict' | undefined {
  if (value === undefined || value === 'lenient' || value === 'strict') return value
  throw new UsageError(`--decryption-integrity ${value}: expected lenient or strict`, { code: 'CLI_FLAG_INVALID', details: { flag: '--decryption-integrity' } })
}

/**
 * `--as USER` and `--as-group GROUP` (repeatable), as kubectl's: every request carries
 * `Impersonate-User` and one `Impersonate-Group` per group. A group without a user is refused, as
 * kubectl refuses it.
 */
export function impersonationFlags(values: FlagValues): { user: string; groups: string[] } | undefined {
  const user = stringFlag(values, 'as')
  const groups = stringListFlag(values, 'as-group')
  if (user === undefined && groups.length === 0) return undefined
  if (user === undefined || user === '') {
    throw new UsageError(`--as-group needs --as USER: groups are impersonated together with a user, as kubectl does`, { code: 'CLI_FLAG_INVALID', details: { flag: user === undefined ? '--as-group' : '--as' } })
  }
  const empty = groups.find((g) => g.trim() === '')
  if (empty !== undefined) throw new UsageError('--as-group must name a group, not an empty string', { code: 'CLI_FLAG_INVALID', details: { flag: '--as-group' } })
  return { user, groups }
}
