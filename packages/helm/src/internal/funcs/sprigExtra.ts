// The rest of Sprig as Helm 4 exposes it: the must* forms (the same functions; where Sprig's plain
// form would panic both end in an error here; the regex ones, whose errors differ, are in
// sprigStrings.ts), path functions, abbrevboth, trimall, splitn,
// biggest, add1f, b32dec, dig, chunk, toPrettyJson, toRawJson, urlParse, urlJoin, hello, and
// Helm's toYamlPretty, toToml and fromToml.
import { stringifyValue, trimCharRun } from '@gitops-sdk/core'
import { FuncError, type GoFunc, type GoMap, type GoValue, goFunc, typeName, typedMap, typedSlice, variadic } from '../template/values.js'
import { fromKube, marshalGo, strval, toFloat64, toInt64, toKube } from './convert.js'
import { decimalOp } from './decimal.js'
import { fromToml } from './fromToml.js'
import { nilDereference, reflectKind } from './sprigData.js'
import { toToml } from './toml.js'

const I = 'interface {}'
const S = 'string'

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.'
  const rooted = p.startsWith('/')
  const out: string[] = []
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else if (!rooted) out.push('..')
    } else out.push(part)
  }
  const joined = out.join('/')
  return rooted ? `/${joined}` : joined === '' ? '.' : joined
}

function base(p: string): string {
  if (p === '') return '.'
  const t = trimCharRun(p, '/', 'end')
  if (t === '') return '/'
  return t.slice(t.lastIndexOf('/') + 1)
}

function dir(p: string): string {
  const i = p.lastIndexOf('/')
  return cleanPath(p.slice(0, i + 1))
}

function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i)
  return ''
}

function abbrevboth(left: number, right: number, s: string): string {
  // goutils.AbbreviateFull, as Sprig calls it: lengths and cuts in bytes.
  if (right < 4 || (left > 0 && right < 7)) return s
  const b = Buffer.from(s, 'utf8')
  if (b.length <= right) return s
  let offset = Math.min(left, b.length)
  if (b.length - offset < right - 3) offset = b.length - (right - 3)
  if (offset <= 4) return `${b.toString('utf8', 0, right - 3)}...`
  if (right < 7) return s
  if (offset + right - 3 < b.length) return `...${abbrevboth(0, right - 3, b.toString('utf8', offset))}`
  return `...${b.toString('utf8', b.length - (right - 3))}`
}

function b32decode(s: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const clean = trimCharRun(s, '=', 'end')
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch)
    if (idx < 0) return `illegal base32 data at input byte ${s.indexOf(ch)}`
    value = (value << 5) | idx
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out).toString('utf8')
}

/** go-yaml v3 with SetIndent(2) (toYamlPretty): sequences indented under their key. */
function indentSequences(yaml: string): string {
  const out: string[] = []
  const shifts: { indent: number; add: number }[] = []
  let prev = ''
  for (const line of yaml.split('\n')) {
    const content = line.trimStart()
    const indent = line.length - content.length
    for (let top = shifts[shifts.length - 1]; top !== undefined && (indent < top.indent || (indent === top.indent && !content.startsWith('- '))); top = shifts[shifts.length - 1]) shifts.pop()
    let add = shifts.reduce((n, s) => n + s.add, 0)
    const prevContent = prev.trimStart()
    if (content.startsWith('- ') || content === '-') {
      if (prevContent.endsWith(':') && !prevContent.startsWith('- ') && prev.length - prevContent.length === indent) {
        shifts.push({ indent, add: 2 })
        add += 2
      } else if (prevContent.endsWith(':') && prevContent.startsWith('- ') && prev.length - prevContent.length + 2 === indent) {
        shifts.push({ indent, add: 2 })
        add += 2
      }
    }
    out.push(`${' '.repeat(indent + add)}${content}`)
    prev = line
  }
  return out.join('\n')
}

function indentJson(compact: string): string {
  let out = ''
  let depth = 0
  let inString = false
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i] ?? ''
    if (inString) {
      out += c
      if (c === '\\') out += compact[++i] ?? ''
      else if (c === '"') inString = false
      continue
    }
    if (c === '"') {
      inString = true
      out += c
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']'
      if (compact[i + 1] === close) {
        out += c + close
        i++
      } else out += `${c}\n${'  '.repeat(++depth)}`
    } else if (c === '}' || c === ']') out += `\n${'  '.repeat(--depth)}${c}`
    else if (c === ',') out += `,\n${'  '.repeat(depth)}`
    else if (c === ':') out += ': '
    else out += c
  }
  return out
}

function rawJson(json: string): string {
  return json.replace(/(?<!\\)((?:\\\\)*)\\u00(3c|3e|26)/g, (_m, slashes: string, code: string) => `${slashes}${String.fromCharCode(parseInt(code, 16))}`)
}

function jsonOf(v: GoValue, must: boolean): string | undefined {
  try {
    return marshalGo(v)
  } catch (err) {
    // The must variants return json.Marshal's error as it is: `error calling mustToRawJson: json: unsupported value: NaN`.
    if (must) throw new FuncError((err as Error).message)
    return undefined
  }
}

/** Go's `v.(T)` of an interface {} holding `v`: its panic when `v` is not a `type`. */
function assertType(v: GoValue, type: string): void {
  const actual = v === null || v === undefined ? 'nil' : typeName(v)
  if (actual !== type) throw new FuncError(`interface conversion: interface {} is ${actual}, not ${type}`)
}

/**
 * Sprig's dig: the last argument and every map on the way must be a map[string]interface {} (not
 * common.Values, a map[string]string or nil: Go's type assertion panics), the keys strings.
 */
function dig(args: GoValue[]): GoValue {
  const dict = args[args.length - 1] ?? null
  const dflt = args[args.length - 2] ?? null
  assertType(dict, 'map[string]interface {}')
  const keys = args.slice(0, -2)
  for (const k of keys) assertType(k ?? null, 'string')
  let cur: GoValue = dict
  for (const k of keys) {
    assertType(cur, 'map[string]interface {}')
    if (!(cur as GoMap).has(k as string)) return dflt
    cur = (cur as GoMap).get(k as string) ?? null
  }
  return cur
}

/** The must* forms of functions already in `existing`, and Sprig's remaining plain functions. */
export function extraFuncs(existing: ReadonlyMap<string, GoFunc>): [string, GoFunc][] {
  const alias = (name: string, of: string): [string, GoFunc][] => {
    const f = existing.get(of)
    return f === undefined ? [] : [[name, { ...f, name }]]
  }
  const musts = ['compact', 'deepCopy', 'merge', 'mergeOverwrite', 'append', 'push', 'prepend', 'first', 'rest', 'last', 'initial', 'reverse', 'uniq', 'without', 'has', 'slice']
  const chunk = (name: string) =>
    goFunc(name, ['int', I], (size, list) => {
      const n = Number(toInt64(size ?? null))
      if (list === null || list === undefined) throw new FuncError(nilDereference)
      if (!Array.isArray(list)) throw new FuncError(`Cannot chunk type ${reflectKind(list)}`)
      if (n <= 0) throw new FuncError('runtime error: integer divide by zero')
      const out: GoValue[] = []
      for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n))
      return typedSlice(out, '[][]interface {}')
    })
  const own: [string, GoFunc][] = [
    ['hello', goFunc('hello', [], () => 'Hello!')],
    ['abbrevboth', goFunc('abbrevboth', ['int', 'int', S], (l, r, s) => abbrevboth(Number(toInt64(l ?? null)), Number(toInt64(r ?? null)), s as string))],
    ['splitn', goFunc('splitn', [S, 'int', S], (sep, n, s) => {
      const count = Number(toInt64(n ?? null))
      const parts = (s as string).split(sep as string)
      const list = count < 0 || parts.length <= count ? parts : [...parts.slice(0, count - 1), parts.slice(count - 1).join(sep as string)]
      const m: GoMap = new Map()
      if (count !== 0) list.forEach((p, i) => m.set(`_${i}`, p))
      return typedMap(m, 'map[string]string')
    })],
    // In shopspring decimals, as addf: -1.9 + 1 is -0.9, and NaN or an infinity panics.
    ['add1f', goFunc('add1f', [I], (v) => decimalOp('add', toFloat64(v ?? null), [1]))],
    ['b32dec', goFunc('b32dec', [S], (s) => b32decode(s as string))],
    ['base', goFunc('base', [S], (p) => base(p as string))],
    ['dir', goFunc('dir', [S], (p) => dir(p as string))],
    ['clean', goFunc('clean', [S], (p) => cleanPath(p as string))],
    ['ext', goFunc('ext', [S], (p) => ext(p as string))],
    ['isAbs', goFunc('isAbs', [S], (p) => (p as string).startsWith('/'))],
    ['osBase', goFunc('osBase', [S], (p) => base(p as string))],
    ['osDir', goFunc('osDir', [S], (p) => dir(p as string))],
    ['osClean', goFunc('osClean', [S], (p) => cleanPath(p as string))],
    ['osExt', goFunc('osExt', [S], (p) => ext(p as string))],
    ['osIsAbs', goFunc('osIsAbs', [S], (p) => (p as string).startsWith('/'))],
    ['dig', goFunc('dig', [variadic(I)], (...a) => {
      if (a.length < 3) throw new FuncError(`dig needs at least three arguments`)
      return dig(a)
    })],
    ['chunk', chunk('chunk')],
    ['mustChunk', chunk('mustChunk')],
    ['toPrettyJson', goFunc('toPrettyJson', [I], (v) => indentJson(jsonOf(v ?? null, false) ?? ''))],
    ['mustToPrettyJson', goFunc('mustToPrettyJson', [I], (v) => indentJson(jsonOf(v ?? null, true) ?? ''))],
    ['toRawJson', goFunc('toRawJson', [I], (v) => rawJson(jsonOf(v ?? null, false) ?? ''))],
    ['mustToRawJson', goFunc('mustToRawJson', [I], (v) => rawJson(jsonOf(v ?? null, true) ?? ''))],
    ['mustFromJson', goFunc('mustFromJson', [S], (s) => {
      try {
        return fromKube(JSON.parse(s as string))
      } catch (err) {
        throw new FuncError((err as Error).message)
      }
    })],
    ['toYamlPretty', goFunc('toYamlPretty', [I], (v) => {
      try {
        return indentSequences(stringifyValue(toKube(v ?? null, true)).replace(/\n$/, ''))
      } catch {
        return ''
      }
    })],
    ['toToml', goFunc('toToml', [I], (v) => toToml(v ?? null))],
    ['fromToml', goFunc('fromToml', [S], (s) => fromToml(s as string))],
    ['urlParse', goFunc('urlParse', [S], (s) => urlParse(s as string))],
    ['urlJoin', goFunc('urlJoin', ['map[string]interface {}'], (d) => urlJoin(d as GoMap))],
  ]
  return [...alias('biggest', 'max'), ...alias('trimall', 'trimAll'), ...musts.flatMap((m) => alias(`must${m[0]?.toUpperCase() ?? ''}${m.slice(1)}`, m)), ...own]
}

function urlParse(s: string): GoMap {
  const m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/(?:([^@/?#]*)@)?([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(s)
  if (m === null) throw new FuncError(`unable to parse url: ${s}`)
  const host = m[3] ?? ''
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '')
  let path = m[4] ?? ''
  try {
    path = decodeURIComponent(path)
  } catch {
    /* Go keeps an undecodable path as its raw form */
  }
  return new Map<string, GoValue>([
    ['fragment', m[6] ?? ''],
    ['host', host],
    ['hostname', hostname],
    ['opaque', ''],
    ['path', path],
    ['query', m[5] ?? ''],
    ['scheme', m[1] ?? ''],
    ['userinfo', m[2] ?? ''],
  ])
}

function urlJoin(d: GoMap): string {
  const get = (k: string): string => {
    const v = d.get(k)
    return v === undefined || v === null ? '' : strval(v)
  }
  let out = ''
  const scheme = get('scheme')
  if (scheme !== '') out += `${scheme}:`
  const host = get('host')
  const userinfo = get('userinfo')
  if (host !== '' || userinfo !== '') out += `//${userinfo === '' ? '' : `${userinfo}@`}${host}`
  const path = get('path')
  if (path !== '' && host !== '' && !path.startsWith('/')) out += '/'
  out += encodeURI(path).replace(/%25/g, '%')
  const query = get('query')
  if (query !== '') out += `?${query}`
  const fragment = get('fragment')
  if (fragment !== '') out += `#${encodeURIComponent(fragment).replace(/%2F/g, '/')}`
  return out
}
