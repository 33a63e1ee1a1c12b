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
// Collections are read here, scalars in fastScalars.ts, the lines and their pieces in fastLines.ts.
import type { KubeMap, KubeValue } from '../object.js'
import { setOwn } from '../object.js'
import { BAIL, Bail, Lines, openBrackets, doubleQuoted, findSingleClose, isSeqItem, keyLength, singleQuoted } from './fastLines.js'
import { DocCursor } from './fastScalars.js'

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
    const lines = new Lines(text)
    // A text whose brackets and leading indentation could nest it deeper than the budget is left to
    // the full parse, which measures its real nesting (this reader's own depth check does not count
    // leaf `[]` and `{}`).
    if (lines.maxLead + openBrackets(text, options.maxDepth) > options.maxDepth) return undefined
    const docs: FastDocument[] = []
    let start = 0
    let index = 0
    const n = lines.count
    // Each turn is one document, ended by the marker on line i or by the end of the text (i === n).
    for (let i = nextMarker(lines, 0); ; i = nextMarker(lines, i + 1)) {
      const l = i < n ? lines.raw(i) : undefined
      // (A comment after the marker needs a space before its `#`: `---#c` is no marker but text.)
      if (l !== undefined && l !== '---' && !/^---( +#.*| *)$/.test(l)) throw BAIL
      const doc = new Doc(lines, [start, i], deferred)
      const first = doc.firstLine()
      // Comments and blank lines before the first `---` make no document; every `---` starts one.
      if (start > 0 || first >= 0) index++
      const value = doc.parse()
      if (value !== undefined) docs.push({ index, line: first + 1, value })
      if (i >= n) break
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

/**
 * The first line from `from` on that starts with `---` or `...`, or the number of lines. A loop of its
 * own: V8 compiles a long-running loop on the stack (OSR), and when this scan was the loop of
 * fastYamlDocuments, that compile took in the whole reader (Doc and everything it inlines) on
 * every large file, which cost more compiler time than the scan itself.
 */
function nextMarker(lines: Lines, from: number): number {
  const { source, starts } = lines
  const n = lines.count
  const length = source.length
  for (let i = from; i < n; i++) {
    // Most lines are no marker: one look at the first character (within the text) tells. Three
    // equal characters at a line's start lie within that line.
    const s = starts[i] as number
    const c = s < length ? source.charCodeAt(s) : 0
    if ((c === 0x2d || c === 0x2e) && (source.startsWith('---', s) || source.startsWith('...', s))) return i
  }
  return n
}

class Doc extends DocCursor {
  private readonly maxDepth: number
  private readonly onNull: FastReadOptions['onNull']
  private readonly onScalarText: FastReadOptions['onScalarText']

  /** The document on lines `start` to `end` (exclusive) of `lines`. */
  constructor(lines: Lines, range: readonly [number, number], options: FastReadOptions) {
    super(lines, range, options.dialect === 'v2')
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




  private noteBool(container: KubeMap | KubeValue[], key: string | number, v: boolean): void {
    if (this.boolText !== String(v)) this.onScalarText?.(container, key, this.boolText)
  }

  private isSeqItemAt(line: number, indent: number): boolean {
    return this.indents[line] === indent && isSeqItem(this.texts[line] as string)
  }




}
