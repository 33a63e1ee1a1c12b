// A fast reader for the plain block YAML that manifests and kustomization files are nearly always
// written in: block mappings and sequences, plain, single- and double-quoted scalars on one line,
// plain and single-quoted scalars folded over several lines (as controller-gen writes CRDs' long
// descriptions), `|`/`|-` literal blocks, comments, `[]`/`{}`. It resolves only scalars whose meaning is the same
// under every rule set involved (strings that start with a letter, `true`, `false`, `null`, small
// decimal integers) and gives up, returning undefined, on anything else (anchors, tags, flow
// collections, `>` blocks, multi-line double-quoted scalars, numbers that need go-yaml's resolver,
// tabs, CR, `...`, directives…), so that the full parser (the `yaml` package and the dialect's
// resolver, parseValues.ts) decides. The rule is: either this returns exactly what the full parser
// would, values, document positions and null texts alike, or it returns undefined. Differential
// tests (fastRead.test.ts) hold it to that over the conformance corpus, a corpus of tricky YAML and
// generated documents. It never throws on bad input: errors are the full parser's to report.
import type { KubeMap, KubeValue } from '../object.js'
import { setOwn } from '../object.js'
import { BAIL, Bail, Lines, OTHER_TRIMMED, openBrackets, SPECIAL_WORDS, YAML11_WORDS, doubleQuoted, findSingleClose, isLetter, isPlainStart, isSeqItem, keyLength, singleCloseFrom, singleQuoted, trailingOk } from './fastLines.js'

/** Options of {@link fastYamlDocuments}. */
export interface FastReadOptions {
  /** `'v3'`: go-yaml v3 (duplicate keys left to the full parser). `'v2'`: YAML 1.1 words left to it, the last duplicate key wins. */
  readonly dialect: 'v3' | 'v2'
  /** Deepest nesting of collections; deeper documents are left to the full parser, which reports them. */
  readonly maxDepth: number
  /** Called for each null mapping value with the text it was written as ('' for an empty value). */
  readonly onNull?: ((map: KubeMap, key: string, text: string) => void) | undefined
  /** Called for each boolean or number whose text is not `String` of its value (`True`). */
  readonly onScalarText?: ((container: KubeMap | KubeValue[], key: string | number, text: string) => void) | undefined
}

/** A non-empty document the fast reader read. */
export interface FastDocument {
  /** 1-based position in the stream, counting empty documents too. */
  readonly index: number
  /** 1-based line on which the document's content starts. */
  readonly line: number
  readonly value: KubeValue
}

/** The non-empty documents of `text`, or undefined when the full parser must decide. */
export function fastYamlDocuments(text: string, options: FastReadOptions): FastDocument[] | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined
  // A literal block on the last line of a text without a final newline has no line break to clip.
  if (!text.endsWith('\n') && text.includes('|')) return undefined
  // Callbacks wait until the whole text was read: a text left to the full parser reports nothing here.
  const pending: (() => void)[] = []
  const { onNull, onScalarText } = options
  const deferred: FastReadOptions = {
    ...options,
    onNull: onNull && ((map, key, t) => pending.push(() => onNull(map, key, t))),
    onScalarText: onScalarText && ((container, key, t) => pending.push(() => onScalarText(container, key, t))),
  }
  try {
    const lines = new Lines(text.split('\n'), !OTHER_TRIMMED.test(text))
    // The full parser's scan refuses a text whose brackets and leading indentation could nest it
    // deeper than the budget; a text that might fail that scan is left to it.
    if (lines.maxLead + openBrackets(text, options.maxDepth) > options.maxDepth) return undefined
    const docs: FastDocument[] = []
    let start = 0
    let index = 0
    const n = lines.raws.length
    for (let i = 0; i <= n; i++) {
      const l = i < n ? (lines.raws[i] as string) : undefined
      if (l !== undefined) {
        // Most lines are no marker: one look at the first character (within the line) tells.
        const c = l.length >= 3 ? l.charCodeAt(0) : 0
        if ((c !== 0x2d && c !== 0x2e) || (!l.startsWith('---') && !l.startsWith('...'))) continue
      }
      if (l !== undefined && l !== '---' && !/^--- *(#.*)?$/.test(l)) throw BAIL
      const doc = new Doc(lines, [start, i], deferred)
      const first = doc.firstLine()
      // Comments and blank lines before the first `---` make no document; every `---` starts one.
      if (start > 0 || first >= 0) index++
      const value = doc.parse()
      if (value !== undefined) docs.push({ index, line: first + 1, value })
      start = i + 1
    }
    for (const note of pending) note()
    return docs
  } catch (err) {
    // A stack overflow: nesting deeper than this reader recurses, for the full parser to report.
    if (err instanceof Bail || err instanceof RangeError) return undefined
    throw err
  }
}

/** A line that starts with an indicator, which may not continue a plain scalar here. */
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/

/** Digits with two dots or more. */
const DOTTED_VERSION = /^[0-9]+(\.[0-9]+){2,}$/

/** `- `, `? ` or `: ` where a scalar should start: a block indicator, not text. */
const BLOCK_INDICATOR = /^[-?:]( |$)/

/** Whether a line (without its indentation) is blank or a comment. */
function isSkippable(text: string): boolean {
  return text === '' || text.charCodeAt(0) === 0x23 /* # */
}

class Doc {
  private readonly indents: number[]
  private readonly texts: string[]
  /** The raw lines, for literal blocks. */
  private readonly raws: readonly string[]
  /** The line after the document's last. */
  private readonly end: number
  private readonly v2: boolean
  private readonly maxDepth: number
  private readonly onNull: FastReadOptions['onNull']
  private readonly onScalarText: FastReadOptions['onScalarText']
  private pos: number
  /** The text of the last null scalar read ('' for an empty value). */
  private nullText = ''
  /** The text of the last boolean read. */
  private boolText = ''

  /** The document on lines `start` to `end` (exclusive) of `lines`. */
  constructor(lines: Lines, [start, end]: readonly [number, number], options: FastReadOptions) {
    this.indents = lines.indents
    this.texts = lines.texts
    this.raws = lines.raws
    this.pos = start
    this.end = end
    this.v2 = options.dialect === 'v2'
    this.maxDepth = options.maxDepth
    this.onNull = options.onNull
    this.onScalarText = options.onScalarText
  }

  /** The 0-based line on which the content starts, or -1 when there is none. */
  firstLine(): number {
    const saved = this.pos
    const first = this.peek()
    this.pos = saved
    return first
  }

  parse(): KubeValue | undefined {
    const first = this.peek()
    if (first < 0) return undefined
    if ((this.texts[first] as string).startsWith('%')) throw BAIL
    const value = this.block(this.indents[first] as number, 1)
    if (this.peek() >= 0) throw BAIL
    return value
  }

  /** The next line that is not blank or a comment, or -1 at the end. */
  private peek(): number {
    const texts = this.texts
    while (this.pos < this.end && isSkippable(texts[this.pos] as string)) this.pos++
    return this.pos < this.end ? this.pos : -1
  }

  /** The collection starting at the current line, which has indentation `indent`. */
  private block(indent: number, depth: number): KubeValue {
    // Deeper than the budget allows: the full parser measures and reports it.
    if (depth >= this.maxDepth) throw BAIL
    const line = this.peek()
    if (line < 0 || this.indents[line] !== indent) throw BAIL
    if (isSeqItem(this.texts[line] as string)) return this.sequence(indent, depth)
    return this.mapping(indent, undefined, depth)
  }

  private sequence(indent: number, depth: number): KubeValue[] {
    const out: KubeValue[] = []
    for (;;) {
      const line = this.peek()
      if (line < 0) return out
      const lineIndent = this.indents[line] as number
      if (lineIndent < indent) return out
      if (lineIndent > indent) throw BAIL
      const text = this.texts[line] as string
      if (!isSeqItem(text)) return out
      let spaces = 1
      while (spaces < text.length && text.charCodeAt(spaces) === 0x20) spaces++
      const content = text.slice(spaces)
      spaces--
      this.pos++
      if (content === '' || content.charCodeAt(0) === 0x23 /* # */) {
        const next = this.peek()
        if (next >= 0 && (this.indents[next] as number) > indent) out.push(this.block(this.indents[next] as number, depth + 1))
        else out.push(null)
        continue
      }
      if (isSeqItem(content)) throw BAIL
      if (keyLength(content) !== undefined) {
        if (depth + 1 >= this.maxDepth) throw BAIL
        out.push(this.mapping(indent + 1 + spaces, content, depth + 1))
        continue
      }
      const v = this.inlineValue(content, indent)
      out.push(v)
      if (typeof v === 'boolean' && this.onScalarText !== undefined) this.noteBool(out, out.length - 1, v)
    }
  }

  /** A block mapping at `indent`; `firstText` is its first entry when it follows a `- ` on the same line. */
  private mapping(indent: number, firstText: string | undefined, depth: number): KubeMap {
    const out: KubeMap = {}
    let pending = firstText
    for (;;) {
      let text: string
      if (pending !== undefined) {
        text = pending
        pending = undefined
      } else {
        const line = this.peek()
        if (line < 0) return out
        const lineIndent = this.indents[line] as number
        if (lineIndent < indent) return out
        text = this.texts[line] as string
        if (lineIndent > indent || isSeqItem(text)) throw BAIL
        this.pos++
      }
      const keyLen = keyLength(text)
      if (keyLen === undefined) throw BAIL
      const key = this.key(text.slice(0, keyLen))
      if (!this.v2 && Object.prototype.hasOwnProperty.call(out, key)) throw BAIL
      let from = keyLen + 1
      while (from < text.length && text.charCodeAt(from) === 0x20) from++
      this.nullText = ''
      const v = this.value(from === text.length ? '' : text.slice(from), indent, depth)
      setOwn(out, key, v)
      if (v === null && this.onNull !== undefined) this.onNull(out, key, this.nullText)
      else if (typeof v === 'boolean' && this.onScalarText !== undefined) this.noteBool(out, key, v)
    }
  }

  /** The value after `key:` on a line of a mapping at `indent`. */
  private value(rest: string, indent: number, depth: number): KubeValue {
    if (rest === '' || rest.charCodeAt(0) === 0x23 /* # */) {
      const next = this.peek()
      if (next < 0) return null
      const nextIndent = this.indents[next] as number
      if (nextIndent > indent) return this.block(nextIndent, depth + 1)
      if (nextIndent === indent && isSeqItem(this.texts[next] as string)) {
        if (depth + 1 >= this.maxDepth) throw BAIL
        return this.sequence(indent, depth + 1)
      }
      return null
    }
    return this.inlineValue(rest, indent)
  }

  /** A value written on the line itself (after `key: ` or `- `). */
  private inlineValue(text: string, indent: number): KubeValue {
    const c = text.charCodeAt(0)
    if (c === 0x7c /* | */) return this.literal(text, indent)
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (text === '[]' || text === '{}' || /^(\[\]|\{\}) +#/.test(text)) return c === 0x5b ? [] : {}
    }
    let value: KubeValue
    if (c === 0x22 /* " */) value = doubleQuoted(text)
    else if (c === 0x27 /* ' */) value = findSingleClose(text) < 0 ? this.multiLineSingle(text, indent) : singleQuoted(text)
    else if (this.continues(indent)) value = this.multiLinePlain(text, indent)
    else value = this.plain(text)
    // A plain or quoted scalar continued on the next, more indented line: a multi-line scalar.
    const next = this.peek()
    if (next >= 0 && (this.indents[next] as number) > indent && !this.isSeqItemAt(next, indent)) throw BAIL
    return value
  }

  /** Whether the next line that is not blank continues a scalar of a collection at `indent`. */
  private continues(indent: number): boolean {
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
  private multiLinePlain(first: string, indent: number): KubeValue {
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
  private multiLineSingle(first: string, indent: number): string {
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

  private noteBool(container: KubeMap | KubeValue[], key: string | number, v: boolean): void {
    if (this.boolText !== String(v)) this.onScalarText?.(container, key, this.boolText)
  }

  private isSeqItemAt(line: number, indent: number): boolean {
    return this.indents[line] === indent && isSeqItem(this.texts[line] as string)
  }

  private plain(text: string): KubeValue {
    let end = text.length
    const hash = text.indexOf(' #')
    if (hash >= 0) end = hash
    const s = end === text.length ? text.trimEnd() : text.slice(0, end).trimEnd()
    if (s === '' || s.includes(': ') || s.endsWith(':') || s.includes(' #') || BLOCK_INDICATOR.test(s)) throw BAIL
    return this.resolve(s)
  }

  private resolve(s: string): KubeValue {
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
    if (!this.v2 && DOTTED_VERSION.test(s)) return s
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

  private key(raw: string): string {
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
  private literal(header: string, indent: number): string {
    const h = header.replace(/ +#.*$/, '').trimEnd()
    if (h !== '|' && h !== '|-') throw BAIL
    const from = this.pos
    let contentIndent = -1
    // The last line that is content (a blank line longer than the indentation is), and whether a
    // blank line is shorter than the indentation but not empty.
    let last = -1
    let shortBlank = false
    while (this.pos < this.end) {
      const lineIndent = this.indents[this.pos] as number
      const raw = this.raws[this.pos] as string
      if (this.texts[this.pos] === '') {
        if (contentIndent < 0) throw BAIL
        if (raw.length > contentIndent) last = this.pos
        else if (raw.length > 0 && raw.length < contentIndent) shortBlank = true
        this.pos++
        continue
      }
      if (contentIndent < 0) {
        if (lineIndent <= indent) break
        contentIndent = lineIndent
      }
      if (lineIndent < contentIndent) {
        if (lineIndent > indent && !isSkippable(this.texts[this.pos] as string)) throw BAIL
        break
      }
      last = this.pos
      this.pos++
    }
    // Trailing blank lines are not content; give back those that may belong to what follows.
    if (last < 0) return ''
    const lines = this.raws.slice(from, last + 1)
    let content: string
    if (shortBlank) content = lines.map((raw) => (raw.length > contentIndent ? raw.slice(contentIndent) : '')).join('\n')
    else {
      // Every line but the empty ones starts with the indentation: take it off in one pass.
      const pad = ' '.repeat(contentIndent)
      content = lines.join('\n').slice(contentIndent).replaceAll(`\n${pad}`, '\n')
    }
    return h === '|' ? `${content}\n` : content
  }
}
