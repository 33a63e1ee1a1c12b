// YAML text to plain values, resolved the way kustomize reads manifests (go-yaml v3 through kyaml):
// the `yaml` package parses with the failsafe schema, so every scalar arrives as text with its
// style and tag, and resolve.ts decides what a plain scalar means.
import { createRequire } from 'node:module'
import type * as Yaml from 'yaml'
import type { Document, LineCounter, Node as YamlNode, Scalar } from 'yaml'
import { CoreError } from '../../errors.js'
import type { KubeMap, KubeValue } from '../../object.js'
import { resolvePlain, resolveTagged } from './resolve.js'

// The yaml package is required on the first parse rather than imported with core: a program that
// takes only core's errors and types (the no-change check of git-source, a CLI command that parses
// no YAML) would otherwise pay its load time at start-up. In Node both \`import\` and \`require\`
// of yaml give its one CJS build, so this is the same module instance other packages import.
let yamlModule: typeof Yaml | undefined
function yaml(): typeof Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml)
}

/** One non-empty document of a YAML stream. */
export interface ParsedDocument {
  /** 1-based position of the document in the stream, counting empty documents too. */
  readonly index: number
  /** 1-based line on which the document's content starts. */
  readonly line: number
  readonly value: KubeValue
}

export interface ParseLimits {
  readonly source: string
  readonly maxDocumentSize: number
  readonly maxAliasExpansion: number
}

export function parseYamlStream(text: string, limits: ParseLimits): ParsedDocument[] {
  checkDocumentSizes(text, limits)
  const { LineCounter, parseAllDocuments, isScalar } = yaml()
  const lineCounter = new LineCounter()
  const docs = parseAllDocuments(text, {
    schema: 'failsafe',
    uniqueKeys: true,
    strict: true,
    prettyErrors: false,
    lineCounter,
  })
  if (!Array.isArray(docs)) return []
  const out: ParsedDocument[] = []
  docs.forEach((doc, i) => {
    const index = i + 1
    const error = doc.errors[0]
    if (error !== undefined) {
      const [line, column] = positionOf(lineCounter, error.pos[0])
      throw new CoreError({
        code: 'CORE_YAML_INVALID',
        message: `${limits.source}: document ${index}, line ${line}, column ${column}: ${describeYamlError(error.code, error.message)}`,
        details: { source: limits.source, document: index, line, column, reason: error.code },
        cause: error,
      })
    }
    const contents = doc.contents
    if (contents === null) return
    if (isScalar(contents) && contents.value === '' && contents.type === 'PLAIN' && contents.tag === undefined) return
    const converter = new Converter({ doc, limits, index, lineCounter })
    const [line] = positionOf(lineCounter, contents.range[0])
    out.push({ index, line, value: converter.value(contents) })
  })
  return out
}

function describeYamlError(code: string, message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
  switch (code) {
    case 'DUPLICATE_KEY':
      return `duplicate mapping key (${first})`
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed as indentation'
    default:
      return first
  }
}

function positionOf(lineCounter: LineCounter, offset: number): [number, number] {
  const pos = lineCounter.linePos(offset)
  return [pos.line, pos.col]
}

/**
 * Refuses a document over the size limit before parsing it: a 50 MB document would otherwise take
 * the parser seconds and gigabytes before anything could say it is too big. Document markers at the
 * start of a line (`---`, `...`) end a document in YAML wherever they appear, so a scan finds them.
 */
function checkDocumentSizes(text: string, limits: ParseLimits): void {
  if (text.length <= limits.maxDocumentSize) return
  const marker = /^---(?=[ \t\r\n]|$)/gm
  let start = 0
  let index = 1
  for (;;) {
    const match = marker.exec(text)
    const end = match === null ? text.length : match.index
    if (end - start > limits.maxDocumentSize) {
      throw new CoreError({
        code: 'CORE_YAML_TOO_LARGE',
        message: `${limits.source}: document ${index} is ${end - start} characters, over the limit of ${limits.maxDocumentSize}`,
        details: { source: limits.source, document: index, size: end - start, limit: limits.maxDocumentSize },
      })
    }
    if (match === null) return
    if (match.index > 0) index += 1
    start = match.index + 3
  }
}

const MERGE_TAG = 'tag:yaml.org,2002:merge'

/** The text of a scalar; with the failsafe schema every value is a string, or null when empty. */
function scalarText(node: Scalar): string {
  const value: unknown = node.value
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value)
}

class Converter {
  private readonly yaml = yaml()
  private expanded = 0
  private readonly active = new Set<YamlNode>()

  private readonly doc: Document.Parsed
  private readonly limits: ParseLimits
  private readonly index: number
  private readonly lineCounter: LineCounter

  constructor(init: { doc: Document.Parsed; limits: ParseLimits; index: number; lineCounter: LineCounter }) {
    this.doc = init.doc
    this.limits = init.limits
    this.index = init.index
    this.lineCounter = init.lineCounter
  }

  value(node: unknown): KubeValue {
    if (node === null || node === undefined) return null
    if (this.yaml.isAlias(node)) return this.alias(node.source, node.range?.[0] ?? 0, () => node.resolve(this.doc))
    if (this.yaml.isScalar(node)) return this.scalar(node)
    if (this.yaml.isSeq(node)) return this.guard(node, () => node.items.map((item) => this.value(item)))
    if (this.yaml.isMap(node)) return this.guard(node, () => this.map(node.items))
    return this.fail(0, 'unsupported YAML node')
  }

  private guard<T>(node: YamlNode, build: () => T): T {
    if (this.active.has(node)) this.fail(node.range?.[0] ?? 0, 'an alias refers to a node that contains it')
    this.active.add(node)
    try {
      return build()
    } finally {
      this.active.delete(node)
    }
  }

  private alias(name: string, offset: number, resolve: () => YamlNode | undefined): KubeValue {
    const target = resolve()
    if (target === undefined) return this.fail(offset, `alias *${name} refers to an anchor that is not defined`)
    this.expanded += 1
    if (this.expanded > this.limits.maxAliasExpansion) {
      return this.fail(offset, `more than ${this.limits.maxAliasExpansion} alias expansions (a YAML bomb?)`)
    }
    return this.value(target)
  }

  private scalar(node: Scalar): KubeValue {
    const text = scalarText(node)
    if (node.tag !== undefined) {
      const value = resolveTagged(node.tag, text)
      if (value === undefined) return this.fail(node.range?.[0] ?? 0, `cannot read ${JSON.stringify(text)} as ${node.tag}`)
      return value
    }
    if (node.type !== 'PLAIN') return text
    const resolved = resolvePlain(text)
    return resolved.kind === 'merge' ? '<<' : resolved.value
  }

  private map(items: readonly unknown[]): KubeMap {
    const out: KubeMap = {}
    const merges: unknown[] = []
    for (const pair of items) {
      if (!this.yaml.isPair(pair)) continue
      const key = pair.key
      if (this.yaml.isScalar(key) && key.type === 'PLAIN' && key.tag === undefined && key.value === '<<') {
        merges.push(pair.value)
        continue
      }
      if (this.yaml.isScalar(key) && key.tag === MERGE_TAG) {
        merges.push(pair.value)
        continue
      }
      out[this.key(key)] = this.value(pair.value)
    }
    for (const merge of merges) this.merge(out, merge)
    return out
  }

  /** `<<` merge keys: keys written in the mapping win, then earlier merged mappings over later ones. */
  private merge(out: KubeMap, source: unknown): void {
    const value = this.value(source)
    const sources = Array.isArray(value) ? value : [value]
    for (const item of sources) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        this.fail(0, 'a merge key (<<) needs a mapping or a sequence of mappings')
      }
      for (const [k, v] of Object.entries(item)) if (!(k in out)) out[k] = v
    }
  }

  private key(node: unknown): string {
    if (this.yaml.isScalar(node)) return scalarText(node)
    if (this.yaml.isAlias(node)) {
      const value = this.alias(node.source, node.range?.[0] ?? 0, () => node.resolve(this.doc))
      if (typeof value === 'string') return value
    }
    const offset = node !== null && typeof node === 'object' && 'range' in node ? ((node as YamlNode).range?.[0] ?? 0) : 0
    return this.fail(offset, 'a mapping key must be a scalar')
  }

  private fail(offset: number, reason: string): never {
    const [line, column] = positionOf(this.lineCounter, offset)
    throw new CoreError({
      code: 'CORE_YAML_INVALID',
      message: `${this.limits.source}: document ${this.index}, line ${line}, column ${column}: ${reason}`,
      details: { source: this.limits.source, document: this.index, line, column },
    })
  }
}
