// sops' YAML store (stores/yaml/store.go on go-yaml v3; FORMAT.md §9): every document a mapping, scalars typed as
// go-yaml types them, comments kept as items of the collection that holds them, aliases expanded,
// and output in go-yaml v3's block style with an indent of 4. The text is parsed through core's one
// YAML budget, so an alias bomb or a deeply nested document is refused before this walk starts.
import { isGitOpsError } from '@gitops-sdk/core/light'
import { parseYamlStream, resolveTaggedScalar, shortTag } from '@gitops-sdk/core/yaml'
import type * as Yaml from 'yaml'
import type { Alias, ErrorCode, LineCounter, Node as YamlNode } from 'yaml'
import { SopsError } from '../../errors.js'
import { entry } from '../tree.js'
import { yamlLib } from '../yamlLib.js'
import type { Branches, Comment, Entry, MapNode, Node, Scalar, SeqNode } from '../tree.js'
import { extractNested, hasNested, insertNested } from './nested.js'
import type { Store } from './store.js'
import { emitYaml } from './yamlEmit.js'
import { resolvePlain, sopsScalar } from './yamlScalars.js'

export { emitYaml } from './yamlEmit.js'
export { resolvePlain } from './yamlScalars.js'

// The yaml package's node tests, loaded with it when a YAML file is first read (yamlLib.ts).
const isAlias = ((node: unknown) => yamlLib().isAlias(node)) as typeof Yaml.isAlias
const isMap = ((node: unknown) => yamlLib().isMap(node)) as typeof Yaml.isMap
const isPair = ((node: unknown) => yamlLib().isPair(node)) as typeof Yaml.isPair
const isScalar = ((node: unknown) => yamlLib().isScalar(node)) as typeof Yaml.isScalar
const isSeq = ((node: unknown) => yamlLib().isSeq(node)) as typeof Yaml.isSeq

const decoder = new TextDecoder('utf-8')
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
