// Sprig's list, dict, math, type and default functions (Masterminds/sprig v3 as Helm 4 ships it).
import {
  FuncError,
  asInterfaceMap,
  GoFloat32,
  GoInt,
  type GoFunc,
  type GoMap,
  type GoType,
  type GoValue,
  compareStrings,
  int,
  int64,
  isExported,
  isTrue,
  GoStruct,
  isGoFunc,
  isNil,
  nilMap,
  nilSlice,
  typeName,
  typedMap,
  sameTypeAs,
  typedSlice,
  variadic,
} from '../template/values.js'
import { isEmpty, strval, toFloat64, toInt64 } from './convert.js'
import { decimalOp } from './decimal.js'
import { fn } from './sprigStrings.js'

const I: GoType = 'interface {}'
const S: GoType = 'string'
const M: GoType = 'map[string]interface {}'

/**
 * Sprig's list functions start with `reflect.TypeOf(list).Kind()`: on a nil interface (a literal
 * nil, a missing or null value) that is a nil pointer dereference, which text/template reports as
 * the call's error.
 */
export const nilDereference = 'runtime error: invalid memory address or nil pointer dereference'

function asList(name: string, v: GoValue): GoValue[] {
  if (Array.isArray(v)) return v
  if (v === null || v === undefined) throw new FuncError(nilDereference)
  throw new FuncError(`Cannot ${name} on type ${reflectKind(v)}`)
}

/** Go's reflect.Kind name of a value, which Sprig's list functions print (`map`, not its type). */
export function reflectKind(v: GoValue): string {
  if (v instanceof Map) return 'map'
  if (v instanceof GoStruct) return v.typeName.startsWith('*') ? 'ptr' : 'struct'
  if (isGoFunc(v)) return 'func'
  return typeName(v)
}

function deepEqual(a: GoValue, b: GoValue): boolean {
  if (typeName(a) !== typeName(b)) return false
  // reflect.DeepEqual: a nil slice or map is not equal to an empty one.
  if (isNil(a) !== isNil(b)) return false
  if (a instanceof GoInt && b instanceof GoInt) return a.value === b.value
  if (a instanceof GoFloat32 && b instanceof GoFloat32) return a.value === b.value
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false
    for (const [k, v] of a) if (!b.has(k) || !deepEqual(v, b.get(k))) return false
    return true
  }
  return a === b
}

/**
 * Sprig's merge and mergeOverwrite: mergo into `dst`, which, when nil (null: a nil map argument),
 * becomes a new map at the first source that is not nil, and otherwise comes back as a nil map.
 */
function merge(dst: GoValue, srcs: readonly GoValue[], overwrite: boolean): GoValue {
  let out: GoValue = dst === null || isNil(dst) ? nilMap() : dst
  for (const s of srcs) {
    if (!(s instanceof Map) || !(out instanceof Map)) continue
    if (isNil(s)) continue
    if (isNil(out)) out = new Map()
    mergeInto(out, s, overwrite)
  }
  return out instanceof Map ? asInterfaceMap(out) : out
}

/** `result`, or a nil []interface {} when `from` is empty (Sprig's results that start from a nil slice). */
function emptyToNil(result: GoValue[], from: GoValue): GoValue[] {
  return Array.isArray(from) && from.length === 0 ? nilSlice() : result
}

/**
 * mergo's deepMerge of two map[string]interface {} (dario.cat/mergo v1 as Sprig calls it: no type
 * check, no slice append), key by key:
 * - a nil source value is set only when overwriting;
 * - a map source merges into a map destination in place (not into a nil one, which cannot be set
 *   through the interface), and the destination stays when it is then not empty;
 * - a slice source replaces the destination when overwriting, or when that is absent or empty;
 * - anything else is set when overwriting, or when the destination is absent or empty (mergo's
 *   isEmptyValue: "", 0, false, an empty or nil slice or map, nil), empty sources included.
 * Set values are copies, so a merge makes no cycle (`merge $a (dict "n" $a)`).
 */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [k, sv] of src) {
    const absent = !dst.has(k)
    const dv = dst.get(k) ?? null
    if (sv === null || sv === undefined) {
      if (overwrite) dst.set(k, null)
      continue
    }
    if (sv instanceof Map && dv instanceof Map) {
      if (!isNil(dv) || isNil(sv)) mergeInto(dv, sv, overwrite)
      if (!isEmpty(dv)) continue
    } else if (Array.isArray(sv) && !absent && !isEmpty(dv) && !overwrite) {
      continue
    }
    if (overwrite || absent || isEmpty(dv)) dst.set(k, deepCopy(sv, false))
  }
}

/**
 * copystructure's copy of `v` (Sprig's deepCopy); `structs` false keeps structs as they are (a
 * merge sets mergo's value itself, copied here only so that a merge makes no cycle).
 */
function deepCopy(v: GoValue, structs = true): GoValue {
  // copystructure copies a nil slice or map as nil; marked values are never changed, so it is shared.
  if (isNil(v)) return v
  // copystructure keeps the type: a []string stays one, .Chart.Annotations a map[string]string.
  if (Array.isArray(v)) return sameTypeAs(v.map((x) => deepCopy(x, structs)), v)
  if (v instanceof Map) return sameTypeAs(new Map([...v].map(([k, x]) => [k, deepCopy(x, structs)])), v)
  // copystructure copies a struct's exported fields and leaves the others zero (KubeVersion's
  // normalizedVersion); time.Time has its own copier, and pointers to structs are left alone here.
  if (structs && v instanceof GoStruct && !v.typeName.startsWith('*') && v.typeName !== 'time.Time') return exportedCopy(v)
  return v
}

function exportedCopy(v: GoStruct): GoStruct {
  let unexported = false
  const fields = new Map<string, GoValue>()
  for (const [k, x] of v.fields) {
    if (isExported(k)) {
      fields.set(k, deepCopy(x))
    } else {
      unexported = true
      fields.set(k, typeof x === 'string' ? '' : typeof x === 'boolean' ? false : typeof x === 'number' ? 0 : null)
    }
  }
  return unexported ? new GoStruct(v.typeName, { fields, methods: v.methods }) : v.copied()
}

/**
 * Sprig's strslice: a []string is returned as it is (so a nil one stays nil through sortAlpha and
 * toStrings), anything else is converted into a new slice.
 */
function strslice(v: GoValue): string[] {
  if (isNil(v) && typeName(v) === '[]string') return nilSlice('[]string') as string[]
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map((x) => strval(x))
  if (v === null || v === undefined) return []
  return [strval(v)]
}

function bigMax(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b > a ? b : a))
}
function bigMin(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b < a ? b : a))
}

function until(start: bigint, stop: bigint, step: bigint): GoValue[] {
  const out: GoValue[] = []
  if (step === 0n) return out
  if (step > 0n) for (let i = start; i < stop; i += step) out.push(int(i))
  else for (let i = start; i > stop; i += step) out.push(int(i))
  return typedSlice(out, '[]int')
}

/** The data-shaped Sprig functions. */
export function dataFuncs(): [string, GoFunc][] {
  return [
    ['list', fn('list', [variadic(I)], (...a) => a.map((x) => (x === undefined ? null : x)))],
    ['tuple', fn('tuple', [variadic(I)], (...a) => a.map((x) => (x === undefined ? null : x)))],
    ['dict', fn('dict', [variadic(I)], (...a) => {
      const m: GoMap = new Map()
      for (let i = 0; i < a.length; i += 2) {
        const k = strval(a[i] ?? null)
        m.set(k, i + 1 < a.length ? (a[i + 1] ?? null) : '')
      }
      return m
    })],
    ['get', fn('get', [M, S], (d, k) => ((d as GoMap | null)?.has(k as string) ? ((d as GoMap).get(k as string) ?? null) : ''))],
    ['set', fn('set', [M, S, I], (d, k, v) => {
      if (d === null || isNil(d)) throw new FuncError('assignment to entry in nil map')
      ;(d as GoMap).set(k as string, v ?? null)
      return asInterfaceMap(d as GoMap)
    })],
    ['unset', fn('unset', [M, S], (d, k) => {
      // A nil map argument (null here) comes back as a nil map; deleting from one does nothing.
      if (d === null || isNil(d)) return nilMap()
      ;(d as GoMap).delete(k as string)
      return asInterfaceMap(d as GoMap)
    })],
    ['hasKey', fn('hasKey', [M, S], (d, k) => (d as GoMap | null)?.has(k as string) ?? false)],
    ['keys', fn('keys', [variadic(M)], (...ds) => {
      const out: string[] = []
      for (const d of ds) if (d instanceof Map) out.push(...d.keys())
      return typedSlice(out, '[]string')
    })],
    ['values', fn('values', [M], (d) => [...((d as GoMap | null)?.values() ?? [])])],
    ['pluck', fn('pluck', [S, variadic(M)], (k, ...ds) => ds.filter((d) => d instanceof Map && d.has(k as string)).map((d) => (d as GoMap).get(k as string) ?? null))],
    ['pick', fn('pick', [M, variadic(S)], (d, ...ks) => new Map([...((d as GoMap | null) ?? [])].filter(([k]) => ks.includes(k))))],
    ['omit', fn('omit', [M, variadic(S)], (d, ...ks) => new Map([...((d as GoMap | null) ?? [])].filter(([k]) => !ks.includes(k))))],
    ['merge', fn('merge', [M, variadic(M)], (dst, ...srcs) => merge(dst, srcs, false))],
    ['mergeOverwrite', fn('mergeOverwrite', [M, variadic(M)], (dst, ...srcs) => merge(dst, srcs, true))],
    ['slice', fn('slice', [I, variadic(I)], (l, ...ix) => {
      if (l === null || l === undefined) throw new FuncError(nilDereference)
      if (!Array.isArray(l)) throw new FuncError(`list should be type of slice or array but ${goKind(l)}`)
      if (l.length === 0) return null
      const start = ix.length > 0 ? Number(toInt64(ix[0] ?? null)) : 0
      const end = ix.length < 2 ? l.length : Number(toInt64(ix[1] ?? null))
      if (start < 0 || end > l.length || start > end) throw new FuncError('reflect: slice index out of range')
      // reflect.Value.Slice keeps the slice type ([]string, common.VersionSet).
      return sameTypeAs(l.slice(start, end), l)
    })],
    // copystructure asks the type of a nil interface: reflect's panic on the zero Value.
    ['deepCopy', fn('deepCopy', [I], (v) => {
      if (v === null || v === undefined) throw new FuncError('reflect: call of reflect.Value.Type on zero Value')
      return deepCopy(v)
    })],
    // append is Sprig's alias of push, and says so.
    ['append', fn('append', [I, I], (l, v) => [...asList('push', l), v ?? null])],
    ['push', fn('push', [I, I], (l, v) => [...asList('push', l), v ?? null])],
    ['prepend', fn('prepend', [I, I], (l, v) => [v ?? null, ...asList('prepend', l)])],
    ['first', fn('first', [I], (l) => asList('find first', l)[0] ?? null)],
    ['last', fn('last', [I], (l) => {
      const a = asList('find last', l)
      return a.length === 0 ? null : (a[a.length - 1] ?? null)
    })],
    // Sprig returns a nil []interface {} for an empty list, a new one otherwise.
    ['rest', fn('rest', [I], (l) => emptyToNil(asList('find rest', l).slice(1), l))],
    ['initial', fn('initial', [I], (l) => emptyToNil(asList('find initial', l).slice(0, -1), l))],
    ['reverse', fn('reverse', [I], (l) => [...asList('find reverse', l)].reverse())],
    ['uniq', fn('uniq', [I], (l) => {
      const out: GoValue[] = []
      for (const x of asList('find uniq', l)) if (!out.some((y) => deepEqual(x, y))) out.push(x)
      return out
    })],
    ['compact', fn('compact', [I], (l) => asList('compact', l).filter((x) => !isEmpty(x)))],
    ['without', fn('without', [I, variadic(I)], (l, ...omit) => asList('find without', l).filter((x) => !omit.some((o) => deepEqual(x, o))))],
    ['has', fn('has', [I, I], (needle, hay) => (hay === null ? false : asList('find has', hay).some((x) => deepEqual(x, needle))))],
    // Sprig appends to a nil []interface {}: nil when there is nothing to append.
    ['concat', fn('concat', [variadic(I)], (...ls) => {
      const all = ls.flatMap((l) => {
        if (Array.isArray(l)) return l
        if (l === null || l === undefined) throw new FuncError(nilDereference)
        // Sprig's concat says it its own way.
        throw new FuncError(`Cannot concat type ${reflectKind(l)} as list`)
      })
      return all.length === 0 ? nilSlice() : all
    })],
    // Not a list, nil included, it is the list of its strval: `[<nil>]` for nil.
    ['sortAlpha', fn('sortAlpha', [I], (l) => typedSlice(l === null || l === undefined ? ['<nil>'] : strslice(l).sort(compareStrings), '[]string'))],
    ['join', fn('join', [S, I], (sep, v) => strslice(v).join(sep as string))],
    ['splitList', fn('splitList', [S, S], (sep, s) => typedSlice((s as string).split(sep as string), '[]string'))],
    ['split', fn('split', [S, S], (sep, s) => {
      const m: GoMap = new Map()
      ;(s as string).split(sep as string).forEach((p, i) => m.set(`_${i}`, p))
      return typedMap(m, 'map[string]string')
    })],
    ['toStrings', fn('toStrings', [I], (v) => typedSlice(strslice(v), '[]string'))],
    ['until', fn('until', ['int'], (n) => until(0n, (n as GoInt).value, (n as GoInt).value < 0n ? -1n : 1n))],
    ['untilStep', fn('untilStep', ['int', 'int', 'int'], (a, b, c) => until((a as GoInt).value, (b as GoInt).value, (c as GoInt).value))],
    ['add', fn('add', [variadic(I)], (...a) => int64(a.reduce<bigint>((s, x) => s + toInt64(x), 0n)))],
    ['add1', fn('add1', [I], (a) => int64(toInt64(a) + 1n))],
    ['sub', fn('sub', [I, I], (a, b) => int64(toInt64(a) - toInt64(b)))],
    ['mul', fn('mul', [I, variadic(I)], (a, ...r) => int64(r.reduce<bigint>((s, x) => s * toInt64(x), toInt64(a))))],
    ['div', fn('div', [I, I], (a, b) => {
      const d = toInt64(b)
      if (d === 0n) throw new FuncError('runtime error: integer divide by zero')
      return int64(toInt64(a) / d)
    })],
    ['mod', fn('mod', [I, I], (a, b) => {
      const d = toInt64(b)
      if (d === 0n) throw new FuncError('runtime error: integer divide by zero')
      return int64(toInt64(a) % d)
    })],
    ['max', fn('max', [I, variadic(I)], (a, ...r) => int64(bigMax(toInt64(a), ...r.map(toInt64))))],
    ['min', fn('min', [I, variadic(I)], (a, ...r) => int64(bigMin(toInt64(a), ...r.map(toInt64))))],
    // Sprig computes these in shopspring decimals: 0.1 + 0.2 is 0.3, a quotient has 16 places.
    ['addf', fn('addf', [variadic(I)], (...a) => decimalOp('add', 0, a.map(toFloat64)))],
    ['subf', fn('subf', [I, variadic(I)], (a, ...r) => decimalOp('sub', toFloat64(a), r.map(toFloat64)))],
    ['mulf', fn('mulf', [I, variadic(I)], (a, ...r) => decimalOp('mul', toFloat64(a), r.map(toFloat64)))],
    ['divf', fn('divf', [I, variadic(I)], (a, ...r) => decimalOp('div', toFloat64(a), r.map(toFloat64)))],
    ['maxf', fn('maxf', [I, variadic(I)], (a, ...r) => Math.max(toFloat64(a), ...r.map(toFloat64)))],
    ['minf', fn('minf', [I, variadic(I)], (a, ...r) => Math.min(toFloat64(a), ...r.map(toFloat64)))],
    ['floor', fn('floor', [I], (a) => Math.floor(toFloat64(a)))],
    ['ceil', fn('ceil', [I], (a) => Math.ceil(toFloat64(a)))],
    ['round', fn('round', [I, 'int', variadic(I)], (a, p, ...r) => {
      const places = Number((p as GoInt).value)
      const roundOn = r.length > 0 ? toFloat64(r[0] ?? null) : 0.5
      const pow = 10 ** places
      const digit = toFloat64(a) * pow
      const frac = digit - Math.trunc(digit)
      const rounded = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)
      return rounded / pow
    })],
    ['int', fn('int', [I], (v) => int(toInt64(v)))],
    ['int64', fn('int64', [I], (v) => int64(toInt64(v)))],
    ['float64', fn('float64', [I], (v) => toFloat64(v))],
    ['atoi', fn('atoi', [S], (s) => {
      const t = s as string
      return /^[+-]?\d+$/.test(t) ? int(BigInt(t)) : int(0)
    })],
    ['seq', fn('seq', [variadic('int')], (...a) => {
      const ns = a.map((x) => Number(toInt64(x)))
      if (ns.length < 1 || ns.length > 3) return ''
      const start = ns.length === 1 ? 1 : (ns[0] ?? 0)
      const end = ns.length === 1 ? (ns[0] ?? 0) : ns.length === 2 ? (ns[1] ?? 0) : (ns[2] ?? 0)
      let step = ns.length === 3 ? (ns[1] ?? 0) : 1
      if (ns.length < 3 && end < start) step = -1
      const out: string[] = []
      if (step > 0) for (let i = start; i <= end; i += step) out.push(String(i))
      else if (step < 0) for (let i = start; i >= end; i += step) out.push(String(i))
      return out.join(' ')
    })],
    ['default', fn('default', [I, variadic(I)], (d, ...given) => (given.length === 0 || isEmpty(given[0] ?? null) ? d : (given[0] ?? null)))],
    ['empty', fn('empty', [I], (v) => isEmpty(v))],
    ['coalesce', fn('coalesce', [variadic(I)], (...a) => a.find((x) => !isEmpty(x)) ?? null)],
    ['all', fn('all', [variadic(I)], (...a) => a.every((x) => !isEmpty(x)))],
    ['any', fn('any', [variadic(I)], (...a) => a.some((x) => !isEmpty(x)))],
    ['ternary', fn('ternary', [I, I, 'bool'], (t, f, c) => (c === true ? t : f))],
    ['typeOf', fn('typeOf', [I], (v) => typeName(v))],
    ['typeIs', fn('typeIs', [S, I], (t, v) => typeName(v) === t)],
    // Sprig compares the target with the type and with the type behind one more pointer ("*" + target).
    ['typeIsLike', fn('typeIsLike', [S, I], (t, v) => typeName(v) === t || typeName(v) === `*${t as string}`)],
    ['kindOf', fn('kindOf', [I], (v) => goKind(v))],
    ['kindIs', fn('kindIs', [S, I], (t, v) => goKind(v) === t)],
    ['deepEqual', fn('deepEqual', [I, I], (a, b) => deepEqual(a, b))],
    ['toDecimal', fn('toDecimal', [I], (v) => {
      // strconv.ParseInt(fmt.Sprint(v), 8, 64): a sign, octal digits, within int64; else 0.
      const m = /^([+-]?)([0-7]+)$/.exec(strval(v))
      if (m === null) return int64(0n)
      const n = BigInt(`0o${m[2] ?? '0'}`) * (m[1] === '-' ? -1n : 1n)
      return int64(n >= -(2n ** 63n) && n < 2n ** 63n ? n : 0n)
    })],
    ['fromTruth', fn('fromTruth', [I], (v) => isTrue(v))],
  ]
}

function goKind(v: GoValue): string {
  if (v === undefined || v === null) return 'invalid'
  if (v instanceof GoInt) return v.kind
  if (v instanceof GoFloat32) return 'float32'
  if (typeof v === 'number') return 'float64'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'string') return 'string'
  if (Array.isArray(v)) return 'slice'
  return reflectKind(v)
}
