// The scalar writers of the emitter (emit.ts): go-yaml v2.4.0's yaml_emitter_write_plain_scalar,
// _single_quoted_, _double_quoted_ and _literal_, with the same columns, folds and escapes. The
// common texts (no surrogates, \n as the only break) are written a run at a time: the places to
// fold are found with indexOf and a literal block is indented with one replace, so that the work
// is native even before V8 optimises this code; the rest goes a character at a time as go-yaml does.
import { codePointLength, hasOtherBreak, hasSurrogate, isBreak, isPrintable, isQuotableAsIs } from './emitAnalysis.js'

const BEST_INDENT = 2
const BEST_WIDTH = 80

/** The emitter's output and position, as the writers read and move them. */
export interface EmitterState {
  out: string
  column: number
  indent: number
  whitespace: boolean
  indention: boolean
  /** yaml_emitter_write_indent. */
  writeIndent(): void
}

export function put(e: EmitterState, text: string): void {
  e.out += text
  e.column += 1
}

function putBreak(e: EmitterState): void {
  e.out += '\n'
  e.column = 0
}

type IndicatorFlags = readonly [needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean]

// Indicator flags, allocated once.
export const ITEM_FLAGS: IndicatorFlags = [true, false, true]
export const VALUE_FLAGS: IndicatorFlags = [false, false, false]
const QUOTE_FLAGS: IndicatorFlags = [true, false, false]

/** yaml_emitter_write_indicator; `flags` is need_whitespace, is_whitespace, is_indention. */
export function writeIndicator(e: EmitterState, indicator: string, flags: IndicatorFlags): void {
  if (flags[0] && !e.whitespace) put(e, ' ')
  e.out += indicator
  e.column += indicator.length
  e.whitespace = flags[1]
  e.indention = e.indention && flags[2]
}

/**
 * Writes `text` (no line breaks, no surrogates: one column per unit), folding at a space after
 * column 80 that has no space on either side, as the plain and single-quoted writers do;
 * `interior` also keeps the first and the last unit from folding (single-quoted).
 */
function writeFolded(e: EmitterState, text: string, interior: boolean): void {
  const last = text.length - 1
  let start = 0
  // The column of unit i is base + i - lineStart.
  let base = e.column
  let lineStart = 0
  for (;;) {
    let i = text.indexOf(' ', Math.max(lineStart + BEST_WIDTH + 1 - base, lineStart))
    while (i >= 0 && ((i > 0 && text.charCodeAt(i - 1) === 0x20) || (i < last && text.charCodeAt(i + 1) === 0x20) || (interior && (i === 0 || i === last)))) {
      i = text.indexOf(' ', i + 1)
    }
    if (i < 0) break
    e.out += text.slice(start, i)
    e.indention = false
    e.writeIndent()
    base = e.column
    start = i + 1
    lineStart = i + 1
  }
  e.out += start === 0 ? text : text.slice(start)
  e.column = base + text.length - lineStart
}

/** What a writer may do and knows about its text, as bits: {@link ALLOW_BREAKS}, {@link ASCII_TEXT}. */
export type TextFlags = number
/** The writer may fold the text (not a simple key). */
export const ALLOW_BREAKS = 1
/** The text is printable ASCII with `\n` the only break (see Analysis): no surrogate, one column per unit. */
export const ASCII_TEXT = 2

export function writePlain(e: EmitterState, value: string, flags: TextFlags): void {
  const allowBreaks = (flags & ALLOW_BREAKS) !== 0
  const ascii = (flags & ASCII_TEXT) !== 0
  if (!e.whitespace) put(e, ' ')
  if (!allowBreaks || !value.includes(' ')) {
    // Without a space there is nowhere to fold (plain scalars hold no line breaks).
    e.out += value
    e.column += ascii ? value.length : codePointLength(value)
  } else if (ascii || !hasSurrogate(value)) {
    writeFolded(e, value, false)
  } else {
    // A character at a time; the column counts code points as go-yaml does.
    let spaces = false
    let start = 0
    let column = e.column
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i)
      if (c === 0x20) {
        if (!spaces && column > BEST_WIDTH && value.charCodeAt(i + 1) !== 0x20) {
          e.out += value.slice(start, i)
          e.column = column
          e.indention = false
          e.writeIndent()
          column = e.column
          start = i + 1
        } else {
          column++
        }
        spaces = true
      } else {
        if (c < 0xd800 || c > 0xdbff) column++
        spaces = false
      }
    }
    e.out += value.slice(start)
    e.column = column
  }
  e.whitespace = false
  e.indention = false
}

export function writeSingleQuoted(e: EmitterState, value: string, flags: TextFlags): void {
  const allowBreaks = (flags & ALLOW_BREAKS) !== 0
  writeIndicator(e, "'", QUOTE_FLAGS)
  if ((flags & ASCII_TEXT) !== 0 ? !value.includes('\n') : !/[\n\r\u0085\u2028\u2029\ud800-\udbff]/.test(value)) {
    // One line, one column per unit: a quote is written twice, so fold the doubled text.
    const text = value.includes("'") ? value.replaceAll("'", "''") : value
    if (allowBreaks) writeFolded(e, text, true)
    else {
      e.out += text
      e.column += text.length
    }
  } else {
    writeSingleQuotedChars(e, value, allowBreaks)
  }
  writeIndicator(e, "'", VALUE_FLAGS)
  e.whitespace = false
  e.indention = false
}

/** The single-quoted writer a character at a time (line breaks, surrogates). */
function writeSingleQuotedChars(e: EmitterState, value: string, allowBreaks: boolean): void {
  const chars = Array.from(value)
  let spaces = false
  let breaks = false
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string
    if (c === ' ') {
      if (allowBreaks && !spaces && e.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ') {
        e.writeIndent()
      } else {
        put(e, c)
      }
      spaces = true
    } else if (isBreak(c)) {
      if (!breaks && c === '\n') putBreak(e)
      writeBreak(e, c)
      e.indention = true
      breaks = true
    } else {
      if (breaks) e.writeIndent()
      if (c === "'") put(e, "'")
      put(e, c)
      e.indention = false
      spaces = false
      breaks = false
    }
  }
}

export function writeDoubleQuoted(e: EmitterState, value: string, allowBreaks: boolean): void {
  writeIndicator(e, '"', QUOTE_FLAGS)
  if (isQuotableAsIs(value)) {
    // Printable ASCII without spaces, quotes or backslashes: nothing to escape, nowhere to fold.
    e.out += value
    e.column += value.length
  } else {
    const chars = Array.from(value)
    const bom = value.charCodeAt(0) === 0xfeff
    let spaces = false
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as string
      const cp = c.codePointAt(0) ?? 0
      if (!isPrintable(cp) || bom || isBreak(c) || c === '"' || c === '\\') {
        put(e, '\\')
        writeEscape(e, cp)
        spaces = false
      } else if (c === ' ') {
        if (allowBreaks && !spaces && e.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          e.writeIndent()
          if (chars[i + 1] === ' ') put(e, '\\')
        } else {
          put(e, c)
        }
        spaces = true
      } else {
        put(e, c)
        spaces = false
      }
    }
  }
  writeIndicator(e, '"', VALUE_FLAGS)
  e.whitespace = false
  e.indention = false
}

const shortEscapes = new Map<number, string>([
  [0x00, '0'],
  [0x07, 'a'],
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0b, 'v'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x1b, 'e'],
  [0x22, '"'],
  [0x5c, '\\'],
  [0x85, 'N'],
  [0xa0, '_'],
  [0x2028, 'L'],
  [0x2029, 'P'],
])

function writeEscape(e: EmitterState, cp: number): void {
  const short = shortEscapes.get(cp)
  if (short !== undefined) {
    put(e, short)
    return
  }
  const [letter, width] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8]
  put(e, letter)
  const hex = cp.toString(16).toUpperCase().padStart(width, '0')
  for (const digit of hex) put(e, digit)
}

/** Runs of spaces for indentation, by length. */
export const SPACES: readonly string[] = Array.from({ length: 65 }, (_, n) => ' '.repeat(n))

/** A line break and then a run of spaces, by the number of spaces. */
export const BREAK_SPACES: readonly string[] = SPACES.map((spaces) => `\n${spaces}`)

/** The start of every line that is not empty. */
const LINE_START = /^(?=[^\n])/gm

/** `ascii`: the text is printable ASCII (see Analysis): `\n` the only break, one column per unit. */
export function writeLiteral(e: EmitterState, value: string, ascii: boolean): void {
  writeIndicator(e, '|', QUOTE_FLAGS)
  writeBlockScalarHints(e, value)
  putBreak(e)
  e.indention = true
  e.whitespace = true
  if (!ascii && hasOtherBreak(value)) {
    writeLiteralChars(e, value)
    return
  }
  // Only \n breaks (the usual case): every line that is not empty is indented (the column is 0
  // after each break, so writeIndent only pads), in one native replace.
  const indent = Math.max(e.indent, 0)
  const pad = indent < SPACES.length ? (SPACES[indent] as string) : ' '.repeat(indent)
  e.out += indent === 0 ? value : indentLines(value, pad)
  const start = value.lastIndexOf('\n') + 1
  if (start === value.length) {
    e.column = 0
    e.indention = true
  } else {
    e.column = indent + (ascii ? value.length - start : codePointLength(value.slice(start)))
    e.indention = false
  }
}

/**
 * `pad` before every line of `text` that is not empty (lines end at \n). Without empty lines
 * inside (the usual case) that is a pad first and one after every break but a final one, which
 * a plain replaceAll does (far quicker than a regular expression matching at every line start).
 */
function indentLines(text: string, pad: string): string {
  if (text.charCodeAt(0) === 0x0a || text.includes('\n\n')) return text.replace(LINE_START, pad)
  const breakPad = `\n${pad}`
  const n = text.length
  if (text.charCodeAt(n - 1) !== 0x0a) return pad + text.replaceAll('\n', breakPad)
  return `${pad}${text.slice(0, n - 1).replaceAll('\n', breakPad)}\n`
}

/** The literal writer a character at a time (breaks other than \n). */
function writeLiteralChars(e: EmitterState, value: string): void {
  let breaks = true
  for (const c of value) {
    if (isBreak(c)) {
      writeBreak(e, c)
      e.indention = true
      breaks = true
    } else {
      if (breaks) e.writeIndent()
      put(e, c)
      e.indention = false
      breaks = false
    }
  }
}

function writeBlockScalarHints(e: EmitterState, value: string): void {
  const first = value.charCodeAt(0)
  if (first === 0x20 || isBreakUnit(first)) writeIndicator(e, String(BEST_INDENT), VALUE_FLAGS)
  // Breaks are single UTF-16 units, so the last two units tell what the last two runes would.
  const n = value.length
  let chomp = ''
  if (n === 0 || !isBreakUnit(value.charCodeAt(n - 1))) chomp = '-'
  else if (n === 1 || isBreakUnit(value.charCodeAt(n - 2))) chomp = '+'
  if (chomp !== '') writeIndicator(e, chomp, VALUE_FLAGS)
}

function isBreakUnit(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029
}

function writeBreak(e: EmitterState, c: string): void {
  if (c === '\n') {
    putBreak(e)
  } else {
    e.out += c
    e.column = 0
  }
}
