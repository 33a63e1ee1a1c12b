// What the two quick readers of plain block YAML share (quickValues.ts for values files and
// fromYaml, manifestHead.ts for rendered documents): the characters that send a text to the full
// parse, a plain key, what may follow a complete scalar, and the split into significant lines.
// Each reader keeps its own rules for where a plain scalar may start: they accept different
// subsets.

/**
 * Characters that a full parse may refuse or read differently: controls (tab and CR included),
 * DEL and C1 controls, line and paragraph separators, BOMs and surrogates.
 */
// eslint-disable-next-line no-control-regex
export const unusualRe: RegExp = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/

/** A plain block-mapping key (group 1) followed by `:` and a space or the end of the line. */
export const keyRe: RegExp = /^([A-Za-z0-9_][A-Za-z0-9_./-]{0,999}):(?: |$)/

/** What may follow a complete scalar or flow collection on its line: spaces, or spaces and a comment. */
export const afterScalarRe: RegExp = /^(?: *| +#.*)$/

/** Whether a line (without its indentation) is a block sequence entry: `-` alone or `- ` and more. */
export function isEntry(text: string): boolean {
  return text === '-' || text.startsWith('- ')
}

/** One significant line of a text. */
export interface PlainLine {
  /** Its count of leading spaces. */
  readonly indent: number
  /** The line without its indentation. */
  readonly text: string
}

/**
 * The lines of a text that carry content, one at a time: blank lines and comment lines are left
 * out unless `all` (then a blank line has `text` '' and its count of spaces as `indent`, and a
 * comment line its text from `#`): the values reader reads no multi-line scalar, so they never
 * matter to it, while the manifest-head reader asks for them, as it steps over block scalars
 * (`key: |` and the indented lines after it), whose blank and `#` lines are content.
 * A line at column 0 starting with `---`, `...` or `%` ends the lines with `marker` set (document
 * markers and directives are the full parse's). One line at a time rather than an array of them:
 * the lines of a large text would otherwise all live until the end of its reading.
 */
export class PlainLines {
  /** The current line, undefined past the last one (or at a marker). */
  line: PlainLine | undefined
  /** Whether the lines ended at a document marker or directive. */
  marker = false
  private pos = 0

  constructor(
    private readonly src: string,
    private readonly all = false,
  ) {
    this.next()
  }

  /** Moves to the next line. */
  next(): void {
    const text = this.src
    const len = text.length
    while (this.pos <= len) {
      const lineStart = this.pos
      let end = text.indexOf('\n', lineStart)
      if (end < 0) end = len
      let n = 0
      while (lineStart + n < end && text.charCodeAt(lineStart + n) === 0x20) n++
      this.pos = end + 1
      if (lineStart + n === end || text.charCodeAt(lineStart + n) === 0x23 /* # */) {
        if (!this.all) continue
        this.line = { indent: n, text: text.slice(lineStart + n, end) }
        return
      }
      const content = text.slice(lineStart + n, end)
      if (n === 0 && (content.startsWith('---') || content.startsWith('...') || content.startsWith('%'))) {
        this.marker = true
        this.pos = len + 1
        break
      }
      this.line = { indent: n, text: content }
      return
    }
    this.line = undefined
  }
}
