// The scalar writers of the emitter (emit.ts): go-yaml v2.4.0's yaml_emitter_write_plain_scalar,
// _single_quoted_ and _double_quoted_, with the same columns, folds and escapes (the literal
// writer is in emitLiteral.ts). The common texts (no surrogates, \n as the only break) are written
// a run at a time: the places to fold are found with indexOf, so that the work is native even
// before V8 optimises this code; the rest goes a character at a time as go-yaml does.
import { codePointLength, hasSurrogate, isBreak, isPrintable, isQuotableAsIs } from './emitAnalysis.js'

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

export function putBreak(e: EmitterState): void {
  e.out += '\n'
  e.column = 0
}

export type IndicatorFlags = readonly [needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean]

// Indicator flags, allocated once.
/** How far a nested block is indented (yaml.v3's best_indent). */
export const BEST_INDENT = 2
export const ITEM_FLAGS: IndicatorFlags = [true, false, true]
export const VALUE_FLAGS: IndicatorFlags = [false, false, false]
export const QUOTE_FLAGS: IndicatorFlags = [true, false, false]

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

export function writeBreak(e: EmitterState, c: string): void {
  if (c === '\n') {
    putBreak(e)
  } else {
    e.out += c
    e.column = 0
  }
}
