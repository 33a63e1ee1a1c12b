// Flag parsers and loaders shared by several sub-commands, so that the same flag means the same
// thing everywhere.
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { AgeIdentity } from '@gitops-sdk/secrets'
import { stringFlag, UsageError } from '../context.js'
import type { CliIO, FlagValues } from '../context.js'

/** A git ref as `--ref kind:value` spells it. */
export type RefFlag = { branch: string } | { tag: string } | { semver: string } | { commit: string } | { name: string }

/** Parses `--ref kind:value`; the value may itself hold colons (`name:refs/pull/7/head`). */
export function parseRef(value: string | undefined): RefFlag | undefined {
  if (value === undefined) return undefined
  const colon = value.indexOf(':')
  const kind = colon < 0 ? '' : value.slice(0, colon)
  const rest = colon < 0 ? '' : value.slice(colon + 1)
  const usage = `--ref must be branch:NAME, tag:NAME, semver:RANGE, commit:SHA or name:REF, not ${value}`
  if (rest === '') throw new UsageError(usage)
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
      throw new UsageError(usage)
  }
}

/** Reads a secret from the environment variable named on the command line, never from argv. */
export function secretFrom(io: CliIO, flag: string, variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined
  const value = io.env[variable]
  if (value === undefined || value === '') throw new UsageError(`${flag} names ${variable}, which is not set`)
  return value
}

/**
 * The age identities of `--age-key-file F` (repeatable), then those of sops' environment sources
 * (`SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, `SOPS_AGE_SSH_PRIVATE_KEY_FILE`, the default keys.txt).
 */
export async function loadAgeIdentities(io: CliIO, files: readonly string[], signal: AbortSignal): Promise<AgeIdentity[]> {
  const { loadIdentitiesFromEnv, parseIdentities } = await import('@gitops-sdk/secrets')
  const identities: AgeIdentity[] = []
  for (const file of files) {
    const text = await readFile(resolve(io.cwd ?? process.cwd(), file), 'utf8')
    identities.push(...(await parseIdentities(text, { source: file, signal })))
  }
  const home = io.env.HOME
  identities.push(...(await loadIdentitiesFromEnv({ env: io.env, homeDir: home === undefined || home === '' ? undefined : home, signal })))
  return identities
}

/** Parses `--substitute K=V` values into a variables map. */
export function substituteFlags(values: readonly string[]): Record<string, string> {
  const variables: Record<string, string> = {}
  for (const pair of values) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--substitute ${pair}: expected NAME=value`)
    variables[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return variables
}

/** The kubeconfig of `--kubeconfig`, else `KUBECONFIG`, else `~/.kube/config`. */
export function kubeconfigPath(io: CliIO, values: FlagValues): string {
  const home = io.env.HOME ?? io.env.USERPROFILE
  const kubeconfig = stringFlag(values, 'kubeconfig') ?? io.env.KUBECONFIG ?? (home === undefined ? undefined : join(home, '.kube', 'config'))
  if (kubeconfig === undefined || kubeconfig === '') throw new UsageError('no kubeconfig: pass --kubeconfig or set KUBECONFIG')
  return kubeconfig
}
