// The scalars of the fast YAML reader (fastRead.ts): plain, quoted and literal scalars, folded ones
// over several lines, keys, and the resolution of plain text to a value, on a cursor over the
// document's lines. As everywhere in the fast reader, anything unusual throws BAIL for the full
// parser to decide.
import type { KubeValue } from '../object.js'
import type { Lines } from './fastLines.js'
import { BAIL, isLetter, isPlainStart, SPECIAL_WORDS, YAML11_WORDS, doubleQuoted, singleCloseFrom, singleQuoted, trailingOk } from './fastLines.js'

/** A line that starts with an indicator, which may not continue a plain scalar here. */
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/

/**
 * Digits with two dots or more, what `/^[0-9]+(\.[0-9]+){2,}$/` tests: runs of digits joined by
 * single dots, three runs at least. In one pass: the repeated group kept a backtracking frame per
 * run, and V8 overflowed its stack on a scalar of megabytes (`1.1.1…`, 8 MB).
 */
export function isDottedVersion(s: string): boolean {
  let dots = 0
  let afterDigit = false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x30 && c <= 0x39) afterDigit = true
    else if (c === 0x2e && afterDigit) {
      dots++
      afterDigit = false
    } else return false
  }
  return afterDigit && dots >= 2
}
/** Lowercase hexadecimal starting with a digit (with at least one letter: {@link HEX_LETTER}); two linear tests, where one pattern backtracked quadratically. */
const HEX_WORD = /^[0-9][0-9a-f]*$/
const HEX_LETTER = /[a-f]/
/** Digits, `e`, digits: a float to every resolver. */
const FLOAT_WORD = /^[0-9]+e[0-9]+$/

/** `- `, `? ` or `: ` where a scalar should start: a block indicator, not text. */
const BLOCK_INDICATOR = /^[-?:]( |$)/

/** Whether a line (without its indentation) is blank or a comment. */
function isSkippable(text: string): boolean {
  return text === '' || text.charCodeAt(0) === 0x23 /* # */
}

/**
 * `header` without a trailing comment: what `header.replace(/ +#.*$/, '')` gives (the spaces before
 * the first `#` that follows a space and has no line break after it, and all after), in one pass;
 * that pattern tried every space of a long run of them as a start (100 KB of spaces took seconds).
 */
export function withoutComment(header: string): string {
  // `.` stops at a line terminator, so the comment's `#` comes after the last one.
  let from = 0
  for (let i = header.length - 1; i >= 0; i--) {
    const c = header.charCodeAt(i)
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) {
      from = i + 1
      break
    }
  }
  let start = header.indexOf(' #', from)
  if (start < 0) return header
  while (start > 0 && header.charCodeAt(start - 1) === 0x20) start--
  return header.slice(0, start)
}

const indentPatterns: RegExp[] = []

/** `\n` and `n` spaces, global. */
function indentAfterBreak(n: number): RegExp {
  let pattern = indentPatterns[n]
  if (pattern === undefined) {
    pattern = new RegExp(`\n {${n}}`, 'g')
    if (n < 256) indentPatterns[n] = pattern
  }
  return pattern
}

/** The lines of one document and a position in them, with the readers of scalars. */
export abstract class DocCursor {
  protected readonly indents: number[]
  protected readonly texts: string[]
  /** The lines, whose raw text and start literal blocks read. */
  protected readonly lines: Lines
  /** The line after the document's last. */
  protected readonly end: number
  protected readonly v2: boolean
  protected pos: number
  /** The text of the last null scalar read ('' for an empty value). */
  protected nullText = ''
  /** The text of the last boolean read. */
  protected boolText = ''

  /** Lines `start` to `end` (exclusive) of `lines`; `v2`: go-yaml v2's words. */
  constructor(lines: Lines, [start, end]: readonly [number, number], v2: boolean) {
    this.indents = lines.indents
    this.texts = lines.texts
    this.lines = lines
    this.pos = start
    this.end = end
    this.v2 = v2
  }

  /** The next line that is not blank or a comment, or -1 at the end. */
  protected peek(): number {
    const texts = this.texts
    const end = this.end
    let pos = this.pos
    for (; pos < end; pos++) {
      const text = texts[pos] as string
      if (text !== '' && text.charCodeAt(0) !== 0x23 /* # */) break
    }
    this.pos = pos
    return pos < end ? pos : -1
  }

  /** Whether the next line that is not blank continues a scalar of a collection at `indent`. */
  protected continues(indent: number): boolean {
    let line = this.pos
    while (line < this.end && this.texts[line] === '') line++
    if (line >= this.end || (this.indents[line] as number) <= indent) return false
    return (this.texts[line] as string).charCodeAt(0) !== 0x23 /* # */
  }

  /**
   * A plain scalar folded over several lines, as go-yaml v2 (controller-gen's CRDs) writes long
   * descriptions: each line break becomes a space, each blank line a line break. Lines that could
   * be read any other way (indicators, `: `, ` #`, comments in between) are left to the full parser.
   */
  protected multiLinePlain(first: string, indent: number): KubeValue {
    let s = first.trimEnd()
    if (s.includes(' #') || s.includes(': ') || s.endsWith(':')) throw BAIL
    let blanks = 0
    while (this.pos < this.end) {
      const text = this.texts[this.pos] as string
      if (text === '') {
        blanks++
        this.pos++
        continue
      }
      // A comment line ends the scalar; a line after it that is indented as a continuation is
      // then left to the full parser by the caller's check.
      if ((this.indents[this.pos] as number) <= indent || text.charCodeAt(0) === 0x23 /* # */) break
      const line = text.trimEnd()
      if (INDICATOR_START.test(line) || line.includes(': ') || line.endsWith(':') || line.includes(' #')) throw BAIL
      s += blanks === 0 ? ' ' : '\n'.repeat(blanks)
      s += line
      blanks = 0
      this.pos++
    }
    if (s.includes(': ') || s.endsWith(':') || BLOCK_INDICATOR.test(s)) throw BAIL
    return this.resolve(s)
  }

  /** A single-quoted scalar folded over several lines, as go-yaml v2 writes long quoted descriptions. */
  protected multiLineSingle(first: string, indent: number): string {
    let s = first.slice(1).trimEnd()
    if (s === '') throw BAIL
    let blanks = 0
    for (;;) {
      if (this.pos >= this.end) throw BAIL
      const text = this.texts[this.pos] as string
      if (text === '') {
        blanks++
        this.pos++
        continue
      }
      if ((this.indents[this.pos] as number) <= indent || text.charCodeAt(0) === 0x23 /* # */) throw BAIL
      this.pos++
      s += blanks === 0 ? ' ' : '\n'.repeat(blanks)
      blanks = 0
      const close = singleCloseFrom(text, 0)
      if (close < 0) {
        s += text.trimEnd()
        continue
      }
      if (!trailingOk(text.slice(close + 1))) throw BAIL
      return (s + text.slice(0, close)).replaceAll("''", "'")
    }
  }

  protected plain(text: string): KubeValue {
    let end = text.length
    const hash = text.indexOf(' #')
    if (hash >= 0) end = hash
    const s = end === text.length ? text.trimEnd() : text.slice(0, end).trimEnd()
    // s holds no ` #`: the first one, if any, ended it. Only `-`, `?` and `:` can start a block indicator.
    if (s === '' || s.includes(': ') || s.endsWith(':')) throw BAIL
    const c = s.charCodeAt(0)
    if ((c === 0x2d || c === 0x3f || c === 0x3a) && BLOCK_INDICATOR.test(s)) throw BAIL
    return this.resolve(s)
  }

  protected resolve(s: string): KubeValue {
    const c = s.charCodeAt(0)
    if (isLetter(c) && !(s.length <= 5 && SPECIAL_WORDS.has(s))) {
      // A word that starts with a letter and is none of the special words is a string under
      // every rule set (the checks below would all pass it).
      return s
    }
    if (s === 'true' || s === 'True' || s === 'TRUE' || s === 'false' || s === 'False' || s === 'FALSE') {
      this.boolText = s
      return s.charCodeAt(0) === 0x74 || s.charCodeAt(0) === 0x54
    }
    if (s === 'null' || s === 'Null' || s === 'NULL' || s === '~') {
      this.nullText = s
      return null
    }
    if (/^-?(0|[1-9][0-9]{0,14})$/.test(s)) {
      if (s === '-0') throw BAIL
      return Number(s)
    }
    // A dotted version (`2.13.0`, common in labels) is no number, float or timestamp to go-yaml v3.
    if (!this.v2 && isDottedVersion(s)) return s
    // A lowercase hexadecimal word with a letter (a git revision, a checksum annotation, a random
    // bearer token) is a string to go-yaml v2 and v3 alike unless it reads as a float (`12e5`) or
    // starts like a binary integer (`0b…`): no sign, dot, colon, dash or underscore, so no other
    // int, float, timestamp or base-60 form. Left to the full parser, a single such value starting
    // with a digit sent the whole text there (a kubeconfig with a hex token loaded the yaml package).
    if (c <= 0x39 && HEX_WORD.test(s) && HEX_LETTER.test(s) && !FLOAT_WORD.test(s) && !s.startsWith('0b')) return s
    if (!isPlainStart(c)) {
      // A scalar starting with a digit, sign or dot is a string unless a resolver could read it as
      // a number, a timestamp or a special float: any text made only of such characters is left
      // to the full parser, so is `<<` and every other indicator.
      const numberish = /^[-+.0-9a-fA-FxXoObB_eE:tTzZ ]*$/.test(s) || /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s)
      if (numberish || !(c === 0x2d || c === 0x2b || c === 0x2e || (c >= 0x30 && c <= 0x39))) throw BAIL
    }
    if (s === '<<') throw BAIL
    if (this.v2 && (YAML11_WORDS.has(s) || s === '=')) throw BAIL
    return s
  }

  protected key(raw: string): string {
    const c = raw.charCodeAt(0)
    if (c === 0x22) return doubleQuoted(raw)
    if (c === 0x27) return singleQuoted(raw)
    const s = raw
    if (s === '' || s.endsWith(' ')) throw BAIL
    const v = this.resolve(s)
    if (typeof v !== 'string') throw BAIL
    return v
  }

  /** `|` or `|-` literal block scalar. */
  protected literal(header: string, indent: number): string {
    const h = withoutComment(header).trimEnd()
    if (h !== '|' && h !== '|-') throw BAIL
    const from = this.pos
    let contentIndent = -1
    // The last line that is content (a blank line longer than the indentation is), and whether a
    // blank line is shorter than the indentation but not empty. A blank line is spaces only, so
    // its indentation is its length. (Locals rather than fields: the loop runs over every line
    // of large blocks before V8 optimises it.)
    let last = -1
    let shortBlank = false
    const indents = this.indents
    const texts = this.texts
    const end = this.end
    let pos = from
    for (; pos < end; pos++) {
      const lineIndent = indents[pos] as number
      const text = texts[pos] as string
      if (text === '') {
        if (contentIndent < 0) throw BAIL
        if (lineIndent > contentIndent) last = pos
        else if (lineIndent > 0 && lineIndent < contentIndent) shortBlank = true
        continue
      }
      if (contentIndent < 0) {
        if (lineIndent <= indent) break
        contentIndent = lineIndent
      }
      if (lineIndent < contentIndent) {
        if (lineIndent > indent && !isSkippable(text)) throw BAIL
        break
      }
      last = pos
    }
    this.pos = pos
    // Trailing blank lines are not content; give back those that may belong to what follows.
    if (last < 0) return ''
    let content: string
    if (shortBlank) {
      const parts: string[] = []
      for (let line = from; line <= last; line++) {
        const raw = this.lines.raw(line)
        parts.push(raw.length > contentIndent ? raw.slice(contentIndent) : '')
      }
      content = parts.join('\n')
    } else {
      // Every line but the empty ones starts with the indentation: take it off in one pass over
      // the block's text as the source holds it (a regular expression's replace builds one flat
      // string; joining the lines first would copy the block once more, replaceAll build a rope).
      const starts = this.lines.starts
      const start = starts[from] as number
      const end = (starts[last + 1] as number) - 1
      content = this.lines.source.slice(start + contentIndent, end).replace(indentAfterBreak(contentIndent), '\n')
    }
    return h === '|' ? `${content}\n` : content
  }
}
