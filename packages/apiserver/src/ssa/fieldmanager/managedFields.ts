// metadata.managedFields in and out (apimachinery managedfields/internal/managedfields.go): entries
// keyed by manager identity, their times, the order they are written in, and the folding of old
// Update entries into `ancient-changes` (capmanagers.go).
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import type { FieldSet } from '../structured-merge-diff/fieldSet.js'
import { fromFieldsV1, toFieldsV1 } from '../structured-merge-diff/fieldsV1.js'
import { compareStrings, jsonString } from '@gitops-sdk/core/go'
import { isMap } from '../structured-merge-diff/value.js'

/** What one managedFields entry records about its manager, apart from time and fields. */
export interface ManagerInfo {
  readonly manager: string
  readonly operation: 'Apply' | 'Update'
  readonly apiVersion: string
  readonly subresource: string
}

/** The fields one manager owns. */
export interface VersionedSet {
  readonly set: FieldSet
  readonly apiVersion: string
  readonly applied: boolean
}

/** All entries of an object: sets and times keyed by manager identity. */
export interface Managed {
  readonly fields: Map<string, VersionedSet>
  /** RFC 3339 time per identity; absent when the entry has no time. */
  readonly times: Map<string, string>
}

/** A fresh, empty `Managed`. */
export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() }
}

/**
 * The identity of an entry: the Go JSON of its manager, operation, apiVersion (Update only) and
 * subresource, e.g. `{"manager":"kubectl","operation":"Update","apiVersion":"v1"}`.
 */
export function managerIdentity(info: ManagerInfo): string {
  let out = `{"manager":${jsonString(info.manager)},"operation":${jsonString(info.operation)}`
  if (info.operation === 'Update' && info.apiVersion !== '') out += `,"apiVersion":${jsonString(info.apiVersion)}`
  if (info.subresource !== '') out += `,"subresource":${jsonString(info.subresource)}`
  return `${out}}`
}

/** At most this many identities are remembered read back; the memory starts over when full. */
const PARSED_IDENTITIES = 256
/** Identities longer than this are read back each time, not remembered: the memory stays small. */
const PARSED_IDENTITY_LENGTH = 256
/** Identities read back: a server sees the same few managers on every write. */
const parsedIdentities = new Map<string, ManagerInfo>()

/** Reads an identity back (read-only: the same object for the same identity while remembered). */
export function parseIdentity(identity: string): ManagerInfo {
  const known = parsedIdentities.get(identity)
  if (known !== undefined) return known
  const parsed = JSON.parse(identity) as Record<string, string | undefined>
  const info: ManagerInfo = {
    manager: parsed.manager ?? '',
    operation: parsed.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: parsed.apiVersion ?? '',
    subresource: parsed.subresource ?? '',
  }
  if (identity.length > PARSED_IDENTITY_LENGTH) return info
  if (parsedIdentities.size >= PARSED_IDENTITIES) parsedIdentities.clear()
  parsedIdentities.set(identity, info)
  return info
}

/** How many identities {@link parseIdentity} remembers now (for tests). */
export function rememberedIdentities(): number {
  return parsedIdentities.size
}

/**
 * An entry's time as Kubernetes writes `metav1.Time` (RFC 3339, UTC, whole seconds) and as whole Unix
 * seconds (what the order of entries compares).
 */
interface ParsedTime {
  readonly time: string
  readonly formatted: string
  readonly seconds: number
}

/** The last time {@link parseTime} parsed: writes of one second share their time. */
let lastTime: ParsedTime | undefined

/**
 * `time` parsed once into both forms an encoded entry needs; a string Date.parse rejects stays as it
 * is and counts as second 0.
 */
function parseTime(time: string): ParsedTime {
  if (lastTime !== undefined && lastTime.time === time) return lastTime
  const ms = Date.parse(time)
  lastTime = Number.isNaN(ms)
    ? { time, formatted: time, seconds: 0 }
    : { time, formatted: `${new Date(ms).toISOString().slice(0, 19)}Z`, seconds: Math.floor(ms / 1000) }
  return lastTime
}

function unixSeconds(time: string | undefined): number {
  return time === undefined ? 0 : parseTime(time).seconds
}

const str = (value: KubeValue | undefined): string => (typeof value === 'string' ? value : '')

/** Decodes managedFields; throws on an invalid entry (`DecodeManagedFields`). */
export function decodeManagedFields(entries: KubeValue | undefined): Managed {
  const managed = emptyManaged()
  if (entries === undefined || entries === null) return managed
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list')
  entries.forEach((entry, i) => {
    if (!isMap(entry)) throw new Error(`managed fields entry ${i} must be an object`)
    const operation = entry.operation
    if (operation !== 'Apply' && operation !== 'Update') throw new Error('operation must be `Apply` or `Update`')
    const apiVersion = str(entry.apiVersion)
    if (apiVersion === '') throw new Error('apiVersion must not be empty')
    if (entry.fieldsType !== 'FieldsV1') {
      throw new Error(str(entry.fieldsType) === '' ? `missing fieldsType in managed fields entry ${i}` : `invalid fieldsType in managed fields entry ${i}`)
    }
    const identity = managerIdentity({ manager: str(entry.manager), operation, apiVersion, subresource: str(entry.subresource) })
    const set = fromFieldsV1(entry.fieldsV1 ?? {})
    managed.fields.set(identity, { set, apiVersion, applied: operation === 'Apply' })
    const time = entry.time
    if (typeof time === 'string' && time !== '') managed.times.set(identity, time)
    else managed.times.delete(identity)
  })
  return managed
}

/** Encodes entries in Kubernetes' order: Apply before Update, then time, manager, apiVersion, subresource. */
export function encodeManagedFields(managed: Managed): KubeMap[] {
  const entries: { entry: KubeMap; info: ManagerInfo; seconds: number }[] = []
  for (const [identity, versioned] of managed.fields) {
    const info = parseIdentity(identity)
    const operation = versioned.applied ? 'Apply' : info.operation
    const entry: KubeMap = { manager: info.manager, operation, apiVersion: versioned.apiVersion }
    const stamp = managed.times.get(identity)
    const time = stamp === undefined ? undefined : parseTime(stamp)
    if (time !== undefined) entry.time = time.formatted
    entry.fieldsType = 'FieldsV1'
    entry.fieldsV1 = toFieldsV1(versioned.set)
    if (info.subresource !== '') entry.subresource = info.subresource
    entries.push({ entry, info: { ...info, operation, apiVersion: versioned.apiVersion }, seconds: time?.seconds ?? 0 })
  }
  entries.sort((p, q) => {
    if (p.info.operation !== q.info.operation) return p.info.operation === 'Apply' ? -1 : 1
    if (p.seconds !== q.seconds) return p.seconds - q.seconds
    return (
      compareStrings(p.info.manager, q.info.manager) ||
      compareStrings(p.info.apiVersion, q.info.apiVersion) ||
      compareStrings(p.info.subresource, q.info.subresource)
    )
  })
  return entries.map(({ entry }) => entry)
}

/** At most this many Update entries survive a write (`DefaultMaxUpdateManagers`). */
export const maxUpdateManagers = 10

/**
 * Folds the oldest Update entries into one `ancient-changes` entry per apiVersion until at most
 * `maxUpdateManagers` remain; Apply entries are never folded.
 */
export function capUpdateManagers(managed: Managed): void {
  const identities = [...managed.fields].filter(([, versioned]) => !versioned.applied).map(([identity]) => identity)
  if (identities.length <= maxUpdateManagers) return
  // Each updater's time is parsed once, before the sort: parseTime remembers only the last one.
  const updaters = identities
    .map((identity) => ({ identity, seconds: unixSeconds(managed.times.get(identity)) }))
    .sort((a, b) => a.seconds - b.seconds || compareStrings(a.identity, b.identity))
    .map(({ identity }) => identity)
  const firstByVersion = new Map<string, string>()
  let length = updaters.length
  for (let i = 0; i < updaters.length && length > maxUpdateManagers; i++) {
    const identity = updaters[i] as string
    const versioned = managed.fields.get(identity)
    if (versioned === undefined) continue
    const time = managed.times.get(identity)
    const version = versioned.apiVersion
    const bucket = managerIdentity({ manager: 'ancient-changes', operation: 'Update', apiVersion: version, subresource: '' })
    const first = firstByVersion.get(version)
    if (first === undefined) {
      firstByVersion.set(version, identity)
      continue
    }
    if (!managed.fields.has(bucket)) {
      const firstSet = managed.fields.get(first)
      managed.fields.delete(first)
      if (firstSet !== undefined) managed.fields.set(bucket, firstSet)
    }
    const bucketSet = managed.fields.get(bucket)
    managed.fields.set(bucket, {
      set: bucketSet === undefined ? versioned.set : versioned.set.union(bucketSet.set),
      apiVersion: version,
      applied: false,
    })
    managed.fields.delete(identity)
    length--
    if (time === undefined) managed.times.delete(bucket)
    else managed.times.set(bucket, time)
  }
}

/** Whether a request's managedFields ask for a reset: `[]`, or one entry with no content (`[{}]`). */
export function isResetManagedFields(value: KubeValue | undefined): boolean {
  if (!Array.isArray(value)) return false
  if (value.length === 0) return true
  if (value.length !== 1) return false
  const only = value[0]
  if (!isMap(only)) return false
  // Decoded into a Go ManagedFieldsEntry, unknown keys vanish; the entry must equal the zero value.
  const stringKeys = ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'subresource']
  const emptyString = (key: string): boolean => only[key] === undefined || only[key] === null || only[key] === ''
  return stringKeys.every(emptyString) && (only.fieldsV1 === undefined || only.fieldsV1 === null)
}
