// go-yaml v3's scalar resolution (resolve.go, v3.0.1), which kustomize (through kyaml) and sops
// read YAML with: what an untagged plain scalar means, and whether a scalar fits an explicit tag.
import { parseFloat64, parseInt64, parseUint64 } from '../go/parseNumber.js'
import type { GoTime } from '../go/time.js'
import { formatRfc3339Nano, goTimeOf } from '../go/time.js'

/**
 * A scalar as go-yaml resolves it: its short tag and its value. Integers are `bigint` whatever
 * their size (int64, or uint64 above 2^63 − 1); timestamps are Go's RFC 3339 text with nanoseconds
 * (what `time.Time` marshals to); `!!binary` only comes from an explicit tag. The merge key `<<` is a
 * string to the resolver (its first character has no hint); decoders recognise it by its text.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export type ResolvedScalar =
  | {
      /** The short tag. */
      readonly tag: '!!null'
      /** The resolved value. */
      readonly value: null
    }
  | {
      /** The short tag. */
      readonly tag: '!!bool'
      /** The resolved value. */
      readonly value: boolean
    }
  | {
      /** The short tag. */
      readonly tag: '!!int'
      /** The resolved value. */
      readonly value: bigint
    }
  | {
      /** The short tag. */
      readonly tag: '!!float'
      /** The resolved value. */
      readonly value: number
    }
  | {
      /** The short tag. */
      readonly tag: '!!timestamp'
      /** The resolved value. */
      readonly value: string
    }
  | {
      /** The short tag. */
      readonly tag: '!!str'
      /** The resolved value. */
      readonly value: string
    }
  | {
      /** The short tag. */
      readonly tag: '!!binary'
      /** The resolved value. */
      readonly value: Uint8Array
    }

const NULL: ResolvedScalar = { tag: '!!null', value: null }
const TRUE: ResolvedScalar = { tag: '!!bool', value: true }
const FALSE: ResolvedScalar = { tag: '!!bool', value: false }
const NAN: ResolvedScalar = { tag: '!!float', value: Number.NaN }
const INF: ResolvedScalar = { tag: '!!float', value: Number.POSITIVE_INFINITY }
const NEG_INF: ResolvedScalar = { tag: '!!float', value: Number.NEGATIVE_INFINITY }

const resolveMap = new Map<string, ResolvedScalar>([
  ['true', TRUE], ['True', TRUE], ['TRUE', TRUE],
  ['false', FALSE], ['False', FALSE], ['FALSE', FALSE],
  ['', NULL], ['~', NULL], ['null', NULL], ['Null', NULL], ['NULL', NULL],
  ['.nan', NAN], ['.NaN', NAN], ['.NAN', NAN],
  ['.inf', INF], ['.Inf', INF], ['.INF', INF], ['+.inf', INF], ['+.Inf', INF], ['+.INF', INF],
  ['-.inf', NEG_INF], ['-.Inf', NEG_INF], ['-.INF', NEG_INF],
])

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/

/** The first-character hint of resolve.go's table: sign, digit, dot, map word, or none. */
function hint(text: string): 'S' | 'D' | '.' | 'M' | 'N' | undefined {
  if (text === '') return 'N'
  const c = text[0] ?? ''
  if (c === '+' || c === '-') return 'S'
  if (c >= '0' && c <= '9') return 'D'
  if (c === '.') return '.'
  if ('yYnNtTfFoO~'.includes(c)) return 'M'
  return undefined
}

const timestampPattern =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})?)?$/

/**
 * go-yaml v3's `parseTimestamp`: the layouts `2006-1-2T15:4:5.999999999Z07:00` (also with `t`),
 * `2006-1-2 15:4:5.999999999` (UTC) and `2006-1-2`, as Go's time.Parse reads them (one- or
 * two-digit fields, a `.` or `,` before the fraction).
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function parseYamlTimestamp(text: string): GoTime | undefined {
  if (text.length < 8 || text.charCodeAt(4) !== 0x2d) return undefined
  const m = timestampPattern.exec(text)
  if (m === null) return undefined
  const [, year = '', month = '', day = '', sep, hour, minute, second, fraction, zone] = m
  // The `T` layouts end in a mandatory zone; the space-separated one has none.
  if (sep !== undefined && (sep === ' ') !== (zone === undefined)) return undefined
  return goTimeOf({ year, month, day, hour, minute, second, fraction, zone })
}

function intOf(value: bigint): ResolvedScalar {
  return { tag: '!!int', value }
}

/** resolve.go's `resolve` for an empty tag, or for `tag` when it is one of the resolvable ones. */
function resolve(text: string, tag: '' | '!!timestamp' | '!!other'): ResolvedScalar {
  const h = hint(text)
  if (h === undefined) return { tag: '!!str', value: text }
  const known = resolveMap.get(text)
  if (known !== undefined) return known
  if (h === '.') {
    const f = parseFloat64(text)
    if (f !== undefined) return { tag: '!!float', value: f }
  } else if (h === 'D' || h === 'S') {
    if (tag !== '!!other') {
      const t = parseYamlTimestamp(text)
      if (t !== undefined) return { tag: '!!timestamp', value: formatRfc3339Nano(t) }
    }
    const plain = text.includes('_') ? text.replaceAll('_', '') : text
    const int = parseInt64(plain, 0) ?? parseUint64(plain, 0)
    if (int !== undefined) return intOf(int)
    if (yamlStyleFloat.test(plain)) {
      // ParseFloat's range error (1e400) leaves the text a string: go-yaml keeps it as `!!str`.
      const f = parseFloat64(plain)
      if (f !== undefined) return { tag: '!!float', value: f }
    }
  }
  return { tag: '!!str', value: text }
}

/**
 * What go-yaml v3 makes of an untagged plain scalar: `~`/`null`/empty are null; only
 * `true`/`false` (three spellings) are bools; `0x1F`, `0o17`, `017`, `0b11`, `1_000` are ints;
 * `1e3`, `.5`, `.inf` are floats, but `1e400` (beyond float64) stays a string; dates and RFC 3339
 * times are timestamps; anything else is a string (so `yes`, `on`, `1:20`
 * are strings in this dialect). A plain scalar tagged `!` resolves the same way.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function resolveScalar(text: string): ResolvedScalar {
  return resolve(text, '')
}

const LONG_PREFIX = 'tag:yaml.org,2002:'

/**
 * A tag in go-yaml's short form: `tag:yaml.org,2002:int` → `!!int`; others as they are.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function shortTag(tag: string): string {
  return tag.startsWith(LONG_PREFIX) ? `!!${tag.slice(LONG_PREFIX.length)}` : tag
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * Go's `base64.StdEncoding.DecodeString` as go-yaml applies it to `!!binary`: the padded standard
 * alphabet, with line breaks skipped. Undefined for anything else.
 */
function decodeBinary(text: string): Uint8Array | undefined {
  const b64 = text.replace(/[\r\n]/g, '')
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined
  return new Uint8Array(Buffer.from(b64, 'base64'))
}

/**
 * What go-yaml v3 makes of a scalar with an explicit tag (long or short form): `!!str` keeps the
 * text; `!!binary` decodes base64; `!!null`, `!!bool`, `!!int`, `!!timestamp` must resolve to their
 * own kind; `!!float` also takes an int within int64 (not a uint64), as a float; local and unknown
 * tags leave the text a string. Undefined when the text does not fit the tag (go-yaml's "cannot
 * decode !!str `x` as a !!int").
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function resolveTaggedScalar(tag: string, text: string): ResolvedScalar | undefined {
  const short = shortTag(tag)
  switch (short) {
    case '!!str':
      return { tag: '!!str', value: text }
    case '!!binary': {
      const bytes = decodeBinary(text)
      return bytes === undefined ? undefined : { tag: '!!binary', value: bytes }
    }
    case '!!null':
    case '!!bool':
    case '!!int':
    case '!!float': {
      const r = resolve(text, '!!other')
      if (r.tag === short) return r
      if (short === '!!float' && r.tag === '!!int' && r.value >= INT64_MIN && r.value <= INT64_MAX) {
        return { tag: '!!float', value: Number(r.value) }
      }
      return undefined
    }
    case '!!timestamp': {
      const r = resolve(text, '!!timestamp')
      return r.tag === '!!timestamp' ? r : undefined
    }
    default:
      return { tag: '!!str', value: text }
  }
}
