// Go's fmt verbs for one operand kind each (fmt/format.go): padding, integers in every base,
// runes, floats and strings, with the flags, width and precision a verb carries.
import { formatFloat, formatHexFloat } from './floats.js'
import { canBackquote, goQuote } from './lex.js'

export interface Flags {
  plus: boolean
  minus: boolean
  sharp: boolean
  space: boolean
  zero: boolean
  width: number | undefined
  prec: number | undefined
  /** %+v and %#v, which change composite printing rather than numbers. */
  plusV: boolean
  sharpV: boolean
  /** Nesting inside composites (a pointer prints as &{...} only at the top). */
  depth?: number
}

/** Flags of a verb written without any (`%v`), shared by callers that only read them. */
export const NO_FLAGS: Flags = noFlags()

export function noFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    width: undefined,
    prec: undefined,
    plusV: false,
    sharpV: false,
  }
}

function runeLength(s: string): number {
  return Array.from(s).length
}

/**
 * How the `0` flag pads: with zeros on the left of the text (`text`, fmt's pad), not at all
 * (`none`), or after a float's sign (`signed`, as fmtFloat writes it). A string's leading space or
 * dash is text, with the zeros before it.
 */
export type ZeroPad = 'text' | 'none' | 'signed'

/** Pads `s` to the width of `f`, on the right under `-`, with zeros as `zero` says under `0`. */
export function pad(s: string, f: Flags, zero: ZeroPad = 'text'): string {
  const width = f.width
  if (width === undefined) return s
  const n = runeLength(s)
  if (n >= width) return s
  const fill = width - n
  if (f.minus) return s + ' '.repeat(fill)
  if (f.zero && zero !== 'none') {
    const sign = zero === 'signed' && /^[+\- ]/.test(s) ? s.charAt(0) : ''
    return sign + '0'.repeat(fill) + s.slice(sign.length)
  }
  return ' '.repeat(fill) + s
}

export function fmtInteger(v: bigint, verb: string, f: Flags): string {
  const neg = v < 0n
  const a = neg ? -v : v
  let digits: string
  let prefix = ''
  switch (verb) {
    case 'd':
    case 'v':
      digits = a.toString(10)
      break
    case 'b':
      digits = a.toString(2)
      if (f.sharp) prefix = '0b'
      break
    case 'o':
    case 'O':
      digits = a.toString(8)
      if (verb === 'O') prefix = '0o'
      else if (f.sharp && digits[0] !== '0') prefix = '0'
      break
    case 'x':
      digits = a.toString(16)
      if (f.sharp) prefix = '0x'
      break
    case 'X':
      digits = a.toString(16).toUpperCase()
      if (f.sharp) prefix = '0X'
      break
    default:
      digits = ''
  }
  if (f.prec !== undefined) {
    if (f.prec === 0 && a === 0n) digits = ''
    if (digits.length < f.prec) digits = '0'.repeat(f.prec - digits.length) + digits
  } else if (f.zero && !f.minus && f.width !== undefined) {
    const signLen = neg || f.plus || f.space ? 1 : 0
    const want = f.width - signLen - prefix.length
    if (digits.length < want) digits = '0'.repeat(want - digits.length) + digits
  }
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : ''
  return pad(sign + prefix + digits, f, 'none')
}

export function fmtUnicode(v: bigint, f: Flags): string {
  // fmtUnicode works on the uint64 of the operand, so -2 prints as U+FFFFFFFFFFFFFFFE.
  let hex = BigInt.asUintN(64, v).toString(16).toUpperCase()
  const prec = Math.max(f.prec ?? 4, 4)
  if (hex.length < prec) hex = '0'.repeat(prec - hex.length) + hex
  let s = `U+${hex}`
  if (f.sharp && v >= 0n && v <= 0x10ffffn) {
    const cp = Number(v)
    if (isPrintRune(cp)) s += ` '${String.fromCodePoint(cp)}'`
  }
  return pad(s, f, 'none')
}

function isPrintRune(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || cp === 0xad) return false
  if (cp >= 0xd800 && cp <= 0xdfff) return false
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]/u.test(String.fromCodePoint(cp))
}

export function runeOf(v: bigint): string {
  if (v < 0n || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn)) return '\ufffd'
  return String.fromCodePoint(Number(v))
}

export function quoteRune(v: bigint): string {
  const ch = runeOf(v)
  if (ch === "'") return "'\\''"
  if (ch === '"') return `'"'`
  const q = goQuote(ch)
  return `'${q.slice(1, -1)}'`
}

export function fmtFloatVerb(v: number, verb: string, f: Flags): string | undefined {
  let s: string
  switch (verb) {
    case 'v':
      s = formatFloat(v, 'g', f.prec ?? -1)
      break
    case 'g':
    case 'G':
      s = formatFloat(v, verb, f.prec ?? -1)
      break
    case 'e':
    case 'E':
    case 'f':
      s = formatFloat(v, verb, f.prec ?? 6)
      break
    case 'F':
      s = formatFloat(v, 'f', f.prec ?? 6)
      break
    case 'x':
    case 'X':
      s = formatHexFloat(v, verb, f.prec ?? -1)
      break
    default:
      return undefined
  }
  if (f.sharp) {
    // %#g keeps trailing zeros and always shows a point; approximate Go for the common cases.
    if (!s.includes('.') && !/[eE]|Inf|NaN/.test(s)) s += '.'
  }
  if (!s.startsWith('-') && !s.startsWith('+')) {
    if (f.plus) s = `+${s}`
    else if (f.space) s = ` ${s}`
  } else if (s.startsWith('+') && !f.plus && (s !== '+Inf' || f.space)) {
    // Go drops the sign of a positive number unless asked for it, but keeps +Inf's (a space replaces it under % ).
    s = f.space ? ` ${s.slice(1)}` : s.slice(1)
  }
  const special = /Inf|NaN/.test(s)
  return pad(s, f, special ? 'none' : 'signed')
}

export function fmtString(s: string, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
    case 's': {
      if (f.prec !== undefined) s = Array.from(s).slice(0, f.prec).join('')
      return pad(s, f)
    }
    case 'q': {
      if (f.prec !== undefined) s = Array.from(s).slice(0, f.prec).join('')
      if (f.sharp && canBackquote(s)) return pad(`\`${s}\``, f)
      return pad(f.plus ? asciiQuote(s) : goQuote(s), f)
    }
    case 'x':
    case 'X': {
      let bytes: Buffer = Buffer.from(s, "utf8")
      if (f.prec !== undefined) bytes = bytes.subarray(0, f.prec)
      const parts: string[] = []
      for (const b of bytes) {
        let h = b.toString(16).padStart(2, '0')
        if (verb === 'X') h = h.toUpperCase()
        parts.push(h)
      }
      const pre = verb === 'X' ? '0X' : '0x'
      let out: string
      if (f.space) out = parts.map((p) => (f.sharp ? pre + p : p)).join(' ')
      else out = (f.sharp && parts.length > 0 ? pre : '') + parts.join('')
      return pad(out, f)
    }
    default:
      return undefined
  }
}

function asciiQuote(s: string): string {
  const q = goQuote(s)
  let out = ''
  for (const ch of q) {
    const cp = ch.codePointAt(0) ?? 0
    if (cp < 0x80) out += ch
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`
    else out += `\\U${cp.toString(16).padStart(8, '0')}`
  }
  return out
}
