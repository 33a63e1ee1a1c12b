// The `sops` metadata of a file (FORMAT.md §8): read weakly typed as sops does (mapstructure),
// written with the keys of every mapping sorted, as sops >= 3.9 writes them.
import { formatFloat, formatRfc3339, parseRfc3339 } from '@gitops-sdk/core/go'
import { SopsError } from '../errors.js'
import { createMap } from '@gitops-sdk/core/light'
import type { MasterKeyEntry } from '../types.js'
import { RULE_FIELDS } from './rules.js'
import type { RuleSet } from './rules.js'
import { entry, str } from './tree.js'
import type { MapNode, Node } from './tree.js'

/** The master key list names sops knows, in the order sops tries them within a group (age, pgp, rest). */
export const KEY_TYPES = ['age', 'pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms'] as const

/** One key group: master key entries by list name (`age`, `pgp`, …), each entry a string record. */
export type KeyGroupData = ReadonlyMap<string, readonly MasterKeyEntry[]>

export interface Metadata {
  readonly keyGroups: readonly KeyGroupData[]
  /** True when the groups sit in `key_groups` rather than in top-level lists. */
  readonly inKeyGroups: boolean
  readonly shamirThreshold: number | undefined
  readonly lastModified: string
  readonly mac: string
  readonly rules: RuleSet
  readonly version: string
}

type Plain = string | Plain[] | { [key: string]: Plain } | null

function toPlain(node: Node): Plain {
  switch (node.kind) {
    case 'map':
      // No prototype: a `__proto__` or `constructor` key in the file is data, and a field sops reads
      // (`mac`, `age`, …) is found only when the file has it.
      return createMap(node.items.flatMap((item) => (item.kind === 'entry' ? [[item.key, toPlain(item.value)] as const] : [])))
    case 'seq':
      return node.items.filter((i): i is Node => i.kind !== 'comment').map((i) => toPlain(i))
    case 'null':
      return null
    case 'str':
    case 'time':
      return node.value
    case 'int':
      return node.value.toString()
    case 'float':
      return formatFloat(node.value, 'f')
    case 'bool':
      return node.value ? 'true' : 'false'
    case 'bytes':
      return new TextDecoder().decode(node.value)
  }
}

function isRecord(value: Plain | undefined): value is Record<string, Plain> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function invalid(source: string, why: string): SopsError {
  return new SopsError({ code: 'SOPS_METADATA_INVALID', message: `${source}: sops metadata: ${why}`, details: { source } })
}

function readEntries(value: Plain | undefined, field: string, source: string): MasterKeyEntry[] {
  if (value === undefined || value === null || value === '') return []
  if (!Array.isArray(value)) throw invalid(source, `${field} must be a list`)
  return value.map((item, i) => {
    if (!isRecord(item)) throw invalid(source, `${field}[${i}] must be a mapping`)
    const entry = createMap<string>()
    for (const [k, v] of Object.entries(item)) {
      if (typeof v === 'string') entry[k] = v
      else if (v !== null) entry[k] = JSON.stringify(v)
    }
    return entry
  })
}

function readGroup(value: Record<string, Plain>, where: string, source: string): Map<string, MasterKeyEntry[]> {
  const group = new Map<string, MasterKeyEntry[]>()
  for (const name of KEY_TYPES) {
    const entries = readEntries(value[name], `${where}${name}`, source)
    if (entries.length > 0) group.set(name, entries)
  }
  return group
}

/** Reads and checks the metadata mapping of a file. */
export function readMetadata(node: Node, source: string): Metadata {
  const plain = toPlain(node)
  if (!isRecord(plain)) throw invalid(source, 'must be a mapping')
  const hasTopKeys = KEY_TYPES.some((name) => readEntries(plain[name], name, source).length > 0)
  let keyGroups: Map<string, MasterKeyEntry[]>[]
  let inKeyGroups = false
  if (hasTopKeys) {
    keyGroups = [readGroup(plain, '', source)]
  } else {
    const groups = plain.key_groups
    if (groups !== undefined && groups !== null && groups !== '' && !Array.isArray(groups)) throw invalid(source, 'key_groups must be a list')
    keyGroups = (Array.isArray(groups) ? groups : []).map((g, i) => {
      if (!isRecord(g)) throw invalid(source, `key_groups[${i}] must be a mapping`)
      return readGroup(g, `key_groups[${i}].`, source)
    })
    inKeyGroups = true
  }
  if (keyGroups.length === 0 || keyGroups.every((g) => g.size === 0)) throw invalid(source, 'no keys found in file')
  let shamirThreshold: number | undefined
  const rawThreshold = plain.shamir_threshold
  if (rawThreshold !== undefined && rawThreshold !== null && rawThreshold !== '' && rawThreshold !== '0') {
    if (typeof rawThreshold !== 'string' || !/^\d+$/.test(rawThreshold)) throw invalid(source, 'shamir_threshold must be an integer')
    shamirThreshold = Number(rawThreshold)
  }
  const stringField = (name: string): string => {
    const v = plain[name]
    if (v === undefined || v === null) return ''
    if (typeof v !== 'string') throw invalid(source, `${name} must be a string`)
    return v
  }
  const lastModified = stringField('lastmodified')
  if (parseRfc3339(lastModified) === undefined) throw invalid(source, 'lastmodified is not an RFC 3339 time')
  const rules: { -readonly [K in keyof RuleSet]: RuleSet[K] } = {}
  for (const [field, key] of RULE_FIELDS) {
    const v = stringField(key)
    if (v !== '') rules[field] = v
  }
  const macOnly = plain.mac_only_encrypted
  if (macOnly !== undefined && macOnly !== null && macOnly !== '') {
    if (typeof macOnly !== 'string' || !/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(macOnly)) {
      throw invalid(source, 'mac_only_encrypted must be a boolean')
    }
    rules.macOnlyEncrypted = /^(1|t|T|TRUE|true|True)$/.test(macOnly)
  }
  return {
    keyGroups,
    inKeyGroups,
    shamirThreshold,
    lastModified,
    mac: stringField('mac'),
    rules,
    version: stringField('version'),
  }
}

/** The AAD of the MAC: `lastmodified` re-formatted as Go's time.RFC3339 (FORMAT.md §7). */
export function macAad(metadata: Metadata): string {
  const t = parseRfc3339(metadata.lastModified)
  return t === undefined ? metadata.lastModified : formatRfc3339(t)
}

function sorted(entries: readonly (readonly [string, Node])[]): MapNode {
  const items = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => entry(k, v))
  return { kind: 'map', items }
}

function entryNode(e: MasterKeyEntry): MapNode {
  return sorted(Object.entries(e).map(([k, v]) => [k, str(v)] as const))
}

function listNode(entries: readonly MasterKeyEntry[]): Node {
  return { kind: 'seq', items: entries.map(entryNode) }
}

/** The metadata as the mapping sops writes, keys sorted at every level. */
export function writeMetadata(metadata: Metadata): MapNode {
  const fields: [string, Node][] = []
  const [single] = metadata.keyGroups
  if (!metadata.inKeyGroups && metadata.keyGroups.length === 1 && single !== undefined) {
    for (const [name, entries] of single) if (entries.length > 0) fields.push([name, listNode(entries)])
  } else {
    const groups = metadata.keyGroups.map((g) => {
      const parts: [string, Node][] = [...g].filter(([, e]) => e.length > 0).map(([name, e]) => [name, listNode(e)])
      if (!g.has('hc_vault')) parts.push(['hc_vault', { kind: 'seq', items: [] }])
      return sorted(parts)
    })
    fields.push(['key_groups', { kind: 'seq', items: groups }])
    if (metadata.shamirThreshold !== undefined) fields.push(['shamir_threshold', { kind: 'int', value: BigInt(metadata.shamirThreshold) }])
  }
  fields.push(['lastmodified', str(metadata.lastModified)], ['mac', str(metadata.mac)], ['version', str(metadata.version)])
  for (const [field, key] of RULE_FIELDS) {
    const v = metadata.rules[field]
    if (v !== undefined && v !== '') fields.push([key, str(v)])
  }
  if (metadata.rules.macOnlyEncrypted === true) fields.push(['mac_only_encrypted', { kind: 'bool', value: true }])
  return sorted(fields)
}
