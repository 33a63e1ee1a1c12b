// A fast reader for the plain block YAML that manifests and kustomization files are nearly always
// written in: block mappings and sequences, plain, single- and double-quoted scalars on one line,
// `|`/`|-` literal blocks, comments, `[]`/`{}`. It resolves only scalars whose meaning is the same
// under every rule set involved (strings that start with a letter, `true`, `false`, `null`, small
// decimal integers) and gives up, returning undefined, on anything else (anchors, tags, flow
// collections, folded or multi-line scalars, numbers that need go-yaml's resolver, tabs…), so that
// the full parser (core's parseDocuments, or the YAML 1.1 reader) decides. The rule is: either
// this returns exactly what the full parser would, or it returns undefined. A differential test
// (fastYaml.test.ts) holds it to that over the conformance corpus and generated documents.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { markNull, setField } from './values.js'

/** `v3`: manifests (go-yaml v3, duplicate keys refused). `v11`: kustomization files (YAML 1.1, last duplicate wins). */
export type FastMode = 'v3' | 'v11'

class Bail extends Error {}
const BAIL = new Bail()

interface Line {
  readonly indent: number
  /** The line without its indentation. */
  readonly text: string
  /** The raw line, for literal blocks. */
  readonly raw: string
}

const MAX = 8 * 1024 * 1024
const YAML11_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF'])

/** The documents of `text` (empty ones left out), or undefined when the full parser must decide. */
export function fastDocuments(text: string, mode: FastMode): KubeValue[] | undefined {
  if (text.length > MAX || text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined
  try {
    const docs: KubeValue[] = []
    let start = 0
    const lines = text.split('\n')
    for (let i = 0; i <= lines.length; i++) {
      const l = i < lines.length ? (lines[i] as string) : undefined
      if (l !== undefined && !l.startsWith('---') && !l.startsWith('...')) continue
      if (l !== undefined && l !== '---' && !/^--- *(#.*)?$/.test(l)) throw BAIL
      const doc = new Doc(lines.slice(start, i), mode).parse()
      if (doc !== undefined) docs.push(doc)
      start = i + 1
    }
    return docs
  } catch (err) {
    if (err instanceof Bail) return undefined
    throw err
  }
}

/** The first non-empty document, for the YAML 1.1 reader's callers. */
export function fastFirstDocument(text: string, mode: FastMode): { value: KubeValue | undefined } | undefined {
  const docs = fastDocuments(text, mode)
  if (docs === undefined) return undefined
  return { value: docs[0] }
}

function isSkippable(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 0x20) continue
    return c === 0x23 /* # */
  }
  return true
}

class Doc {
  private readonly lines: Line[]
  private pos = 0
  /** The text of the last null scalar read ('' for an empty value). */
  private nullText = ''

  constructor(
    raw: readonly string[],
    private readonly mode: FastMode,
  ) {
    this.lines = raw.map((r) => {
      let n = 0
      while (n < r.length && r.charCodeAt(n) === 0x20) n++
      return { indent: n, text: r.slice(n), raw: r }
    })
  }

  parse(): KubeValue | undefined {
    this.skipBlank()
    const first = this.lines[this.pos]
    if (first === undefined) return undefined
    if (first.text.startsWith('%')) throw BAIL
    const value = this.block(first.indent)
    this.skipBlank()
    if (this.pos < this.lines.length) throw BAIL
    return value
  }

  private skipBlank(): void {
    while (this.pos < this.lines.length && isSkippable((this.lines[this.pos] as Line).raw)) this.pos++
  }

  private peek(): Line | undefined {
    this.skipBlank()
    return this.lines[this.pos]
  }

  /** The collection starting at the current line, which has indentation `indent`. */
  private block(indent: number): KubeValue {
    const line = this.peek()
    if (line === undefined || line.indent !== indent) throw BAIL
    if (isSeqItem(line.text)) return this.sequence(indent)
    return this.mapping(indent, undefined)
  }

  private sequence(indent: number): KubeValue[] {
    const out: KubeValue[] = []
    for (;;) {
      const line = this.peek()
      if (line === undefined || line.indent < indent) return out
      if (line.indent > indent) throw BAIL
      if (!isSeqItem(line.text)) return out
      const rest = line.text.slice(1)
      let spaces = 0
      while (spaces < rest.length && rest.charCodeAt(spaces) === 0x20) spaces++
      const content = rest.slice(spaces)
      this.pos++
      if (content === '' || content.startsWith('#')) {
        const next = this.peek()
        if (next !== undefined && next.indent > indent) out.push(this.block(next.indent))
        else out.push(null)
        continue
      }
      if (isSeqItem(content)) throw BAIL
      const keyLen = keyLength(content)
      if (keyLen !== undefined) {
        out.push(this.mapping(indent + 1 + spaces, { indent: indent + 1 + spaces, text: content, raw: '' }))
        continue
      }
      out.push(this.inlineValue(content, indent))
    }
  }

  private mapping(indent: number, firstLine: Line | undefined): KubeMap {
    const out: KubeMap = {}
    let pending = firstLine
    for (;;) {
      let line: Line | undefined
      if (pending !== undefined) {
        line = pending
        pending = undefined
      } else {
        line = this.peek()
        if (line === undefined || line.indent < indent) return out
        if (line.indent > indent || isSeqItem(line.text)) throw BAIL
        this.pos++
      }
      const keyLen = keyLength(line.text)
      if (keyLen === undefined) throw BAIL
      const key = this.key(line.text.slice(0, keyLen))
      if (Object.prototype.hasOwnProperty.call(out, key) && this.mode === 'v3') throw BAIL
      const rest = line.text.slice(keyLen + 1).trimStart()
      this.nullText = ''
      const v = this.value(rest, indent)
      setField(out, key, v)
      if (v === null) markNull(out, key, this.nullText)
    }
  }

  /** The value after `key:` on a line of a mapping at `indent`. */
  private value(rest: string, indent: number): KubeValue {
    if (rest === '' || rest.startsWith('#')) {
      const next = this.peek()
      if (next === undefined) return null
      if (next.indent > indent) return this.block(next.indent)
      if (next.indent === indent && isSeqItem(next.text)) return this.sequence(indent)
      return null
    }
    return this.inlineValue(rest, indent)
  }

  /** A value written on the line itself (after `key: ` or `- `). */
  private inlineValue(text: string, indent: number): KubeValue {
    const c = text.charCodeAt(0)
    if (c === 0x7c /* | */) return this.literal(text, indent)
    if (text === '[]' || text === '{}' || /^(\[\]|\{\}) +#/.test(text)) return text.startsWith('[') ? [] : {}
    let value: KubeValue
    if (c === 0x22 /* " */) value = doubleQuoted(text)
    else if (c === 0x27 /* ' */) value = singleQuoted(text)
    else value = this.plain(text)
    // A plain or quoted scalar continued on the next, more indented line: a multi-line scalar.
    const next = this.peek()
    if (next !== undefined && next.indent > indent && !isSeqItemAt(next, indent)) throw BAIL
    return value
  }

  private plain(text: string): KubeValue {
    let end = text.length
    const hash = text.indexOf(' #')
    if (hash >= 0) end = hash
    const s = text.slice(0, end).trimEnd()
    if (s === '' || s.includes(': ') || s.endsWith(':') || s.includes(' #')) throw BAIL
    return this.resolve(s)
  }

  private resolve(s: string): KubeValue {
    const c = s.charCodeAt(0)
    if (s === 'true' || s === 'True' || s === 'TRUE') return true
    if (s === 'false' || s === 'False' || s === 'FALSE') return false
    if (s === 'null' || s === 'Null' || s === 'NULL' || s === '~') {
      this.nullText = s
      return null
    }
    if (/^-?(0|[1-9][0-9]{0,14})$/.test(s)) {
      if (s === '-0') throw BAIL
      return Number(s)
    }
    if (!isPlainStart(c)) {
      // A scalar starting with a digit, sign or dot is a string unless a resolver could read it as
      // a number, a timestamp or a special float: any text made only of such characters is left
      // to the full parser, so is `<<` and every other indicator.
      const numberish = /^[-+.0-9a-fA-FxXoObB_eE:tTzZ ]*$/.test(s) || /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s)
      if (numberish || !(c === 0x2d || c === 0x2b || c === 0x2e || (c >= 0x30 && c <= 0x39))) throw BAIL
    }
    if (s === '<<') throw BAIL
    if (this.mode === 'v11' && (YAML11_WORDS.has(s) || s === '=')) throw BAIL
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
    const body: string[] = []
    let contentIndent = -1
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos] as Line
      const blank = line.text === ''
      if (blank) {
        if (contentIndent < 0) throw BAIL
        body.push(line.raw.length > contentIndent ? line.raw.slice(contentIndent) : '')
        this.pos++
        continue
      }
      if (contentIndent < 0) {
        if (line.indent <= indent) break
        contentIndent = line.indent
      }
      if (line.indent < contentIndent) {
        if (line.indent > indent && !isSkippable(line.raw)) throw BAIL
        break
      }
      body.push(line.raw.slice(contentIndent))
      this.pos++
    }
    // Trailing blank lines are not content; give back those that may belong to what follows.
    let end = body.length
    while (end > 0 && body[end - 1] === '') end--
    const content = body.slice(0, end).join('\n')
    if (content === '') return ''
    return h === '|' ? `${content}\n` : content
  }
}

function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ')
}

function isSeqItemAt(line: Line, indent: number): boolean {
  return line.indent === indent && isSeqItem(line.text)
}

function isPlainStart(c: number): boolean {
  // Letters and a few safe characters; digits, signs, dots and indicators go to the full parser.
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2f /* / */ || c === 0x5f /* _ */ || c === 0x24 /* $ */ || c >= 0x80
}

/** Length of the key of a `key: value` line, or undefined when the line is no simple mapping entry. */
function keyLength(text: string): number | undefined {
  const c = text.charCodeAt(0)
  if (c === 0x22 || c === 0x27) {
    const close = c === 0x22 ? findDoubleClose(text) : findSingleClose(text)
    if (close < 0) return undefined
    if (text.charCodeAt(close + 1) !== 0x3a) return undefined
    const after = text.charCodeAt(close + 2)
    return Number.isNaN(after) || after === 0x20 ? close + 1 : undefined
  }
  const i = text.indexOf(':')
  if (i <= 0) return undefined
  const after = text.charCodeAt(i + 1)
  if (!Number.isNaN(after) && after !== 0x20) return undefined
  const key = text.slice(0, i)
  if (key.includes(' #') || /[[\]{},&*!|>%@`#]/.test(key.charAt(0)) || key.startsWith('? ') || key.startsWith('- ')) return undefined
  return i
}

function findDoubleClose(text: string): number {
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x5c) i++
    else if (c === 0x22) return i
  }
  return -1
}

function findSingleClose(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x27) {
      if (text.charCodeAt(i + 1) === 0x27) i++
      else return i
    }
  }
  return -1
}

function trailingOk(rest: string): boolean {
  return rest === '' || /^ +(#.*)?$/.test(rest)
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0' }

function doubleQuoted(text: string): string {
  const close = findDoubleClose(text)
  if (close < 0 || !trailingOk(text.slice(close + 1))) throw BAIL
  const inner = text.slice(1, close)
  if (!inner.includes('\\')) return inner
  let out = ''
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i] as string
    if (ch !== '\\') {
      out += ch
      continue
    }
    const e = inner[++i] ?? ''
    const simple = ESCAPES[e]
    if (simple !== undefined) {
      out += simple
      continue
    }
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(inner.slice(i + 1, i + 5))) {
      const code = Number.parseInt(inner.slice(i + 1, i + 5), 16)
      if (code >= 0xd800 && code <= 0xdfff) throw BAIL
      out += String.fromCharCode(code)
      i += 4
      continue
    }
    throw BAIL
  }
  return out
}

function singleQuoted(text: string): string {
  const close = findSingleClose(text)
  if (close < 0 || !trailingOk(text.slice(close + 1))) throw BAIL
  return text.slice(1, close).replaceAll("''", "'")
}
