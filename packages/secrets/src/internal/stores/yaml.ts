// sops' YAML store (stores/yaml/store.go on go-yaml v3; FORMAT.md §9): every document a mapping, scalars typed as
// go-yaml types them, comments kept as items of the collection that holds them, aliases expanded,
// and output in go-yaml v3's block style with an indent of 4. The text is parsed through core's one
// YAML budget, so an alias bomb or a deeply nested document is refused before this walk starts.
import { isGitOpsError } from '@gitops-sdk/core'
import { formatFloat } from '@gitops-sdk/core/go'
import { isBase60Float, isYaml11Bool, parseYamlStream, resolveScalar, resolveTaggedScalar, shortTag } from '@gitops-sdk/core/yaml'
import type { ResolvedScalar } from '@gitops-sdk/core/yaml'
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml'
import type { Alias, ErrorCode, LineCounter, Node as YamlNode } from 'yaml'
import { SopsError } from '../../errors.js'
import { entry } from '../tree.js'
import type { Branches, Comment, Entry, MapNode, Node, Scalar, SeqNode } from '../tree.js'
import { extractNested, hasNested, insertNested } from './nested.js'
import type { Store } from './store.js'

const decoder = new TextDecoder('utf-8')
const strictDecoder = new TextDecoder('utf-8', { fatal: true })
const encoder = new TextEncoder()

// What each of the yaml package's parse errors means. Its own messages may quote the offending
// source text (an escape, a token), which can be part of a secret value, so they are never passed on.
const YAML_ERRORS: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or a tag',
  BAD_ALIAS: 'unresolved alias',
  BAD_COLLECTION_TYPE: 'a tag does not fit its collection',
  BAD_DIRECTIVE: 'bad directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted scalar',
  BAD_INDENT: 'bad indentation',
  BAD_PROP_ORDER: 'anchors and tags must come after the indicator',
  BAD_SCALAR_START: 'a plain scalar starts with a reserved character',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection used as an implicit key',
  BLOCK_IN_FLOW: 'a block collection inside a flow collection',
  DUPLICATE_KEY: 'duplicate mapping key',
  IMPOSSIBLE: 'internal parser error',
  KEY_OVER_1024_CHARS: 'an implicit key is longer than 1024 characters',
  MISSING_CHAR: 'a required character is missing',
  MULTILINE_IMPLICIT_KEY: 'an implicit key spans several lines',
  MULTIPLE_ANCHORS: 'a node has several anchors',
  MULTIPLE_DOCS: 'several documents where one is expected',
  MULTIPLE_TAGS: 'a node has several tags',
  NON_STRING_KEY: 'a mapping key is not a string',
  RESOURCE_EXHAUSTION: 'too many alias expansions',
  TAB_AS_INDENT: 'a tab used as indentation',
  TAG_RESOLVE_FAILED: 'unresolved tag',
  UNEXPECTED_TOKEN: 'unexpected token',
}

/** A Go string of arbitrary bytes: text when it is valid UTF-8, otherwise the bytes themselves. */
function goString(bytes: Uint8Array): Scalar {
  try {
    return { kind: 'str', value: strictDecoder.decode(bytes) }
  } catch {
    return { kind: 'bytes', value: bytes }
  }
}

/**
 * A resolved scalar as sops holds it. `!!binary` becomes a Go string holding the decoded bytes, so
 * sops encrypts it as type `str` and prints it back as a plain string (or as `!!binary` again when
 * the bytes are not UTF-8).
 */
function sopsScalar(r: ResolvedScalar): Scalar {
  switch (r.tag) {
    case '!!null':
      return { kind: 'null' }
    case '!!bool':
      return { kind: 'bool', value: r.value }
    case '!!int':
      return { kind: 'int', value: r.value }
    case '!!float':
      return { kind: 'float', value: r.value }
    case '!!timestamp':
      return { kind: 'time', value: r.value }
    case '!!str':
      return { kind: 'str', value: r.value }
    case '!!binary':
      return goString(r.value)
  }
}

/** The typed value go-yaml v3 gives a plain (untagged) scalar. */
export function resolvePlain(text: string): Scalar {
  return sopsScalar(resolveScalar(text))
}

function comments(text: string | null | undefined, inline = false): Comment[] {
  if (text === null || text === undefined) return []
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => ({ kind: 'comment', text: line, inline }))
}

class Converter {
  constructor(
    private readonly resolveAlias: (alias: Alias) => YamlNode | undefined,
    private readonly source: string,
    private readonly lines: LineCounter,
  ) {}

  fail(node: YamlNode | null | undefined, why: string): never {
    const offset = node?.range?.[0] ?? 0
    const { line } = this.lines.linePos(offset)
    throw new SopsError({ code: 'SOPS_INPUT_INVALID', message: `${this.source}: line ${line}: ${why}`, details: { source: this.source, line } })
  }

  // core's budget measured the document first: alias expansion and depth are bounded here.
  private deref(node: unknown): unknown {
    let current = node
    while (isAlias(current)) {
      current = this.resolveAlias(current)
      if (current === undefined) this.fail(null, 'undefined alias')
    }
    return current
  }

  scalar(node: unknown): Scalar {
    if (!isScalar(node)) this.fail(null, 'expected a scalar')
    // The yaml package resolves a few tags itself even in the failsafe schema (`!!binary` to a
    // Uint8Array, decoded leniently); the scalar's source text is what go-yaml would decode.
    const value = typeof node.value === 'string' ? node.value : node.source
    if (typeof value !== 'string') this.fail(node, 'expected a scalar')
    if (node.tag !== undefined && node.tag !== '!') {
      const t = resolveTaggedScalar(node.tag, value)
      // The value is never named: it may be a secret.
      if (t === undefined) this.fail(node, `the value cannot be decoded as ${shortTag(node.tag)}`)
      return sopsScalar(t)
    }
    return node.type === 'PLAIN' ? resolvePlain(value) : { kind: 'str', value }
  }

  value(raw: unknown): Node {
    const node = this.deref(raw)
    if (isMap(node)) return this.map(node, true)
    if (isSeq(node)) return this.seq(node)
    if (node === null || node === undefined) return { kind: 'null' }
    return this.scalar(node)
  }

  map(node: unknown, withOwnComments: boolean): MapNode {
    if (!isMap(node)) this.fail(null, 'expected a mapping')
    const items: (Entry | Comment)[] = withOwnComments ? comments(node.commentBefore) : []
    // Duplicate keys are refused as go-yaml refuses them; checked here with a Set because the yaml
    // package's own check is quadratic in the size of a mapping.
    const seen = new Set<string>()
    for (const pair of node.items) {
      if (!isPair(pair)) continue
      const keyNode = this.deref(pair.key)
      const key = keyNode === null ? ({ kind: 'null' } as const) : this.scalar(keyNode)
      if (key.kind !== 'str') this.fail(isScalar(keyNode) ? keyNode : null, `mapping keys must be strings, found a ${key.kind}`)
      if (seen.has(key.value)) this.fail(isScalar(keyNode) ? keyNode : null, `duplicate mapping key ${JSON.stringify(key.value)}`)
      seen.add(key.value)
      if (isScalar(pair.key)) items.push(...comments(pair.key.commentBefore), ...comments(pair.key.comment))
      const valueNode = pair.value
      const scalarValue = !isMap(valueNode) && !isSeq(valueNode)
      if (scalarValue && isScalar(valueNode)) items.push(...comments(valueNode.commentBefore), ...comments(valueNode.comment, true))
      items.push(entry(key.value, this.value(valueNode)))
    }
    if (withOwnComments) items.push(...comments(node.comment))
    return { kind: 'map', items }
  }

  seq(node: unknown): SeqNode {
    if (!isSeq(node)) this.fail(null, 'expected a sequence')
    const items: (Node | Comment)[] = comments(node.commentBefore)
    for (const item of node.items) {
      if (isScalar(item) || isAlias(item)) {
        items.push(...comments(item.commentBefore))
        if (isScalar(item)) items.push(...comments(item.comment, true))
      } else if (isMap(item) || isSeq(item)) {
        items.push(...comments(item.commentBefore))
      }
      items.push(isMap(item) ? this.map(item, false) : this.value(item))
      if (isMap(item)) items.push(...comments(item.comment))
    }
    items.push(...comments(node.comment))
    return { kind: 'seq', items }
  }
}

/** core's YAML budget errors as this package's: the message names the file and never quotes the text. */
function parseWithinBudget(text: string, source: string): ReturnType<typeof parseYamlStream> {
  try {
    // Duplicate keys are checked in the walk (with a Set: the yaml package's own check is quadratic).
    return parseYamlStream(text, { source, uniqueKeys: false })
  } catch (err) {
    if (!isGitOpsError(err, 'CORE_YAML_INVALID', 'CORE_YAML_TOO_LARGE', 'CORE_YAML_TOO_DEEP')) throw err
    throw new SopsError({ code: 'SOPS_INPUT_INVALID', message: err.message, details: { ...err.details, source, reason: err.code }, cause: err })
  }
}

export function parseYaml(text: string, source: string): Branches {
  const { documents, lineCounter: lines } = parseWithinBudget(text, source)
  return documents.map(({ document: doc, resolveAlias }) => {
    const [error] = doc.errors
    if (error !== undefined) {
      const line = lines.linePos(error.pos[0]).line
      // Neither the parser's message nor the error itself is kept: both may quote source text.
      throw new SopsError({
        code: 'SOPS_INPUT_INVALID',
        message: `${source}: line ${line}: invalid YAML: ${YAML_ERRORS[error.code]}`,
        details: { source, line, reason: error.code },
      })
    }
    const convert: Converter = new Converter(resolveAlias, source, lines)
    const contents: unknown = doc.contents
    const head = comments(doc.commentBefore)
    const foot = comments(doc.comment)
    if (contents === null || (isScalar(contents) && contents.value === '' && contents.type === 'PLAIN' && contents.tag === undefined)) {
      return { kind: 'map', items: [...head, ...foot] }
    }
    if (isSeq(contents)) convert.fail(contents, 'YAML documents that are sequences are not supported')
    const body = convert.value(contents)
    if (body.kind === 'null') return { kind: 'map', items: [...head, ...foot] }
    if (body.kind !== 'map') convert.fail(isScalar(contents) ? contents : null, 'YAML documents that are values are not supported')
    return { kind: 'map', items: [...head, ...body.items, ...foot] }
  })
}

// ---------------------------------------------------------------------------------------------
// Emitting, in go-yaml v3's style as sops configures it (indent 4).

const INDENT = 4

function resolvesToString(s: string): boolean {
  return resolvePlain(s).kind === 'str'
}

/** libyaml's check of whether a string may be written plain in block context. */
function plainAllowed(s: string): boolean {
  if (s === '' || /^\s|\s$/.test(s)) return false
  if (/^(---|\.\.\.)/.test(s)) return false
  if (/^[#,[\]{}&*!|>'"%@`]/.test(s)) return false
  if (/^[-?:](\s|$)/.test(s)) return false
  if (/: |:$| #|\t/.test(s)) return false
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\ufeff\u2028\u2029]/.test(s)) return false
  return true
}

function doubleQuoted(s: string): string {
  // eslint-disable-next-line no-control-regex -- libyaml escapes these in double quotes
  return `"${s.replace(/[\u0000-\u001f"\\\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => {
    switch (c) {
      case '"':
        return '\\"'
      case '\\':
        return '\\\\'
      case '\n':
        return '\\n'
      case '\t':
        return '\\t'
      case '\r':
        return '\\r'
      case '\0':
        return '\\0'
      default: {
        const code = c.charCodeAt(0)
        return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`
      }
    }
  })}"`
}

// eslint-disable-next-line no-control-regex
const SPECIAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufeff\u2028\u2029]/

/** go-yaml v3's choice of style for a string (encode.go `stringv`, then the emitter's analysis). */
function emitString(s: string): { inline: string } | { block: string; lines: string[] } {
  const special = SPECIAL.test(s) || s.includes('\t')
  if (s.includes('\n')) {
    if (special || /^[ \t]|[ \t]\n|[ \t]$/.test(s)) return { inline: doubleQuoted(s) }
    const body = s.replace(/\n+$/, '')
    const trailing = s.length - body.length
    const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+'
    return { block: `|${chomp}`, lines: (trailing === 0 ? s : s.slice(0, -1)).split('\n') }
  }
  const canUsePlain = resolvesToString(s) && !isYaml11Bool(s) && !isBase60Float(s)
  if (!canUsePlain || special) return { inline: doubleQuoted(s) }
  if (plainAllowed(s)) return { inline: s }
  return { inline: `'${s.replaceAll("'", "''")}'` }
}

/**
 * go-yaml v3's form of a string that is not UTF-8 (encode.go `stringv`, `encodeBase64`): `!!binary`
 * and its base64, which from 70 characters on is cut into lines of 70, each ending in a newline,
 * and so printed as a literal block.
 */
function emitBinary(bytes: Uint8Array): { inline: string } | { block: string; lines: string[] } {
  const b64 = Buffer.from(bytes).toString('base64')
  if (b64.length < 70) return { inline: `!!binary ${b64}` }
  const lines: string[] = []
  for (let i = 0; i < b64.length; i += 70) lines.push(b64.slice(i, i + 70))
  return { block: '!!binary |', lines }
}

function scalarText(node: Scalar): { inline: string } | { block: string; lines: string[] } {
  switch (node.kind) {
    case 'str':
      return emitString(node.value)
    case 'bytes': {
      const text = goString(node.value)
      return text.kind === 'str' ? emitString(text.value) : emitBinary(node.value)
    }
    case 'int':
      return { inline: node.value.toString() }
    case 'float': {
      const g = formatFloat(node.value, 'g')
      return { inline: g === '+Inf' ? '.inf' : g === '-Inf' ? '-.inf' : g === 'NaN' ? '.nan' : g }
    }
    case 'bool':
      return { inline: node.value ? 'true' : 'false' }
    case 'null':
      return { inline: 'null' }
    case 'time':
      return { inline: node.value }
  }
}

function keyText(key: string): string {
  const t = emitString(key)
  return 'inline' in t ? t.inline : doubleQuoted(key)
}

class Emitter {
  out = ''

  private line(indent: number, text: string): void {
    this.out += `${' '.repeat(indent)}${text}\n`
  }

  private commentLines(indent: number, texts: readonly string[]): void {
    for (const t of texts) this.line(indent, `#${t}`)
  }

  /** Writes `prefix` then the value; `prefix` already holds indentation and `key:` or `- `. */
  private value(prefix: string, node: Node, layout: { indent: number; blockIndent: number; lineComment: string }): void {
    const { indent, blockIndent, lineComment } = layout
    const tail = lineComment === '' ? '' : ` #${lineComment}`
    if (node.kind === 'map') {
      if (!node.items.some((i) => i.kind === 'entry')) {
        this.out += `${prefix}{}${tail}\n`
        this.commentLines(indent, node.items.filter((i) => i.kind === 'comment').map((c) => c.text))
        return
      }
      this.out += `${prefix.trimEnd()}${tail}\n`
      this.map(node, indent)
      return
    }
    if (node.kind === 'seq') {
      if (!node.items.some((i) => i.kind !== 'comment')) {
        this.out += `${prefix}[]${tail}\n`
        return
      }
      this.out += `${prefix.trimEnd()}${tail}\n`
      this.seq(node, indent)
      return
    }
    const text = scalarText(node)
    if ('inline' in text) {
      this.out += `${prefix}${text.inline}${tail}\n`
      return
    }
    this.out += `${prefix}${text.block}${tail}\n`
    for (const l of text.lines) this.out += l === '' ? '\n' : `${' '.repeat(blockIndent)}${l}\n`
  }

  /** Walks a collection's items: head comments above an item, inline ones after its value, the rest at the end. */
  private items<T extends Entry | Node>(
    items: readonly (T | Comment)[],
    layout: { indent: number; firstPrefix: string | undefined },
    emit: (item: T, lead: string, lineComment: string) => void,
  ): void {
    let head: string[] = []
    let inline: string[] = []
    let first = true
    for (const item of items) {
      if (isComment(item)) {
        if (item.inline) inline.push(item.text)
        else head.push(item.text)
        continue
      }
      this.commentLines(layout.indent, head)
      head = []
      emit(item, first && layout.firstPrefix !== undefined ? layout.firstPrefix : ' '.repeat(layout.indent), inline.join(' #'))
      inline = []
      first = false
    }
    this.commentLines(layout.indent, [...head, ...inline])
  }

  map(node: MapNode, indent: number, firstPrefix?: string): void {
    // Inside a sequence item, block scalars indent from the dash, as go-yaml v3 writes them.
    const blockIndent = firstPrefix !== undefined ? indent - 2 + INDENT : indent + INDENT
    this.items(node.items, { indent, firstPrefix }, (item, lead, lineComment) => {
      this.value(`${lead}${keyText(item.key)}: `, item.value, { indent: indent + INDENT, blockIndent, lineComment })
    })
  }

  seq(node: SeqNode, indent: number, firstPrefix?: string): void {
    this.items(node.items, { indent, firstPrefix }, (item, lead, lineComment) => {
      const prefix = `${lead}- `
      if (item.kind === 'map' && item.items.some((i) => i.kind === 'entry')) this.map(item, indent + 2, prefix)
      else if (item.kind === 'seq' && item.items.some((i) => i.kind !== 'comment')) this.seq(item, indent + 2, prefix)
      else this.value(prefix, item, { indent: indent + INDENT, blockIndent: indent + INDENT, lineComment })
    })
  }
}

function isComment(item: Entry | Node | Comment): item is Comment {
  return item.kind === 'comment'
}

/** Prints documents as sops' YAML store does. */
export function emitYaml(branches: Branches): string {
  return branches
    .map((branch) => {
      const e = new Emitter()
      if (!branch.items.some((i) => i.kind === 'entry')) {
        const texts = branch.items.filter((i): i is Comment => i.kind === 'comment').map((c) => `#${c.text}`)
        return texts.length === 0 ? '{}\n' : `${texts.join('\n')}\n{}\n`
      }
      e.map(branch, 0)
      return e.out
    })
    .join('---\n')
}

export const yamlStore: Store = {
  parse(input, source) {
    return parseYaml(decoder.decode(input), source)
  },
  emit(branches) {
    return encoder.encode(emitYaml(branches))
  },
  extract: extractNested,
  insert: insertNested,
  hasMetadata: hasNested,
}
