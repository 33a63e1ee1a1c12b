import { readFile as nodeReadFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { SopsError } from './errors.js'
import type { GoRegexp } from '@gitops-sdk/core/go'
import { compileRe2, RULE_FIELDS } from './internal/rules.js'
import { isGitOpsError } from '@gitops-sdk/core/light'
import { parseMeasuredYaml } from '@gitops-sdk/core/yaml'
import type { EncryptionRules, KeyGroup } from './types.js'

/** The creation rule of `.sops.yaml` that applies to a file: its keys and which values to encrypt. */
export interface CreationRule {
  /** The `.sops.yaml` it came from. */
  readonly configPath: string
  /** The rule's `path_regex`, or `undefined` for a rule without one (which matches every file). */
  readonly pathRegex: string | undefined
  /** Its master keys: one group from the rule's `age`, `pgp`, … fields, or its `key_groups`. */
  readonly keyGroups: readonly KeyGroup[]
  /** `shamir_threshold`, when set and there are several key groups. */
  readonly shamirThreshold: number | undefined
  /** The encryption rule (`encrypted_regex`, `unencrypted_suffix`, …, `mac_only_encrypted`). */
  readonly rules: EncryptionRules
}

/** Options of {@link loadCreationRule}. */
export interface LoadCreationRuleOptions {
  /**
   * Directory to start looking for `.sops.yaml` in, then its parents (up to 100 levels), as sops
   * does from its working directory. @defaultValue `process.cwd()`
   */
  readonly start?: string | undefined
  /** Reads a file; resolves `undefined` when it does not exist. @defaultValue node:fs */
  readonly readFile?: ((path: string, signal: AbortSignal | undefined) => Promise<string | undefined>) | undefined
  /** Cancels the search; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

const MAX_DEPTH = 100
/** The metadata list names of the key types other than age, by their `.sops.yaml` field. */
const OTHER_TYPES: readonly (readonly [field: string, list: string, id: string | undefined])[] = [
  ['kms', 'kms', 'arn'],
  ['gcp_kms', 'gcp_kms', 'resource_id'],
  ['azure_keyvault', 'azure_kv', undefined],
  ['hc_vault_transit_uri', 'hc_vault', undefined],
  ['hc_vault', 'hc_vault', undefined],
  ['hckms', 'hckms', 'key_id'],
]

async function readIfExists(path: string, signal: AbortSignal | undefined): Promise<string | undefined> {
  try {
    return await nodeReadFile(path, { encoding: 'utf8', signal })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined
    throw err
  }
}

function invalid(configPath: string, why: string, cause?: unknown): SopsError {
  return new SopsError({ code: 'SOPS_CONFIG_INVALID', message: `${configPath}: ${why}`, details: { path: configPath }, cause })
}

/** A Go RE2 expression of the config, compiled; a bad one is the config's fault. */
function regex(pattern: string, where: string, configPath: string): GoRegexp {
  try {
    return compileRe2(pattern, where)
  } catch (cause) {
    throw invalid(configPath, `${where}: invalid regular expression ${JSON.stringify(pattern)}`, cause)
  }
}

function own(map: object, key: string): unknown {
  return Object.hasOwn(map, key) ? (map as Record<string, unknown>)[key] : undefined
}

function isMap(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A key field: a comma-separated string or a list of strings, as sops' parseKeyField. */
/** Where in which config a value stands, for messages. */
interface At {
  readonly where: string
  readonly configPath: string
}

function keyList(value: unknown, field: string, at: At): string[] {
  const { where, configPath } = at
  if (value === undefined || value === null || value === '') return []
  if (typeof value === 'string') return value.split(',').map((k) => k.trim()).filter((k) => k !== '')
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => {
      if (typeof item !== 'string') throw invalid(configPath, `${where}.${field}[${i}]: expected a string, got ${item === null ? 'null' : typeof item}`)
      // age entries may themselves list several recipients, as age.MasterKeysFromRecipients splits them.
      return field === 'age' ? item.split(',').map((k) => k.trim()).filter((k) => k !== '') : [item.trim()]
    })
  }
  throw invalid(configPath, `${where}.${field}: expected a string or a list of strings`)
}

/** The identifier of a key given as a mapping (`{arn: …}` in key_groups) or a string. */
function keyIds(value: unknown, key: { readonly field: string; readonly id: string | undefined }, at: At): string[] {
  const { field, id } = key
  const { where, configPath } = at
  if (!Array.isArray(value) || id === undefined) return keyList(value, field, at)
  return value.map((item, i) => {
    if (typeof item === 'string') return item
    const found = isMap(item) ? own(item, id) : undefined
    if (typeof found !== 'string' || found === '') throw invalid(configPath, `${where}.${field}[${i}]: expected a mapping with ${id}`)
    return found
  })
}

/** The list of `name` in `other`, made empty when it has none yet. */
function listIn(other: Record<string, string[]>, name: string): string[] {
  const found = Object.hasOwn(other, name) ? other[name] : undefined
  if (found !== undefined) return found
  const made: string[] = []
  other[name] = made
  return made
}

function addUnique(list: string[], keys: readonly string[]): void {
  for (const key of keys) if (!list.includes(key)) list.push(key)
}

/** One key group of `key_groups` (with its `merge` entries), or the flat keys of a rule. */
function groupOf(entry: object, at: At, depth = 0): KeyGroup {
  const { where, configPath } = at
  if (depth > 10) throw invalid(configPath, `${where}: merge nests too deep`)
  const age: string[] = []
  const other: Record<string, string[]> = Object.create(null) as Record<string, string[]>
  const merge = own(entry, 'merge')
  if (merge !== undefined && merge !== null) {
    if (!Array.isArray(merge)) throw invalid(configPath, `${where}.merge: expected a list of key groups`)
    for (const [i, sub] of merge.entries()) {
      if (!isMap(sub)) throw invalid(configPath, `${where}.merge[${i}]: expected a mapping`)
      const group = groupOf(sub, { where: `${where}.merge[${i}]`, configPath }, depth + 1)
      addUnique(age, group.age ?? [])
      for (const [list, keys] of Object.entries(group.other ?? {})) addUnique(listIn(other, list), keys)
    }
  }
  addUnique(age, keyList(own(entry, 'age'), 'age', at))
  const pgp = keyList(own(entry, 'pgp'), 'pgp', at)
  if (pgp.length > 0) addUnique(listIn(other, 'pgp'), pgp)
  for (const [field, list, id] of OTHER_TYPES) {
    const keys = keyIds(own(entry, field), { field, id }, at)
    if (keys.length > 0) addUnique(listIn(other, list), keys)
  }
  return Object.keys(other).length === 0 ? { age } : { age, other }
}

function ruleOf(entry: object, index: number, configPath: string): CreationRule {
  const where = `creation_rules[${index}]`
  const rules: { -readonly [K in keyof EncryptionRules]: EncryptionRules[K] } = {}
  const set: string[] = []
  for (const [field, key] of RULE_FIELDS) {
    const value = own(entry, key)
    if (value === undefined || value === null || value === '') continue
    if (typeof value !== 'string') throw invalid(configPath, `${where}.${key}: expected a string`)
    if (field.endsWith('Regex')) regex(value, `${where}.${key}`, configPath)
    rules[field] = value
    set.push(key)
  }
  if (set.length > 1) {
    throw invalid(configPath, `${where}: cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex for the same rule (${set.join(', ')})`)
  }
  const macOnly = own(entry, 'mac_only_encrypted')
  if (macOnly !== undefined && macOnly !== null && typeof macOnly !== 'boolean') throw invalid(configPath, `${where}.mac_only_encrypted: expected true or false`)
  if (macOnly === true) rules.macOnlyEncrypted = true
  const groups = own(entry, 'key_groups')
  let keyGroups: KeyGroup[]
  if (Array.isArray(groups) && groups.length > 0) {
    keyGroups = groups.map((g, i) => {
      if (!isMap(g)) throw invalid(configPath, `${where}.key_groups[${i}]: expected a mapping`)
      return groupOf(g, { where: `${where}.key_groups[${i}]`, configPath })
    })
  } else {
    if (groups !== undefined && groups !== null && !Array.isArray(groups)) throw invalid(configPath, `${where}.key_groups: expected a list`)
    keyGroups = [groupOf(entry, { where, configPath })]
  }
  const threshold = own(entry, 'shamir_threshold')
  if (threshold !== undefined && threshold !== null && (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 0)) {
    throw invalid(configPath, `${where}.shamir_threshold: expected a whole number`)
  }
  const pathRegex = own(entry, 'path_regex')
  return {
    configPath,
    pathRegex: typeof pathRegex === 'string' && pathRegex !== '' ? pathRegex : undefined,
    keyGroups,
    shamirThreshold: keyGroups.length > 1 && typeof threshold === 'number' && threshold > 0 ? threshold : undefined,
    rules,
  }
}

/**
 * Finds the creation rule of `.sops.yaml` for `file`, as `sops encrypt` does: `.sops.yaml` is looked
 * for in `start` and then its parents (a `.sops.yml` does not count, as sops ignores it); the file's
 * path, made relative to the config's directory when it lies below it, is matched against each
 * rule's `path_regex` (Go RE2, searched, not anchored) in order, and the first that matches (or the
 * first without `path_regex`) wins. Its keys become key groups: `age` recipients (comma-separated or
 * a list), `pgp` fingerprints and the other types under their metadata list names (`kms`,
 * `gcp_kms`, `azure_kv`, `hc_vault`, `hckms`) in `other`, or `key_groups` with `merge`, duplicates
 * dropped.
 *
 * @returns the rule, or `undefined` when there is no `.sops.yaml` or it has no `creation_rules`.
 * @throws `SOPS_CONFIG_INVALID` (YAML that does not parse or nests too deep to parse, a field of
 * the wrong type, two selectors in one rule, a bad regular expression),
 * `SOPS_CONFIG_NO_MATCHING_RULE` (rules exist, none matches the file).
 * @example
 * ```ts
 * const rule = await loadCreationRule('clusters/prod/db.yaml', { start: process.cwd() })
 * if (rule !== undefined) await encrypt(text, { format: 'yaml', keyGroups: rule.keyGroups, rules: rule.rules })
 * ```
 */
export async function loadCreationRule(file: string, options: LoadCreationRuleOptions = {}): Promise<CreationRule | undefined> {
  const read = options.readFile ?? readIfExists
  const start = resolve(options.start ?? process.cwd())
  let dir = start
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    options.signal?.throwIfAborted()
    const configPath = join(dir, '.sops.yaml')
    const text = await read(configPath, options.signal)
    if (text !== undefined) return ruleFor(text, configPath, resolve(start, file))
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return undefined
}

function ruleFor(text: string, configPath: string, file: string): CreationRule | undefined {
  let config: unknown
  try {
    // Nesting too deep for the YAML parser is refused as it parses, before its composer recurses.
    config = parseMeasuredYaml(text, { source: configPath, maxAliasCount: 100 })
  } catch (cause) {
    if (isGitOpsError(cause, 'CORE_YAML_TOO_DEEP')) {
      const reason = cause.message.startsWith(`${configPath}: `) ? cause.message.slice(configPath.length + 2) : cause.message
      throw invalid(configPath, `not valid YAML: ${reason}`, cause)
    }
    throw invalid(configPath, `not valid YAML: ${(cause as Error).message.split('\n')[0] ?? ''}`, cause)
  }
  if (config === null || config === undefined) return undefined
  if (!isMap(config)) throw invalid(configPath, 'expected a mapping with creation_rules')
  const list = own(config, 'creation_rules')
  if (list === undefined || list === null) return undefined
  if (!Array.isArray(list)) throw invalid(configPath, 'creation_rules: expected a list')
  const configDir = dirname(configPath)
  const rel = relative(configDir, file)
  // sops trims the config's directory off the front of the path; a file elsewhere keeps its full path.
  const subject = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : file
  // As sops: the rules are tried in order, and only the one that matches is read in full.
  for (const [index, entry] of list.entries()) {
    if (!isMap(entry)) throw invalid(configPath, `creation_rules[${index}]: expected a mapping`)
    const pathRegex = own(entry, 'path_regex')
    if (pathRegex !== undefined && pathRegex !== null && typeof pathRegex !== 'string') throw invalid(configPath, `creation_rules[${index}].path_regex: expected a string`)
    if (typeof pathRegex === 'string' && pathRegex !== '' && !regex(pathRegex, `creation_rules[${index}].path_regex`, configPath).test(subject)) continue
    return ruleOf(entry, index, configPath)
  }
  throw new SopsError({
    code: 'SOPS_CONFIG_NO_MATCHING_RULE',
    message: `${configPath}: no creation rule matches ${subject}`,
    details: { path: configPath, file: subject },
  })
}
