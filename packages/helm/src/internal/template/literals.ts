// Go's literal syntax as text/template reads it: strconv.Unquote, strconv.ParseInt/ParseUint with
// base 0, strconv.ParseFloat, and the NumberNode rules of text/template/parse.

export class SyntaxError extends Error {}

const simpleEscapes: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
}

/** Reads one (possibly escaped) character at `i` of a quoted literal; returns it and the next index. */
function unquoteChar(s: string, i: number, quote: string): [string, number] {
  const c = s[i]
  if (c === undefined) throw new SyntaxError('invalid syntax')
  if (c === quote && quote !== '`') throw new SyntaxError('invalid syntax')
  if (c !== '\\') {
    const cp = s.codePointAt(i) ?? 0
    const ch = String.fromCodePoint(cp)
    return [ch, i + ch.length]
  }
  const e = s[i + 1]
  if (e === undefined) throw new SyntaxError('invalid syntax')
  const simple = simpleEscapes[e]
  if (simple !== undefined) return [simple, i + 2]
  if (e === quote) return [e, i + 2]
  const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0
  if (hexLen > 0) {
    const hex = s.slice(i + 2, i + 2 + hexLen)
    if (hex.length !== hexLen || !/^[0-9a-fA-F]+$/.test(hex)) throw new SyntaxError('invalid syntax')
    const v = Number.parseInt(hex, 16)
    if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) throw new SyntaxError('invalid syntax')
    return [String.fromCodePoint(v), i + 2 + hexLen]
  }
  if (e >= '0' && e <= '7') {
    const oct = s.slice(i + 1, i + 4)
    if (!/^[0-7]{3}$/.test(oct)) throw new SyntaxError('invalid syntax')
    const v = Number.parseInt(oct, 8)
    if (v > 255) throw new SyntaxError('invalid syntax')
    return [String.fromCodePoint(v), i + 4]
  }
  throw new SyntaxError('invalid syntax')
}

/** Go's `strconv.Unquote` for "…", `…` and '…'. */
export function unquote(text: string): string {
  const q = text[0]
  if (text.length < 2 || text[text.length - 1] !== q) throw new SyntaxError('invalid syntax')
  const body = text.slice(1, -1)
  if (q === '`') {
    if (body.includes('`')) throw new SyntaxError('invalid syntax')
    return body.replaceAll('\r', '')
  }
  if (q !== '"' && q !== "'") throw new SyntaxError('invalid syntax')
  if (body.includes('\n')) throw new SyntaxError('invalid syntax')
  // Nearly every string in a template has no escape: its text is its body.
  if (q === '"' && !body.includes('\\') && !body.includes('"')) return body
  let out = ''
  let i = 0
  while (i < body.length) {
    const [ch, next] = unquoteChar(body, i, q)
    out += ch
    i = next
  }
  if (q === "'" && Array.from(out).length !== 1) throw new SyntaxError('invalid syntax')
  return out
}

/** The rune of a character constant such as `'a'` or `'\n'`. */
export function charConstant(text: string): number {
  const [ch, next] = unquoteChar(text, 1, "'")
  if (text.slice(next) !== "'") throw new SyntaxError(`malformed character constant: ${text}`)
  return ch.codePointAt(0) ?? 0
}

function digitsValid(digits: string, re: RegExp, prefixed: boolean): boolean {
  if (digits === '' || !re.test(digits.replaceAll('_', ''))) return false
  if (!digits.includes('_')) return true
  // Underscores only between digits, or right after a base prefix.
  const check = prefixed ? `0${digits}` : digits
  return !/__|_$|^_/.test(check)
}

/** Go's `strconv.ParseInt(text, 0, 64)`-style parse without range check; undefined if not an integer. */
export function parseGoInteger(text: string): bigint | undefined {
  let s = text
  let neg = false
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-'
    s = s.slice(1)
  }
  let value: bigint
  const lower = s.toLowerCase()
  if (lower.startsWith('0x')) {
    if (!digitsValid(s.slice(2), /^[0-9a-fA-F]+$/, true)) return undefined
    value = BigInt(`0x${s.slice(2).replaceAll('_', '')}`)
  } else if (lower.startsWith('0o')) {
    if (!digitsValid(s.slice(2), /^[0-7]+$/, true)) return undefined
    value = BigInt(`0o${s.slice(2).replaceAll('_', '')}`)
  } else if (lower.startsWith('0b')) {
    if (!digitsValid(s.slice(2), /^[01]+$/, true)) return undefined
    value = BigInt(`0b${s.slice(2).replaceAll('_', '')}`)
  } else if (s.length > 1 && s[0] === '0') {
    if (!digitsValid(s.slice(1), /^[0-7]+$/, true)) return undefined
    value = BigInt(`0o${s.slice(1).replaceAll('_', '')}`)
  } else {
    if (!digitsValid(s, /^[0-9]+$/, false)) return undefined
    value = BigInt(s.replaceAll('_', ''))
  }
  return neg ? -value : value
}

/** Go's `strconv.ParseFloat(text, 64)` for the decimal and hex forms a template can hold. */
export function parseGoFloat(text: string): number | undefined {
  const s = text.replaceAll('_', '')
  // A digit run then an optional dot and digits, not two adjacent runs: the same numbers and
  // captures, where splitting a long run every way backtracked quadratically.
  if (/^[+-]?(\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(s)) return Number(s)
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s)
  if (hex !== null) {
    const [, sign = '', intPart = '', frac = '', exp = '0'] = hex
    if (intPart === '' && frac === '') return undefined
    const mantissa = Number.parseInt(`${intPart}${frac}` || '0', 16)
    const v = mantissa * 2 ** (Number(exp) - 4 * frac.length)
    return sign === '-' ? -v : v
  }
  return undefined
}

const int64Min = -(2n ** 63n)
const int64Max = 2n ** 63n - 1n
const uint64Max = 2n ** 64n - 1n

/** The numeric facets of a template number, as text/template's NumberNode computes them. */
export interface NumberFacets {
  isInt: boolean
  isUint: boolean
  isFloat: boolean
  isComplex: boolean
  int64: bigint
  uint64: bigint
  float64: number
}

/** Go's `Tree.newNumber`: which of int64, uint64, float64 a literal fits, or a SyntaxError. */
export function numberFacets(text: string, isChar: boolean): NumberFacets {
  const n: NumberFacets = {
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
  }
  if (isChar) {
    const r = BigInt(charConstant(text))
    return { ...n, isInt: true, isUint: true, isFloat: true, int64: r, uint64: r, float64: Number(r) }
  }
  if (text.endsWith('i')) {
    if (parseGoFloat(text.slice(0, -1)) !== undefined) return { ...n, isComplex: true }
  }
  const i = parseGoInteger(text)
  if (i !== undefined && i >= 0n && i <= uint64Max && text[0] !== '-') {
    n.isUint = true
    n.uint64 = i
  }
  if (i !== undefined && i >= int64Min && i <= int64Max) {
    n.isInt = true
    n.int64 = i
    if (i === 0n) {
      n.isUint = true
      n.uint64 = 0n
    }
  }
  if (n.isInt) {
    n.isFloat = true
    n.float64 = Number(n.int64)
  } else if (n.isUint) {
    n.isFloat = true
    n.float64 = Number(n.uint64)
  } else {
    const f = parseGoFloat(text)
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) throw new SyntaxError(`integer overflow: ${JSON.stringify(text)}`)
      n.isFloat = true
      n.float64 = f
      if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
        n.isInt = true
        n.int64 = BigInt(f)
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        n.isUint = true
        n.uint64 = BigInt(f)
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new SyntaxError(`illegal number syntax: ${JSON.stringify(text)}`)
  return n
}
