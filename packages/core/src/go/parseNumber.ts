// Go's strconv parsers (atoi.go, atof.go, atob.go): what Go accepts as a number or a bool, so that a
// value written for a Go tool (kustomize, sops, kube-apiserver) means the same here.

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

function lower(c: string): string {
  return c >= 'A' && c <= 'Z' ? String.fromCharCode(c.charCodeAt(0) + 32) : c
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9'
}

/**
 * strconv's `underscoreOK`: underscores may only separate digits, or follow a base prefix
 * (`0x_1`), never lead, trail or double.
 */
function underscoreOK(text: string): boolean {
  let s = text
  let saw = '^'
  let i = 0
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1)
  let hex = false
  if (s.length >= 2 && s[0] === '0' && ['b', 'o', 'x'].includes(lower(s[1] ?? ''))) {
    i = 2
    saw = '0'
    hex = lower(s[1] ?? '') === 'x'
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? ''
    if (isDigit(c) || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0'
      continue
    }
    if (c === '_') {
      if (saw !== '0') return false
      saw = '_'
      continue
    }
    if (saw === '_') return false
    saw = '!'
  }
  return saw !== '_'
}

/**
 * `strconv.ParseUint(text, base, 64)`. Base 0 reads the prefix (`0x`, `0o`, `0b`, or a leading `0`
 * for octal) and allows underscores between digits; bases 2 to 36 read digits only. Undefined on a
 * syntax or range error.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function parseUint64(text: string, base = 0): bigint | undefined {
  if (text === '' || !Number.isInteger(base) || base === 1 || base < 0 || base > 36) return undefined
  const base0 = base === 0
  let s = text
  let radix = base
  if (base0) {
    radix = 10
    if (s[0] === '0') {
      const p = s.length >= 3 ? lower(s[1] ?? '') : ''
      if (p === 'b') radix = 2
      else if (p === 'o') radix = 8
      else if (p === 'x') radix = 16
      else radix = 8
      s = radix === 8 && p !== 'o' ? s.slice(1) : s.slice(2)
    }
  }
  let value = 0n
  const r = BigInt(radix)
  let underscores = false
  for (const c of s) {
    let d: number
    if (c === '_' && base0) {
      underscores = true
      continue
    } else if (isDigit(c)) d = c.charCodeAt(0) - 0x30
    else if (lower(c) >= 'a' && lower(c) <= 'z') d = lower(c).charCodeAt(0) - 0x61 + 10
    else return undefined
    if (d >= radix) return undefined
    value = value * r + BigInt(d)
    if (value > UINT64_MAX) return undefined
  }
  if (underscores && !underscoreOK(text)) return undefined
  return value
}

/**
 * `strconv.ParseInt(text, base, 64)`: an optional sign, then {@link parseUint64}'s syntax, within
 * the int64 range. `parseInt64(s, 10)` is `strconv.Atoi` on a 64-bit platform.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function parseInt64(text: string, base = 0): bigint | undefined {
  if (text === '') return undefined
  let s = text
  let negative = false
  if (s[0] === '+') s = s.slice(1)
  else if (s[0] === '-') {
    negative = true
    s = s.slice(1)
  }
  const magnitude = parseUint64(s, base)
  if (magnitude === undefined) return undefined
  const value = negative ? -magnitude : magnitude
  return value < INT64_MIN || value > INT64_MAX ? undefined : value
}

// `[0-9_]+(?:\.[0-9_]*)?` is ParseFloat's `digits[.digits]`: written as `[0-9_]+\.?[0-9_]*`, two
// adjacent runs with nothing between them when there is no dot, a failing text of n digits was tried
// in n² ways (a megabyte of digits then a letter took minutes).
const decimalFloat = /^[-+]?(?:[0-9_]+(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9_]+)?$/
const hexFloat = /^([-+]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([-+]?[0-9_]+)$/

function special(text: string): number | undefined {
  let s = text
  let sign = 1
  let signed = false
  if (s[0] === '+' || s[0] === '-') {
    sign = s[0] === '-' ? -1 : 1
    signed = true
    s = s.slice(1)
  }
  const l = s.toLowerCase()
  if (l === 'inf' || l === 'infinity') return sign * Number.POSITIVE_INFINITY
  if (!signed && l === 'nan') return Number.NaN
  return undefined
}

/** mantissa × 2^exp, rounded once (to the nearest float64) where the result is normal. */
function hexValue(mantissa: bigint, exp: number): number {
  if (mantissa === 0n) return 0
  let m = mantissa
  let e = exp
  // At most 64 significant bits, with a sticky bit for what was dropped, so that the one rounding of
  // Number() is the rounding of the exact value (a longer mantissa alone would reach Infinity).
  const bits = m.toString(2).length
  if (bits > 64) {
    const drop = BigInt(bits - 64)
    const sticky = (m & ((1n << drop) - 1n)) !== 0n ? 1n : 0n
    m = ((m >> drop) << 1n) | sticky
    e += bits - 64 - 1
  }
  if (e > 2000) return Number.POSITIVE_INFINITY
  if (e < -2200) return 0
  // In two halves, so that 2^e alone cannot overflow or underflow where the product does not.
  const half = Math.trunc(e / 2)
  return Number(m) * 2 ** half * 2 ** (e - half)
}

/**
 * `strconv.ParseFloat(text, 64)`: decimal and hexadecimal (`0x1.8p3`) floats with underscores
 * between digits, and `inf`, `infinity`, `nan` in any case. Undefined on a syntax error and on a
 * range error (a finite text beyond float64, such as `1e400`), as callers of ParseFloat treat both
 * as failure. Values below the smallest subnormal read as zero, as in Go.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function parseFloat64(text: string): number | undefined {
  const sp = special(text)
  if (sp !== undefined) return sp
  if (text.includes('_') && !underscoreOK(text)) return undefined
  let value: number
  if (decimalFloat.test(text)) {
    const plain = text.replaceAll('_', '')
    if (!/[0-9]/.test(plain)) return undefined
    value = Number(plain)
  } else {
    const m = hexFloat.exec(text)
    if (m === null) return undefined
    const [, sign = '', int = '', frac = '', exp = '0'] = m
    const digits = (int + frac).replaceAll('_', '')
    if (digits === '') return undefined
    value = hexValue(BigInt(`0x${digits}`), Number(exp.replaceAll('_', '')) - 4 * frac.replaceAll('_', '').length)
    if (sign === '-') value = -value
  }
  return Number.isFinite(value) ? value : undefined
}

/**
 * `strconv.ParseBool`: `1 t T TRUE true True` and `0 f F FALSE false False`; undefined otherwise.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function parseBool(text: string): boolean | undefined {
  switch (text) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false
    default:
      return undefined
  }
}
