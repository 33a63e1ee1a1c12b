// The items of Go's text/template lexer (text/template/parse/lex.go, Go 1.24): their types,
// keywords, and how Go prints an item, a rune or a string in messages.
import { quote } from '@gitops-sdk/core/go'

export type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'EOF'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  | 'comment'
  // keywords
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'range'
  | 'nil'
  | 'template'
  | 'with'

export interface Item {
  readonly typ: ItemType
  /** Offset in UTF-16 code units of the item in the input. */
  readonly pos: number
  readonly val: string
  readonly line: number
}

/** The words Go lexes as keywords, by their text. */
export const keywords: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['.', 'dot'],
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['range', 'range'],
  ['nil', 'nil'],
  ['template', 'template'],
  ['with', 'with'],
])

const keywordTypes: ReadonlySet<ItemType> = new Set(keywords.values())

/** Whether an item is a keyword (Go prints those as `<val>`). */
export function isKeyword(typ: ItemType): boolean {
  return keywordTypes.has(typ)
}

/** Go's `item.String()`, used in "unexpected X in Y" messages. */
export function itemString(item: Item): string {
  if (item.typ === 'EOF') return 'EOF'
  if (item.typ === 'error') return item.val
  if (isKeyword(item.typ)) return `<${item.val}>`
  if (item.val.length > 10) return `${goQuote(item.val).slice(0, 11)}...`
  return goQuote(item.val)
}

/** Go's `%#U`: `U+0023 '#'`. */
export function formatUnicode(cp: number): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, '0')
  const printable = cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0)
  return printable ? `U+${hex} '${String.fromCodePoint(cp)}'` : `U+${hex}`
}

/** Go's `strconv.Quote` (core owns the port). */
export const goQuote: (text: string) => string = quote

/**
 * Go's `strconv.CanBackquote`: whether `s` can be written between backquotes unchanged, as `%#q`
 * and regexp's `Compile(…)` panic write it when they can. Not when it holds a backquote, a control
 * character other than tab, DEL, the byte-order mark U+FEFF, or a lone surrogate (where Go's
 * string holds invalid UTF-8).
 */
export function canBackquote(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if ((c < 0x20 && c !== 0x09) || c === 0x60 || c === 0x7f || c === 0xfeff) return false
    if (c >= 0xd800 && c <= 0xdbff) {
      if (i + 1 >= s.length || (s.charCodeAt(i + 1) & 0xfc00) !== 0xdc00) return false
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) return false
  }
  return true
}

/** Go's isSpace in the lexer: space, tab, CR, LF. */
export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n'
}

/** A letter, a digit or `_`, as Go's lexer reads identifiers. */
export function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false
  // ASCII first: nearly every identifier is, and the Unicode class test is slow per character.
  const code = c.charCodeAt(0)
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f
  return /[\p{L}\p{Nd}]/u.test(c)
}

/**
 * Scans a number starting at `at` as Go's lexer does (sign, base prefix, digits with `_`, fraction,
 * exponent, `i`); `ok` is false when a letter or digit follows it (which is consumed).
 */
export function scanNumberAt(input: string, at: number): { end: number; ok: boolean } {
  let pos = at
  const accept = (valid: string): boolean => {
    const c = input[pos]
    if (c !== undefined && valid.includes(c)) {
      pos++
      return true
    }
    return false
  }
  const acceptRun = (valid: string): void => {
    while (accept(valid)) {
      /* keep going */
    }
  }
  accept('+-')
  let digits = '0123456789_'
  if (accept('0')) {
    if (accept('xX')) digits = '0123456789abcdefABCDEF_'
    else if (accept('oO')) digits = '01234567_'
    else if (accept('bB')) digits = '01_'
  }
  acceptRun(digits)
  if (accept('.')) acceptRun(digits)
  if (digits.length === 11 && accept('eE')) {
    accept('+-')
    acceptRun('0123456789_')
  }
  if (digits.length === 23 && accept('pP')) {
    accept('+-')
    acceptRun('0123456789_')
  }
  accept('i')
  if (pos < input.length) {
    const c = String.fromCodePoint(input.codePointAt(pos) ?? 0)
    if (isAlphaNumeric(c)) return { end: pos + c.length, ok: false }
  }
  return { end: pos, ok: true }
}
