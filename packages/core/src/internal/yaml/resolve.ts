// Scalar resolution as kustomize reads manifests: kyaml decodes with go-yaml v3, whose resolver
// (resolve.go, v3.0.1) turns plain scalars into null, bool, int, float or timestamp. This file
// mirrors it so that `0x1F`, `012`, `1_000`, `1e3` and `2001-12-14` mean what kustomize makes of them.
import type { KubeScalar } from '../../object.js'

/** Result of resolving a plain scalar: the value, or the merge key marker `<<`. */
export type Resolved = { readonly kind: 'value'; readonly value: KubeScalar } | { readonly kind: 'merge' }

const MERGE: Resolved = { kind: 'merge' }

const fixed = new Map<string, KubeScalar>([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
  ['', null],
  ['~', null],
  ['null', null],
  ['Null', null],
  ['NULL', null],
  ['.nan', Number.NaN],
  ['.NaN', Number.NaN],
  ['.NAN', Number.NaN],
  ['.inf', Number.POSITIVE_INFINITY],
  ['.Inf', Number.POSITIVE_INFINITY],
  ['.INF', Number.POSITIVE_INFINITY],
  ['+.inf', Number.POSITIVE_INFINITY],
  ['+.Inf', Number.POSITIVE_INFINITY],
  ['+.INF', Number.POSITIVE_INFINITY],
  ['-.inf', Number.NEGATIVE_INFINITY],
  ['-.Inf', Number.NEGATIVE_INFINITY],
  ['-.INF', Number.NEGATIVE_INFINITY],
])

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const dotFloat = /^\.[0-9]+([eE][-+]?[0-9]+)?$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/** Resolves an untagged plain scalar the way go-yaml v3 does. */
export function resolvePlain(text: string): Resolved {
  if (text === '<<') return MERGE
  const known = fixed.get(text)
  if (known !== undefined || fixed.has(text)) return { kind: 'value', value: known ?? null }
  const first = text.charCodeAt(0)
  if (first === 0x2e /* . */) {
    return { kind: 'value', value: dotFloat.test(text) ? finiteOr(text, text) : text }
  }
  const isDigit = first >= 0x30 && first <= 0x39
  if (!isDigit && first !== 0x2b && first !== 0x2d) return { kind: 'value', value: text }
  if (isDigit) {
    const timestamp = parseTimestamp(text)
    if (timestamp !== undefined) return { kind: 'value', value: timestamp }
  }
  const plain = text.includes('_') ? text.replaceAll('_', '') : text
  const int = parseGoInt(plain)
  if (int !== undefined) return { kind: 'value', value: int }
  if (yamlStyleFloat.test(plain)) return { kind: 'value', value: finiteOr(plain, text) }
  return { kind: 'value', value: text }
}

/** `strconv.ParseFloat` fails with a range error on overflow, and the text then stays a string. */
function finiteOr(numberText: string, text: string): number | string {
  const n = Number(numberText)
  return Number.isFinite(n) ? n : text
}

/** Resolves a scalar with an explicit standard tag (`!!int`, `!!float`, …); undefined when it does not fit. */
export function resolveTagged(tag: string, text: string): KubeScalar | undefined {
  switch (tag) {
    case 'tag:yaml.org,2002:str':
      return text
    case 'tag:yaml.org,2002:null': {
      const r = resolvePlain(text)
      return r.kind === 'value' && r.value === null ? null : undefined
    }
    case 'tag:yaml.org,2002:bool': {
      const r = resolvePlain(text)
      return r.kind === 'value' && typeof r.value === 'boolean' ? r.value : undefined
    }
    case 'tag:yaml.org,2002:int': {
      const r = resolvePlain(text)
      return r.kind === 'value' && isInteger(r.value) && !isFloatText(text) ? r.value : undefined
    }
    case 'tag:yaml.org,2002:float': {
      const r = resolvePlain(text)
      if (r.kind !== 'value') return undefined
      if (typeof r.value === 'bigint') return Number(r.value)
      return typeof r.value === 'number' ? r.value : undefined
    }
    case 'tag:yaml.org,2002:timestamp':
      return parseTimestamp(text)
    case 'tag:yaml.org,2002:binary':
      return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8')
    default:
      // Local tags (`!foo`) and unknown global tags leave the text as it is, as go-yaml v3 does.
      return text
  }
}

function isInteger(value: KubeScalar): boolean {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))
}

function isFloatText(text: string): boolean {
  const plain = text.replaceAll('_', '')
  return parseGoInt(plain) === undefined
}

/**
 * `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)`: optional sign, then a `0x`,
 * `0o`, `0b` or legacy `0` (octal) prefix or decimal digits. Values outside the safe integer range
 * come back as `bigint`.
 */
export function parseGoInt(s: string): number | bigint | undefined {
  let i = 0
  let negative = false
  const sign = s.charCodeAt(0)
  if (sign === 0x2b || sign === 0x2d) {
    negative = sign === 0x2d
    i = 1
  }
  let digits = s.slice(i)
  let prefix = ''
  if (digits.length > 1 && digits[0] === '0') {
    const p = digits[1]
    if (p === 'x' || p === 'X') prefix = '0x'
    else if (p === 'o' || p === 'O') prefix = '0o'
    else if (p === 'b' || p === 'B') prefix = '0b'
    else prefix = '0o-legacy'
    digits = prefix === '0o-legacy' ? digits.slice(1) : digits.slice(2)
  }
  const valid =
    prefix === '0x' ? /^[0-9a-fA-F]+$/ : prefix === '0b' ? /^[01]+$/ : prefix === '' ? /^[0-9]+$/ : /^[0-7]+$/
  if (!valid.test(digits)) return undefined
  const radixPrefix = prefix === '0x' ? '0x' : prefix === '0b' ? '0b' : prefix === '' ? '' : '0o'
  let value = BigInt(radixPrefix + digits)
  if (negative) value = -value
  if (value < INT64_MIN || value > (negative ? INT64_MAX : UINT64_MAX)) return undefined
  if (negative && value === 0n) return 0
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
}

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const timestampPattern =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})?)?$/

/**
 * go-yaml v3's timestamp formats (`2006-1-2T15:4:5.999999999Z07:00`, the same with `t`,
 * `2006-1-2 15:4:5.999999999` and `2006-1-2`), returned as Go's JSON encoding of the time
 * (RFC 3339 with nanoseconds, trailing zeros trimmed), which is what kustomize prints.
 */
export function parseTimestamp(s: string): string | undefined {
  if (s.length < 8 || s.charCodeAt(4) !== 0x2d) return undefined
  const m = timestampPattern.exec(s)
  if (m === null) return undefined
  const [, y, mo, d, sep, h, mi, se, frac, zone] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12) return undefined
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const maxDay = month === 2 && leap ? 29 : (daysInMonth[month - 1] ?? 31)
  if (day < 1 || day > maxDay) return undefined
  const date = `${y}-${pad2(month)}-${pad2(day)}`
  if (sep === undefined) return `${date}T00:00:00Z`
  // The `T` layouts end in a mandatory zone; the space-separated one has none.
  if ((sep === ' ') !== (zone === undefined)) return undefined
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(se)
  if (hour > 23 || minute > 59 || second > 59) return undefined
  const nanos = frac === undefined ? '' : frac.slice(0, 9).padEnd(9, '0').replace(/0+$/, '')
  const offset = zone === undefined || zone === 'Z' || zone === '+00:00' || zone === '-00:00' ? 'Z' : zone
  return `${date}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}${nanos === '' ? '' : `.${nanos}`}${offset}`
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}
