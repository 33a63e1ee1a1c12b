// Helm's toToml: github.com/BurntSushi/toml's Encoder over template values. Keys sorted, plain
// values before tables and arrays of tables, nested tables indented two spaces a level, a blank
// line before each top-level table and each array-of-tables entry, maps inside lists inline.
import { formatFloat } from '@gitops-sdk/core/go'
import { GoFloat32, GoInt, type GoMap, type GoValue, isNil } from '../template/values.js'
import { type TimeValue, formatTime, rfc3339Nano, timeOf } from './goTime.js'
import { localZoneName } from './goZone.js'

class TomlError extends Error {}

function quoteString(s: string): string {
  let out = '"'
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0
    if (ch === '"') out += '\\"'
    else if (ch === '\\') out += '\\\\'
    else if (ch === '\b') out += '\\b'
    else if (ch === '\t') out += '\\t'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\f') out += '\\f'
    else if (ch === '\r') out += '\\r'
    else if (cp < 0x20 || cp === 0x7f) out += `\\u${cp.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}

function bareKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : quoteString(k)
}

function isTable(v: GoValue): v is GoMap {
  return v instanceof Map
}

/** BurntSushi's isNil of a value (an array element, a table entry): a nil interface, or a nil slice or map. */
function isNilElement(v: GoValue): boolean {
  return v === null || v === undefined || isNil(v)
}

function isArrayOfTables(v: GoValue): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof Map)
}

function floatText(f: number): string {
  if (Number.isNaN(f)) return 'nan'
  if (!Number.isFinite(f)) return f > 0 ? 'inf' : '-inf'
  const g = formatFloat(f, 'g')
  return /[.e]/.test(g) ? g : `${g}.0`
}

/**
 * A time.Time as BurntSushi's encoder writes it: RFC 3339, or the local forms of its own locations
 * (written in UTC: their offset, Local's when helm started, is dropped).
 */
function timeText(t: TimeValue): string {
  const local = localZoneName(t.zone)
  const inUtc: TimeValue = { ...t, zone: 'UTC' }
  if (local === 'datetime-local') return formatTime(inUtc, '2006-01-02T15:04:05.999999999')
  if (local === 'date-local') return formatTime(inUtc, '2006-01-02')
  if (local === 'time-local') return formatTime(inUtc, '15:04:05.999999999')
  return rfc3339Nano(t)
}

function element(v: GoValue): string {
  if (typeof v === 'string') return quoteString(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'number') return floatText(v)
  if (v instanceof GoFloat32) return floatText(v.value)
  // BurntSushi/toml writes a time.Duration as its String(), quoted.
  if (v instanceof GoInt) return v.named?.name === 'time.Duration' && v.named.stringer !== undefined ? quoteString(v.named.stringer(v.value)) : String(v.value)
  if (Array.isArray(v)) {
    if (v.some(isNilElement)) throw new TomlError('toml: cannot encode array with nil element')
    return `[${v.map(element).join(', ')}]`
  }
  if (v instanceof Map) return inlineTable(v)
  const t = timeOf(v)
  if (t !== undefined) return timeText(t)
  throw new TomlError(`toml: cannot encode a value of type ${typeof v}`)
}

function sortedKeys(m: GoMap, sub: boolean): string[] {
  return [...m.keys()].filter((k) => {
    const v = m.get(k) ?? null
    return (isTable(v) || isArrayOfTables(v)) === sub
  }).sort()
}

function inlineTable(m: GoMap): string {
  const parts: string[] = []
  for (const k of [...sortedKeys(m, false), ...sortedKeys(m, true)]) {
    const v = m.get(k) ?? null
    if (isNilElement(v)) continue
    parts.push(`${bareKey(k)} = ${element(v)}`)
  }
  return `{${parts.join(', ')}}`
}

class Writer {
  out = ''
  newline(): void {
    if (this.out !== '') this.out += '\n'
  }
  table(key: readonly string[], m: GoMap): void {
    const indent = '  '.repeat(key.length)
    for (const k of sortedKeys(m, false)) {
      const v = m.get(k) ?? null
      // BurntSushi/toml writes nothing for a nil value, nil slices and maps included.
      if (isNilElement(v)) continue
      this.out += `${indent}${bareKey(k)} = ${element(v)}`
      this.newline()
    }
    for (const k of sortedKeys(m, true)) {
      const v = m.get(k) ?? null
      if (isNil(v)) continue
      const sub = [...key, k]
      const header = sub.map(bareKey).join('.')
      const subIndent = '  '.repeat(sub.length - 1)
      if (v instanceof Map) {
        if (sub.length === 1) this.newline()
        this.out += `${subIndent}[${header}]`
        this.newline()
        this.table(sub, v)
      } else if (Array.isArray(v)) {
        if (v.some(isNilElement)) throw new TomlError('toml: cannot encode array with nil element')
        for (const t of v) {
          if (!(t instanceof Map)) continue
          this.newline()
          this.out += `${subIndent}[[${header}]]`
          this.newline()
          this.table(sub, t)
        }
      }
    }
  }
}

/** TOML text of a value as Helm's toToml prints it (its error text when it cannot be encoded). */
export function toToml(v: GoValue): string {
  try {
    if (v instanceof Map) {
      const w = new Writer()
      w.table([], v)
      return w.out
    }
    if (v === null || v === undefined) return ''
    return element(v)
  } catch (err) {
    if (err instanceof TomlError) return err.message
    throw err
  }
}
