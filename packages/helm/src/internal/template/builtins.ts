// The builtin functions of Go's text/template (text/template/funcs.go): and, or, not, len, index,
// slice, print*, the comparisons with Go's typing rules, html, js, urlquery and call.
import { NO_FLAGS, formatValue, sprint, sprintf, sprintln } from './fmt.js'
import {
  FuncError,
  type GoFunc,
  GoFloat32,
  GoInt,
  GoStruct,
  type GoType,
  type GoValue,
  compareStrings,
  goFunc,
  int,
  isGoFunc,
  isNil,
  zeroElement,
  isTrue,
  kindOf,
  typeName,
  variadic,
} from './values.js'

const fn = goFunc


function show(v: GoValue): string {
  return formatValue(v, 'v', NO_FLAGS)
}

type BasicKind = 'invalid' | 'bool' | 'int' | 'uint' | 'float' | 'string'

function basicKind(v: GoValue): BasicKind {
  const k = kindOf(v)
  return k === 'bool' || k === 'int' || k === 'uint' || k === 'float' || k === 'string' ? k : 'invalid'
}

function num(v: GoValue): number {
  if (typeof v === 'number') return v
  if (v instanceof GoFloat32) return v.value
  return 0
}

function big(v: GoValue): bigint {
  return v instanceof GoInt ? v.value : 0n
}

const errBadComparisonType = 'invalid type for comparison'
const errBadComparison = 'incompatible types for comparison'
const errNoComparison = 'missing argument for comparison'

function eqPair(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a)
  const k2 = basicKind(b)
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return big(a) >= 0n && big(a) === big(b)
    if (k1 === 'uint' && k2 === 'int') return big(b) >= 0n && big(a) === big(b)
    if (a !== undefined && a !== null && b !== undefined && b !== null) {
      throw new FuncError(`${errBadComparison}: ${typeName(a)} and ${typeName(b)}`)
    }
    return false
  }
  if (k1 === 'bool' || k1 === 'string') return a === b
  if (k1 === 'float') return num(a) === num(b)
  if (k1 === 'int' || k1 === 'uint') return big(a) === big(b)
  // text/template's canCompare: nil, or two values of one reflect kind (any slice types).
  const nilA = a === undefined || a === null
  const nilB = b === undefined || b === null
  if (!nilA && !nilB && kindOf(a) !== kindOf(b)) {
    throw new FuncError(`non-comparable types ${formatValue(a, 's', NO_FLAGS)}: ${typeName(a)}, ${typeName(b)}: ${show(b)}`)
  }
  // Then its isNil: a nil interface, slice or map equals only another nil (regexFindAll's nil
  // []string equals nil and a nil []interface {}, not an empty slice).
  if (nilA || nilB || isNil(a) || isNil(b)) return (nilA || isNil(a)) === (nilB || isNil(b))
  if (Array.isArray(b) || b instanceof Map || isGoFunc(b)) {
    throw new FuncError(`non-comparable type ${formatValue(b, 's', NO_FLAGS)}: ${typeName(b)}`)
  }
  if (typeName(a) !== typeName(b)) return false
  return a === b
}

function eq(a: GoValue, ...rest: GoValue[]): boolean {
  if (rest.length === 0) throw new FuncError(errNoComparison)
  for (const b of rest) if (eqPair(a, b)) return true
  return false
}

function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a)
  if (k1 === 'invalid') throw new FuncError(errBadComparisonType)
  const k2 = basicKind(b)
  if (k2 === 'invalid') throw new FuncError(errBadComparisonType)
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return big(a) < 0n || big(a) < big(b)
    if (k1 === 'uint' && k2 === 'int') return big(b) >= 0n && big(a) < big(b)
    throw new FuncError(`${errBadComparison}: ${typeName(a)} and ${typeName(b)}`)
  }
  if (k1 === 'bool') throw new FuncError(errBadComparisonType)
  if (k1 === 'float') return num(a) < num(b)
  if (k1 === 'int' || k1 === 'uint') return big(a) < big(b)
  return compareStrings(a as string, b as string) < 0
}

function le(a: GoValue, b: GoValue): boolean {
  return lt(a, b) || eq(a, b)
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

function length(item: GoValue): GoValue {
  if (item === null) throw new FuncError('len of nil pointer')
  if (item === undefined) throw new FuncError('reflect: call of reflect.Value.Type on zero Value')
  if (typeof item === 'string') return int(byteLength(item))
  if (Array.isArray(item)) return int(item.length)
  if (item instanceof Map) return int(item.size)
  throw new FuncError(`len of type ${typeName(item)}`)
}

function indexArg(index: GoValue, cap: number): number {
  if (index === undefined || index === null) throw new FuncError('cannot index slice/array with nil')
  if (!(index instanceof GoInt)) throw new FuncError(`cannot index slice/array with type ${typeName(index)}`)
  const x = index.value
  if (x < 0n || x > BigInt(cap)) throw new FuncError(`index out of range: ${x}`)
  return Number(x)
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new FuncError('index of untyped nil')
  let cur: GoValue = item
  for (const ix of indexes) {
    if (cur === null) throw new FuncError('index of nil pointer')
    if (typeof cur === 'string') {
      const bytes: Buffer = Buffer.from(cur, 'utf8')
      const x = indexArg(ix, bytes.length)
      if (x >= bytes.length) throw new FuncError('reflect: string index out of range')
      cur = new GoInt(BigInt(bytes[x] ?? 0), 'uint8')
    } else if (Array.isArray(cur)) {
      const x = indexArg(ix, cur.length)
      if (x >= cur.length) throw new FuncError('reflect: slice index out of range')
      const v: GoValue = cur[x]
      cur = v === undefined ? null : v
    } else if (cur instanceof Map) {
      if (ix === undefined || ix === null) throw new FuncError('value is nil; should be of type string')
      if (typeof ix !== 'string') throw new FuncError(`value has type ${typeName(ix)}; should be string`)
      // A missing key is the zero value of the element type: nil, or "" in a map[string]string.
      const v = cur.get(ix)
      cur = v === undefined ? zeroElement(cur) : v
    } else {
      throw new FuncError(`can't index item of type ${typeName(cur)}`)
    }
  }
  return cur
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new FuncError('slice of untyped nil')
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`)
  let cap: number
  let len: number
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string')
    cap = len = byteLength(item)
  } else if (Array.isArray(item)) {
    cap = len = item.length
  } else throw new FuncError(`can't slice item of type ${typeName(item)}`)
  const idx = [0, len, 0]
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(ix, cap)
  })
  const [i0 = 0, i1 = len, i2 = 0] = idx
  if (i0 > i1) throw new FuncError(`invalid slice index: ${i0} > ${i1}`)
  if (indexes.length === 3 && i1 > i2) throw new FuncError(`invalid slice index: ${i1} > ${i2}`)
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(i0, i1).toString('utf8')
  return item.slice(i0, i1)
}

/** Go's evalArgs for html, js and urlquery. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0]
  return sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)))
}

/** Go's template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => {
    switch (c) {
      case '\0':
        return '\ufffd'
      case '"':
        return '&#34;'
      case "'":
        return '&#39;'
      case '&':
        return '&amp;'
      case '<':
        return '&lt;'
      default:
        return '&gt;'
    }
  })
}

function isPrint(cp: number): boolean {
  if (cp === 0xad) return false
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]/u.test(String.fromCodePoint(cp)) && (cp === 0x20 || !/\p{Zs}/u.test(String.fromCodePoint(cp)))
}

/** Go's template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = ''
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0
    switch (ch) {
      case '\\':
        out += '\\\\'
        continue
      case "'":
        out += "\\'"
        continue
      case '"':
        out += '\\"'
        continue
      case '<':
        out += '\\u003C'
        continue
      case '>':
        out += '\\u003E'
        continue
      case '&':
        out += '\\u0026'
        continue
      case '=':
        out += '\\u003D'
        continue
      default:
    }
    if (cp < 0x20) out += `\\u00${cp.toString(16).toUpperCase().padStart(2, '0')}`
    else if (cp < 0x80 || isPrint(cp)) out += ch
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`
  }
  return out
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b)
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c
    else if (c === ' ') out += '+'
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function call(name: GoValue, f: GoValue, ...args: GoValue[]): GoValue {
  if (f === undefined || f === null) throw new FuncError('call of nil')
  if (!isGoFunc(f)) throw new FuncError(`non-function ${typeof name === 'string' ? name : ''} of type ${typeName(f)}`)
  return f.fn(...args)
}

/** The builtins every template has. */
export function builtinFuncs(): Map<string, GoFunc> {
  const rv: GoType = 'reflect.Value'
  const iface: GoType = 'interface {}'
  return new Map<string, GoFunc>([
    ['and', fn('and', [rv, variadic(rv)], (...a) => a[a.length - 1])],
    ['or', fn('or', [rv, variadic(rv)], (...a) => a[a.length - 1])],
    ['not', fn('not', [rv], (a) => !isTrue(a))],
    ['call', fn('call', [rv, variadic(rv)], (...a) => call(a[0], a[1], ...a.slice(2)))],
    ['html', fn('html', [variadic(iface)], (...a) => htmlEscape(evalArgs(a)))],
    ['index', fn('index', [rv, variadic(rv)], (item, ...ix) => index(item, ...ix))],
    ['slice', fn('slice', [rv, variadic(rv)], (item, ...ix) => slice(item, ...ix))],
    ['js', fn('js', [variadic(iface)], (...a) => jsEscape(evalArgs(a)))],
    ['len', fn('len', [rv], length)],
    ['print', fn('print', [variadic(iface)], (...a) => sprint(a))],
    ['printf', fn('printf', ['string', variadic(iface)], (f, ...a) => sprintf(f as string, a))],
    ['println', fn('println', [variadic(iface)], (...a) => sprintln(a))],
    ['urlquery', fn('urlquery', [variadic(iface)], (...a) => queryEscape(evalArgs(a)))],
    ['eq', fn('eq', [rv, variadic(rv)], (a, ...b) => eq(a, ...b))],
    ['ge', fn('ge', [rv, rv], (a, b) => !lt(a, b))],
    ['gt', fn('gt', [rv, rv], (a, b) => !le(a, b))],
    ['le', fn('le', [rv, rv], le)],
    ['lt', fn('lt', [rv, rv], lt)],
    ['ne', fn('ne', [rv, variadic(rv)], (a, ...b) => !eq(a, ...b))],
  ])
}

export { GoStruct }
