// YAML text to plain values in the dialects of the Go tools this SDK mirrors: the stream is parsed
// within the shared budget (budget.ts), every scalar arrives as text with its style and tag, and
// go-yaml v3's resolver (resolve.ts; kustomize's kyaml, sops) or go-yaml v2's (resolve11.ts;
// sigs.k8s.io/yaml, which reads kustomization files) decides what a plain scalar means.
import type { Alias, LineCounter, Node as YamlNode, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml'
import { CoreError } from '../errors.js'
import type { KubeMap, KubeScalar, KubeValue } from '../object.js'
import { setOwn } from '../object.js'
import { yamlLib } from '../internal/yaml/lib.js'
import type { YamlBudgetOverrides } from './budget.js'
import { checkYamlSizes, offsetOf, parseYamlStream, resolveYamlBudget } from './budget.js'
import { fastYamlDocuments } from './fastRead.js'
import { composableDepth } from './nesting.js'
import { foldedRoundTripV3 } from './foldedRoundTrip.js'
import type { ResolvedScalar } from './resolve.js'
import { resolveScalar, resolveTaggedScalar } from './resolve.js'
import { resolveScalar11 } from './resolve11.js'

/**
 * One non-empty document of a YAML stream.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export interface YamlValueDocument {
  /** 1-based position of the document in the stream, counting empty documents too. */
  readonly index: number
  /** 1-based line on which the document's content starts. */
  readonly line: number
  /** The document's value, resolved in the chosen dialect. */
  readonly value: KubeValue
}

/**
 * Options of {@link parseYamlValues}.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export interface YamlValuesOptions {
  /** Where the text came from (a file path or URL), named in every error. */
  readonly source: string
  /**
   * Whose reader to mirror. `'v3'`: go-yaml v3 (kyaml, sops): duplicate keys refused, `yes` a
   * string, timestamps as RFC 3339 text. `'v2'`: go-yaml v2 as sigs.k8s.io/yaml reads it: YAML 1.1
   * booleans (`yes`, `on`), the last of duplicate keys wins, timestamps keep their text.
   * @defaultValue `'v3'`
   */
  readonly dialect?: 'v3' | 'v2' | undefined
  /**
   * Limits; missing fields take the default budget's. A `maxDepth` over 1,000 lets aliases expand
   * into values that deep (the walk that expands them keeps its own stack, not the call stack).
   */
  readonly budget?: YamlBudgetOverrides | undefined
  /**
   * Folded block scalars (`>`) as kyaml leaves them after writing a node back with go-yaml v3 and
   * reading it again ({@link foldedRoundTripV3}), which is what kustomize prints. @defaultValue false
   */
  readonly foldedRoundTrip?: boolean | undefined
  /**
   * Called for each null mapping value with the text it was written as (`''` for an empty value,
   * `null`, `~`…): kustomize treats `key:` and `key: null` differently in places.
   */
  readonly onNull?: ((map: KubeMap, key: string, text: string) => void) | undefined
  /**
   * Called for each plain scalar read as a number or a boolean whose text is not JavaScript's
   * `String` of its value (`1.10`, `0x10`, `1e3`, `True`), with the mapping or sequence holding it
   * and its key or index: kustomize copies a scalar's text, not its value, into other fields.
   */
  readonly onScalarText?: ((container: KubeMap | KubeValue[], key: string | number, text: string) => void) | undefined
}

/**
 * Parses a YAML stream into plain values, one per non-empty document, as go-yaml v3 or v2 reads it:
 * anchors, aliases and `<<` merge keys expanded, integers beyond 2^53 as `bigint`, `__proto__` keys
 * as own properties, every document within the budget.
 *
 * @throws `CORE_YAML_INVALID` (syntax errors, a block mapping entry without a key, duplicate keys in
 * the v3 dialect, undefined aliases, a scalar that does not fit its tag) naming the source, document,
 * line and column; `CORE_YAML_TOO_LARGE`; `CORE_YAML_TOO_DEEP`.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function parseYamlValues(text: string, options: YamlValuesOptions): YamlValueDocument[] {
  const dialect = options.dialect ?? 'v3'
  const budget = resolveYamlBudget(options.budget)
  // Plain block YAML, nearly every manifest, is read without building a document tree; the rest,
  // with every error, is the `yaml` package's (whose scan refuses a text possibly nested too deep
  // before parsing it: the fast reader leaves any such text to it).
  checkYamlSizes(text, options.source, budget)
  const fast = fastYamlDocuments(text, { dialect, maxDepth: composableDepth(budget.maxDepth), onNull: options.onNull, onScalarText: options.onScalarText })
  if (fast !== undefined) return fast
  return parseYamlValuesFull(text, options)
}

/** {@link parseYamlValues} without the fast reader: the `yaml` package for every text (for tests). */
export function parseYamlValuesFull(text: string, options: YamlValuesOptions): YamlValueDocument[] {
  const dialect = options.dialect ?? 'v3'
  const { documents, lineCounter } = parseYamlStream(text, { source: options.source, budget: options.budget, uniqueKeys: dialect === 'v3' })
  const out: YamlValueDocument[] = []
  const limits = { source: options.source }
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
    const converter = new Converter({ source: limits.source, index, lineCounter, resolveAlias, text, options: { ...options, dialect } })
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

/** How a null value was written: '' when nothing was. */
function nullText(node: unknown): string {
  if (!isScalar(node)) return ''
  return node.source ?? scalarText(node)
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

/** A sequence being built by {@link Converter}'s walk: the next item to read is `items[index]`. */
interface SeqFrame {
  readonly kind: 'seq'
  readonly items: readonly unknown[]
  readonly out: KubeValue[]
  index: number
}

/**
 * A mapping being built: its pairs in order (`step` 'pairs' picks the next, 'key' and 'value' wait
 * for the alias key's and the value's), then its `<<` merges (`step` 'merge', `index` into `merges`).
 */
interface MapFrame {
  readonly kind: 'map'
  readonly items: readonly unknown[]
  readonly out: KubeMap
  readonly merges: unknown[]
  index: number
  step: 'pairs' | 'key' | 'value' | 'merge'
  name: string
}

type Frame = SeqFrame | MapFrame

/** Whether a mapping key is a `<<` merge key: plain and untagged, or tagged `!!merge`. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && ((key.type === 'PLAIN' && key.tag === undefined && key.value === '<<') || key.tag === MERGE_TAG)
}

/** What {@link Converter}'s walk gets from opening a collection, instead of a value. */
const OPENED: unique symbol = Symbol('opened')
/** What a frame's step returns when the collection is complete. */
const DONE: unique symbol = Symbol('done')

interface ConverterInit {
  readonly source: string
  readonly index: number
  readonly lineCounter: LineCounter
  readonly resolveAlias: (alias: Alias) => YamlNode | undefined
  /** The whole stream, to tell an empty key from a missing one. */
  readonly text: string
  readonly options: YamlValuesOptions & { readonly dialect: 'v3' | 'v2' }
}

class Converter {
  private readonly source: string
  private readonly index: number
  private readonly lineCounter: LineCounter
  private readonly resolveAlias: (alias: Alias) => YamlNode | undefined
  private readonly text: string
  private readonly v2: boolean
  private readonly folded: boolean
  private readonly onNull: YamlValuesOptions['onNull']
  private readonly onScalarText: YamlValuesOptions['onScalarText']

  constructor(init: ConverterInit) {
    this.source = init.source
    this.index = init.index
    this.lineCounter = init.lineCounter
    this.resolveAlias = init.resolveAlias
    this.text = init.text
    this.v2 = init.options.dialect === 'v2'
    this.folded = init.options.foldedRoundTrip === true
    this.onNull = init.options.onNull
    this.onScalarText = init.options.onScalarText
  }

  // The stream was measured against the budget before this walk: alias expansion and depth are
  // bounded. Iterative (an explicit stack of the collections being built), so that a value nested
  // thousands of levels deep through aliases, as a high `maxDepth` allows, costs no call stack.
  value(root: unknown): KubeValue {
    const frames: Frame[] = []
    let node: unknown = root
    for (;;) {
      // Down: aliases resolved, scalars read, a collection opened (its first child next).
      let result: KubeValue | typeof OPENED = this.open(node, frames)
      // Up: each finished value goes to the collection that asked for it.
      for (;;) {
        const frame = frames[frames.length - 1]
        if (frame === undefined) return result as KubeValue
        if (result !== OPENED) this.accept(frame, result)
        const next = this.advance(frame)
        if (next !== DONE) {
          node = next
          break
        }
        frames.pop()
        result = frame.out
      }
    }
  }

  /** The value of `node` if it has no children (aliases followed); otherwise a new frame on `frames`. */
  private open(start: unknown, frames: Frame[]): KubeValue | typeof OPENED {
    let node = start
    while (isAlias(node)) {
      const target = this.resolveAlias(node)
      if (target === undefined) return this.fail(node.range?.[0] ?? 0, `alias *${node.source} refers to an anchor that is not defined`)
      node = target
    }
    if (node === null || node === undefined) return null
    if (isScalar(node)) return this.scalar(node)
    if (isSeq(node)) frames.push({ kind: 'seq', items: node.items, out: [], index: 0 })
    else if (isMap(node)) frames.push({ kind: 'map', items: node.items, out: {}, index: 0, merges: [], step: 'pairs', name: '' })
    else return this.fail(0, 'unsupported YAML node')
    return OPENED
  }

  /** Takes the value of the child `frame` asked for last. */
  private accept(frame: Frame, value: KubeValue): void {
    if (frame.kind === 'seq') {
      frame.out.push(value)
    } else if (frame.step === 'key') {
      // An alias as a key: its value must be a string.
      if (typeof value !== 'string') this.fail(offsetOf((frame.items[frame.index] as Pair).key) ?? 0, 'a mapping key must be a scalar')
      frame.name = value
      frame.step = 'value'
      return
    } else if (frame.step === 'value') {
      const pair = frame.items[frame.index] as Pair
      // Keys are data: `__proto__` becomes an own property, never the map's prototype.
      setOwn(frame.out, frame.name, value)
      if (value === null && this.onNull !== undefined) this.onNull(frame.out, frame.name, nullText(pair.value))
      else this.noteText(frame.out, frame.name, pair.value)
      frame.step = 'pairs'
    } else {
      this.merge(frame.out, value)
    }
    frame.index++
  }

  /** The next child `frame` needs the value of, or DONE when its value is complete. */
  private advance(frame: Frame): unknown {
    if (frame.kind === 'seq') {
      if (frame.index < frame.items.length) return frame.items[frame.index] ?? null
      if (this.onScalarText !== undefined) for (let i = 0; i < frame.out.length; i++) this.noteText(frame.out, i, frame.items[i])
      return DONE
    }
    while (frame.step === 'pairs' && frame.index < frame.items.length) {
      const pair = frame.items[frame.index]
      if (!isPair(pair)) frame.index++
      else if (isMergeKey(pair.key)) {
        frame.merges.push(pair.value)
        frame.index++
      } else if (isAlias(pair.key)) frame.step = 'key'
      else {
        frame.name = this.key(pair.key)
        frame.step = 'value'
      }
    }
    if (frame.step === 'key') return (frame.items[frame.index] as Pair).key
    if (frame.step === 'value') return (frame.items[frame.index] as Pair).value ?? null
    if (frame.step === 'pairs') {
      // `<<` merge keys after the pairs: keys written in the mapping win, then earlier merged mappings over later ones.
      frame.step = 'merge'
      frame.index = 0
    }
    return frame.index < frame.merges.length ? (frame.merges[frame.index] ?? null) : DONE
  }

  private scalar(node: Scalar): KubeValue {
    const text = scalarText(node)
    // A plain scalar tagged `!` resolves as an untagged one, as go-yaml v3's parser does.
    if (node.tag !== undefined && !(node.tag === '!' && node.type === 'PLAIN')) {
      const value = resolveTaggedScalar(node.tag, text)
      if (value === undefined) return this.fail(node.range?.[0] ?? 0, `cannot read ${JSON.stringify(text)} as ${node.tag}`)
      return kubeScalar(value)
    }
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      const block = this.atEndWithoutBreak(node) && text.endsWith('\n') ? text.slice(0, -1) : text
      return node.type === 'BLOCK_FOLDED' && this.folded ? foldedRoundTripV3(block) : block
    }
    if (node.type !== 'PLAIN') return text
    if (this.v2) {
      const r = resolveScalar11(text)
      // go-yaml v2 decodes a timestamp into an interface{} as its text.
      return r.tag === '!!timestamp' ? text : kubeScalar(r)
    }
    return kubeScalar(resolveScalar(text))
  }

  /**
   * Whether a block scalar's last line ends the stream with no line break after it: go-yaml's
   * scanner then has no break to keep, the yaml package adds one.
   */
  private atEndWithoutBreak(node: Scalar): boolean {
    const end = node.range?.[1] ?? 0
    const last = this.text.charCodeAt(this.text.length - 1)
    return end >= this.text.length && last !== 0x0a && last !== 0x0d
  }

  /** Whether the first character from `offset` on, spaces skipped, is the `:` of a mapping entry. */
  private colonAt(offset: number): boolean {
    let i = offset
    while (i >= 0 && this.text.charCodeAt(i) === 0x20) i++
    return i >= 0 && this.text.charCodeAt(i) === 0x3a
  }

  /** Reports the text of a number or boolean written otherwise than `String` writes it. */
  private noteText(container: KubeMap | KubeValue[], key: string | number, node: unknown): void {
    if (this.onScalarText === undefined) return
    const value = (container as Record<string | number, KubeValue>)[key]
    if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') return
    if (!isScalar(node) || node.type !== 'PLAIN') return
    const text = scalarText(node)
    if (text !== String(value)) this.onScalarText(container, key, text)
  }

  /** Merges the value of a `<<` key into `out`, where `out` has no such key yet. */
  private merge(out: KubeMap, value: KubeValue): void {
    const sources = Array.isArray(value) ? value : [value]
    for (const item of sources) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        this.fail(0, 'a merge key (<<) needs a mapping or a sequence of mappings')
      }
      for (const [k, v] of Object.entries(item)) if (!Object.hasOwn(out, k)) setOwn(out, k, v)
    }
  }

  /** The name of a key that is not an alias (an alias as a key is followed by the walk). */
  private key(node: unknown): string {
    if (isScalar(node)) {
      // `: value` with no key at all: the yaml package reads an empty key, go-yaml refuses the line.
      if (node.type === 'PLAIN' && node.tag === undefined && scalarText(node) === '' && this.colonAt(node.range?.[0] ?? -1)) {
        return this.fail(node.range?.[0] ?? 0, 'did not find expected key')
      }
      return scalarText(node)
    }
    return this.fail(offsetOf(node) ?? 0, 'a mapping key must be a scalar')
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
