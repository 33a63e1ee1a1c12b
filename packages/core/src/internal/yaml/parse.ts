// YAML text to plain values, resolved the way kustomize reads manifests (go-yaml v3 through kyaml):
// the stream is parsed within the shared budget (yaml/budget.ts), every scalar arrives as text with
// its style and tag, and go-yaml v3's resolver (yaml/resolve.ts) decides what a plain scalar means.
import type { Alias, LineCounter, Node as YamlNode, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml'
import { CoreError } from '../../errors.js'
import type { KubeMap, KubeScalar, KubeValue } from '../../object.js'
import { setOwn } from '../../object.js'
import { yamlLib } from './lib.js'
import type { YamlBudgetOverrides } from '../../yaml/budget.js'
import { parseYamlStream } from '../../yaml/budget.js'
import type { ResolvedScalar } from '../../yaml/resolve.js'
import { resolveScalar, resolveTaggedScalar } from '../../yaml/resolve.js'

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
  readonly budget: YamlBudgetOverrides
}

export function parseYamlStream3(text: string, limits: ParseLimits): ParsedDocument[] {
  const { documents, lineCounter } = parseYamlStream(text, { source: limits.source, budget: limits.budget })
  const out: ParsedDocument[] = []
  for (const { index, document: doc, resolveAlias } of documents) {
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
    if (contents === null) continue
    if (isScalar(contents) && contents.value === '' && contents.type === 'PLAIN' && contents.tag === undefined) continue
    const converter = new Converter({ source: limits.source, index, lineCounter, resolveAlias })
    const [line] = positionOf(lineCounter, contents.range[0])
    out.push({ index, line, value: converter.value(contents) })
  }
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

const MERGE_TAG = 'tag:yaml.org,2002:merge'
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER)
const utf8 = new TextDecoder()

const { isAlias, isMap, isPair, isScalar, isSeq } = {
  isAlias: (n: unknown): n is Alias => yamlLib().isAlias(n),
  isMap: (n: unknown): n is YAMLMap => yamlLib().isMap(n),
  isPair: (n: unknown): n is Pair => yamlLib().isPair(n),
  isScalar: (n: unknown): n is Scalar => yamlLib().isScalar(n),
  isSeq: (n: unknown): n is YAMLSeq => yamlLib().isSeq(n),
}

/** The text of a scalar; with the failsafe schema every value is a string, or null when empty. */
function scalarText(node: Scalar): string {
  const value: unknown = node.value
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value)
}

/** A resolved scalar as a manifest holds it: safe integers as numbers, timestamps as their RFC 3339 text. */
function kubeScalar(r: ResolvedScalar): KubeScalar {
  switch (r.tag) {
    case '!!int':
      return r.value >= -SAFE_MAX && r.value <= SAFE_MAX ? Number(r.value) : r.value
    case '!!binary':
      return utf8.decode(r.value)
    case '!!bool':
    case '!!float':
    case '!!null':
    case '!!str':
    case '!!timestamp':
      return r.value
  }
}

class Converter {
  private readonly source: string
  private readonly index: number
  private readonly lineCounter: LineCounter
  private readonly resolveAlias: (alias: Alias) => YamlNode | undefined

  constructor(init: { source: string; index: number; lineCounter: LineCounter; resolveAlias: (alias: Alias) => YamlNode | undefined }) {
    this.source = init.source
    this.index = init.index
    this.lineCounter = init.lineCounter
    this.resolveAlias = init.resolveAlias
  }

  // The stream was measured against the budget before this walk: alias expansion and depth are bounded.
  value(node: unknown): KubeValue {
    if (node === null || node === undefined) return null
    if (isAlias(node)) return this.alias(node)
    if (isScalar(node)) return this.scalar(node)
    if (isSeq(node)) return node.items.map((item) => this.value(item))
    if (isMap(node)) return this.map(node.items)
    return this.fail(0, 'unsupported YAML node')
  }

  private alias(node: Alias): KubeValue {
    const target = this.resolveAlias(node)
    if (target === undefined) return this.fail(node.range?.[0] ?? 0, `alias *${node.source} refers to an anchor that is not defined`)
    return this.value(target)
  }

  private scalar(node: Scalar): KubeValue {
    const text = scalarText(node)
    // A plain scalar tagged `!` resolves as an untagged one, as go-yaml v3's parser does.
    if (node.tag !== undefined && !(node.tag === '!' && node.type === 'PLAIN')) {
      const value = resolveTaggedScalar(node.tag, text)
      if (value === undefined) return this.fail(node.range?.[0] ?? 0, `cannot read ${JSON.stringify(text)} as ${node.tag}`)
      return kubeScalar(value)
    }
    if (node.type !== 'PLAIN') return text
    return kubeScalar(resolveScalar(text))
  }

  private map(items: readonly unknown[]): KubeMap {
    const out: KubeMap = {}
    const merges: unknown[] = []
    for (const pair of items) {
      if (!isPair(pair)) continue
      const key = pair.key
      if (isScalar(key) && key.type === 'PLAIN' && key.tag === undefined && key.value === '<<') {
        merges.push(pair.value)
        continue
      }
      if (isScalar(key) && key.tag === MERGE_TAG) {
        merges.push(pair.value)
        continue
      }
      // Keys are data: `__proto__` becomes an own property, never the map's prototype.
      setOwn(out, this.key(key), this.value(pair.value))
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
      for (const [k, v] of Object.entries(item)) if (!Object.hasOwn(out, k)) setOwn(out, k, v)
    }
  }

  private key(node: unknown): string {
    if (isScalar(node)) return scalarText(node)
    if (isAlias(node)) {
      const value = this.alias(node)
      if (typeof value === 'string') return value
    }
    const offset = node !== null && typeof node === 'object' && 'range' in node ? ((node as YamlNode).range?.[0] ?? 0) : 0
    return this.fail(offset, 'a mapping key must be a scalar')
  }

  private fail(offset: number, reason: string): never {
    const [line, column] = positionOf(this.lineCounter, offset)
    throw new CoreError({
      code: 'CORE_YAML_INVALID',
      message: `${this.source}: document ${this.index}, line ${line}, column ${column}: ${reason}`,
      details: { source: this.source, document: this.index, line, column },
    })
  }
}
