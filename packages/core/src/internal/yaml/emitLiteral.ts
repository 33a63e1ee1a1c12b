// The literal block writer of the emitter (emit.ts): go-yaml v2.4.0's yaml_emitter_write_literal_scalar
// and its block scalar hints (indentation and chomping indicators). The common text (\n the only
// break) is indented in one native pass; the rest goes a character at a time as go-yaml does.
import { codePointLength, hasOtherBreak, isBreak } from './emitAnalysis.js'
import type { EmitterState } from './emitWriters.js'
import { BEST_INDENT, put, putBreak, QUOTE_FLAGS, SPACES, VALUE_FLAGS, writeBreak, writeIndicator } from './emitWriters.js'


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
