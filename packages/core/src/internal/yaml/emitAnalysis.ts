// What the emitter (emit.ts) decides about a scalar before writing it: go-yaml v2.4.0's choice of
// style (encode.go stringv) and its scalar analysis (emitterc.go yaml_emitter_analyze_scalar), for
// the block context only: documents printed from JSON-shaped values never enter a flow collection.
// Most strings are printable ASCII, for which a few native regular expression tests give the
// analysis's answer; the rest are read a code point at a time as go-yaml reads runes.
import { needsQuotesV2 } from '../../yaml/resolve11.js'

export type Style = 'plain' | 'single' | 'double' | 'literal'

/** Which styles can carry a text unchanged. */
export interface Analysis {
  readonly multiline: boolean
  readonly blockPlainAllowed: boolean
  readonly singleQuotedAllowed: boolean
  readonly blockAllowed: boolean
  /** Printable ASCII with `\n` as the only break: one column per unit, no other break, no surrogate. */
  readonly ascii: boolean
}

/** Short, plain-safe text made of letters, digits and `_./-` (the style is decided already). */
const simple = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,59}$/

/** Words go-yaml v2 reads as something other than a string (it quotes them on output). */
const ambiguousWords: ReadonlySet<string> = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  'null', 'Null', 'NULL',
])

/** A short text of letters, digits and `._/-`: every style check passes and nothing can fold. */
export function isSimple(value: string): boolean {
  return simple.test(value)
}

/** {@link isSimple}, not starting with a digit and no YAML 1.1 word: written as it is (the common case by far). */
export function isPlainWord(value: string): boolean {
  if (!simple.test(value)) return false
  const c = value.charCodeAt(0)
  // (No word of ambiguousWords is longer than five: longer texts skip hashing for the lookup.)
  return !(c >= 0x30 && c <= 0x39) && (value.length > 5 || !ambiguousWords.has(value))
}

/**
 * encode.go stringv for a text that is no {@link isPlainWord}: literal for multi-line text,
 * plain when it would read back as a string, else double-quoted.
 */
export function stringStyle(value: string): Style {
  // (The empty text first: reading a character past the end would throw optimised code away.)
  if (value.length === 0) return 'double'
  if (value.includes('\n')) return 'literal'
  // A text longer than every word a resolver reads as no string (`false`, `.NaN`), starting
  // with a letter, is a string to go-yaml v2: no number, timestamp or base-60 starts with one.
  const c = value.charCodeAt(0)
  if (value.length > 5 && ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) return 'plain'
  return needsQuotesV2(value) ? 'double' : 'plain'
}

/** Printable ASCII without spaces, quotes or backslashes. */
export function isQuotableAsIs(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) return false
  }
  return true
}

export function hasLineBreak(value: string): boolean {
  return /[\n\r\u0085\u2028\u2029]/.test(value)
}

/** Whether the text holds a line break other than \n. */
export function hasOtherBreak(value: string): boolean {
  return /[\r\u0085\u2028\u2029]/.test(value)
}

export function isBreak(c: string): boolean {
  return c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029'
}

function isBreakCode(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029
}

export function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  )
}

/** Printable ASCII on one line. */
const ASCII_LINE = /^[ -~]+$/
/** Printable ASCII over several lines (\n breaks only). */
const ASCII_LINES = /^[ -~\n]+$/
/**
 * For printable ASCII on one line, whether plain style is possible in a block: no space first or
 * last, no document marker, no indicator first, no `? `/`- ` first, no `: ` or final `:`, no ` #`.
 * (A few native searches: one regular expression of these alternatives tried them at every position.)
 */
function asciiBlockPlain(value: string): boolean {
  const c = value.charCodeAt(0)
  const n = value.length
  const last = value.charCodeAt(n - 1)
  if (c === 0x20 || last === 0x20 || last === 0x3a || isFirstIndicator(c)) return false
  if ((c === 0x3f || c === 0x2d) && (n === 1 || value.charCodeAt(1) === 0x20)) return false
  if (n >= 3 && (value.startsWith('---') || value.startsWith('...'))) return false
  return !value.includes(': ') && !value.includes(' #')
}

/** Every answer, allocated once, by its flags (see MULTILINE and below). */
const ANALYSES: readonly Analysis[] = Array.from({ length: 32 }, (_, i) => ({
  multiline: (i & 8) !== 0,
  blockPlainAllowed: (i & 4) !== 0,
  singleQuotedAllowed: (i & 2) !== 0,
  blockAllowed: (i & 1) !== 0,
  ascii: (i & 16) !== 0,
}))

const ASCII = 16
const MULTILINE = 8
const BLOCK_PLAIN = 4
const SINGLE_QUOTED = 2
const BLOCK = 1

/** The answer whose flags are set in `bits`. */
function analysis(bits: number): Analysis {
  return ANALYSES[bits] as Analysis
}

/** yaml_emitter_analyze_scalar: which styles can carry this text unchanged. */
export function analyze(value: string): Analysis {
  if (value.length === 0) return analysis(ASCII | BLOCK_PLAIN | SINGLE_QUOTED)
  if (ASCII_LINE.test(value)) {
    // No break and nothing special: only leading and trailing spaces and indicators matter.
    return analysis(ASCII | (asciiBlockPlain(value) ? BLOCK_PLAIN : 0) | SINGLE_QUOTED | (value.charCodeAt(value.length - 1) === 0x20 ? 0 : BLOCK))
  }
  if (ASCII_LINES.test(value)) {
    // Breaks: never plain; a space before a break (or last) rules out a block, one after a
    // break or before one rules out single quotes.
    const spaceBreak = value.includes(' \n')
    if (spaceBreak) return analysis(ASCII | MULTILINE)
    return analysis(ASCII | MULTILINE | (value.includes('\n ') ? 0 : SINGLE_QUOTED) | (value.charCodeAt(value.length - 1) === 0x20 ? 0 : BLOCK))
  }
  return analyzeRunes(value)
}

/** {@link analyze} a code point at a time, as go-yaml's runes (a lone surrogate counts as one). */
export function analyzeRunes(value: string): Analysis {
  let blockIndicators = value.startsWith('---') || value.startsWith('...')
  let lineBreaks = false
  let specialCharacters = false
  let leadingSpace = false
  let leadingBreak = false
  let trailingSpace = false
  let trailingBreak = false
  let breakSpace = false
  let spaceBreak = false
  let previousSpace = false
  let previousBreak = false
  let precededByWhitespace = true
  let ascii = true
  const length = value.length
  for (let i = 0; i < length; ) {
    // A UTF-16 unit is the rune except at a high surrogate; the next unit is enough to tell
    // whether whitespace follows.
    let c = value.charCodeAt(i)
    let end = i + 1
    if (c >= 0xd800 && c <= 0xdbff) {
      c = value.codePointAt(i) as number
      if (c > 0xffff) end++
    }
    const next = end < length ? value.charCodeAt(end) : -1
    const followedByWhitespace = next === -1 || next === 0x20 || next === 0x09
    const last = end >= length
    if (i === 0) {
      if (isFirstIndicator(c)) blockIndicators = true
      else if ((c === 0x3f || c === 0x3a || c === 0x2d) && followedByWhitespace) blockIndicators = true
    } else if ((c === 0x3a && followedByWhitespace) || (c === 0x23 && precededByWhitespace)) {
      blockIndicators = true
    }
    if (!isPrintable(c)) specialCharacters = true
    if (c > 0x7e || (c < 0x20 && c !== 0x0a)) ascii = false
    const isBreakChar = isBreakCode(c)
    if (c === 0x20) {
      if (i === 0) leadingSpace = true
      if (last) trailingSpace = true
      if (previousBreak) breakSpace = true
      previousSpace = true
      previousBreak = false
    } else if (isBreakChar) {
      lineBreaks = true
      if (i === 0) leadingBreak = true
      if (last) trailingBreak = true
      if (previousSpace) spaceBreak = true
      previousSpace = false
      previousBreak = true
    } else {
      previousSpace = false
      previousBreak = false
    }
    precededByWhitespace = c === 0x20 || c === 0x09 || c === 0 || isBreakChar
    i = end
  }
  const plainAllowed = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak || specialCharacters || lineBreaks || blockIndicators)
  const singleQuoted = !(breakSpace || spaceBreak || specialCharacters)
  const block = !(trailingSpace || spaceBreak || specialCharacters)
  return analysis((ascii ? ASCII : 0) | (lineBreaks ? MULTILINE : 0) | (plainAllowed ? BLOCK_PLAIN : 0) | (singleQuoted ? SINGLE_QUOTED : 0) | (block ? BLOCK : 0))
}

/** Characters that are an indicator when they start a scalar, whatever follows. */
function isFirstIndicator(c: number): boolean {
  switch (c) {
    case 0x23: // #
    case 0x2c: // ,
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case 0x27: // '
    case 0x22: // "
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
      return true
    default:
      return false
  }
}

const lettersOnly = /^[A-Za-z]+$/

/**
 * Whether the keys are letters only and ascending already, as in most manifests written by tools:
 * go-yaml v2's order is then the order of code units, and sorting would change nothing.
 */
export function inLetterOrder(keys: readonly string[]): boolean {
  let previous = ''
  for (const key of keys) {
    if (key <= previous || !lettersOnly.test(key)) return false
    previous = key
  }
  return true
}

export function codePointLength(value: string): number {
  let n = value.length
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) n--
  }
  return n
}

/** Whether the text holds a high surrogate (where a column is not one UTF-16 unit). */
export function hasSurrogate(value: string): boolean {
  return /[\ud800-\udbff]/.test(value)
}
