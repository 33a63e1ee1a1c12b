// One YAML budget for every package: how large a document may be, how many aliases it may expand
// and how deep it may nest, checked before any package walks the document. Aliases are counted as
// they would be expanded, with each anchored subtree measured once, so a 400-byte "billion laughs"
// is refused in microseconds instead of being built.
import type { Alias, Document, LineCounter as LineCounterType, Node as YamlNode } from 'yaml'
import { CoreError } from '../errors.js'
import { yamlLib } from '../internal/yaml/lib.js'
import { measuredTokens, withinYamlNesting } from './nesting.js'

/**
 * Limits on one YAML document.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export interface YamlBudget {
  /** Largest document, in characters; checked by a scan before parsing. @defaultValue 8 MiB */
  readonly maxDocumentSize: number
  /** Most alias expansions in one document, counted as if every alias were expanded. @defaultValue 10,000 */
  readonly maxAliasExpansion: number
  /**
   * Deepest nesting of collections, aliases expanded. Nesting the parser itself builds (aliases
   * not expanded) is also refused beyond 512 levels, the deepest the `yaml` composer, which recurses
   * per level, builds safely on Node's default stack; so a higher `maxDepth` only lets aliases nest
   * deeper. The `yaml` CST parser is never let hold more than 1,000 collections open, whatever
   * `maxDepth` is (its recursion closing them overflows near 1,800): past that, a text is refused
   * at once with that line, as deeper than the composer builds.
   * @defaultValue 1,000
   */
  readonly maxDepth: number
}

/**
 * Some limits of a {@link YamlBudget}; the others keep their defaults.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export type YamlBudgetOverrides = { readonly [K in keyof YamlBudget]?: number | undefined }

/**
 * The budget every package applies unless its caller passes another.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export const defaultYamlBudget: YamlBudget = Object.freeze({
  maxDocumentSize: 8 * 1024 * 1024,
  maxAliasExpansion: 10_000,
  maxDepth: 1_000,
})

/**
 * Options of {@link parseYamlStream}.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export interface YamlStreamOptions {
  /** Where the text came from (a file path or URL), named in every error. */
  readonly source: string
  /** Limits; missing fields take {@link defaultYamlBudget}'s. */
  readonly budget?: YamlBudgetOverrides | undefined
  /** Refuse duplicate mapping keys while parsing. @defaultValue true */
  readonly uniqueKeys?: boolean | undefined
}

/**
 * One document of a {@link YamlStream}.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export interface YamlStreamDocument {
  /** 1-based position in the stream, counting empty documents too. */
  readonly index: number
  /** The parsed document, with its nodes and errors. */
  readonly document: Document.Parsed
  /**
   * The node an alias refers to (the last node anchored with its name before it), or undefined.
   * Use it instead of `Alias.resolve`, which searches the whole document on every call.
   */
  readonly resolveAlias: (alias: Alias) => YamlNode | undefined
}

/**
 * The documents of a stream as the `yaml` package parsed them (failsafe schema), within budget.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export interface YamlStream {
  /** The documents, in stream order. */
  readonly documents: readonly YamlStreamDocument[]
  /** Turns offsets into line and column, for error messages. */
  readonly lineCounter: LineCounterType
}

/**
 * Resolves every alias of a document in one walk, in the order `yaml`'s own `Alias.resolve` uses
 * (pre-order, keys before values): an alias refers to the last node anchored with its name before
 * it. Iterative, so a document nested deeper than the stack is still walked.
 */
function aliasTargets(doc: Document.Parsed): Map<Alias, YamlNode> {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yamlLib()
  const anchors = new Map<string, YamlNode>()
  const targets = new Map<Alias, YamlNode>()
  const stack: unknown[] = [doc.contents]
  while (stack.length > 0) {
    const node = stack.pop()
    if (node === null || node === undefined) continue
    if (isAlias(node)) {
      const target = anchors.get(node.source)
      if (target !== undefined) targets.set(node, target)
      continue
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) continue
    if (node.anchor !== undefined) anchors.set(node.anchor, node)
    const children: unknown[] = []
    if (isMap(node)) {
      for (const pair of node.items) if (isPair(pair)) children.push(pair.key, pair.value)
    } else if (isSeq(node)) {
      children.push(...node.items)
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i])
  }
  return targets
}

function budgetError(code: 'CORE_YAML_INVALID' | 'CORE_YAML_TOO_DEEP', where: { source: string; document: number; line?: number | undefined }, reason: string): CoreError {
  const { source, document, line } = where
  const at = line === undefined ? '' : `, line ${line}`
  return new CoreError({
    code,
    message: `${source}: document ${document}${at}: ${reason}`,
    details: { source, document, ...(line === undefined ? {} : { line }) },
  })
}

/**
 * Refuses a document over the size limit before parsing it: a 50 MB document would otherwise take
 * the parser seconds and gigabytes before anything could say it is too big. Document markers at the
 * start of a line (`---`) end a document in YAML wherever they appear, so a scan finds them.
 */
function checkDocumentSizes(text: string, source: string, limit: number): void {
  if (text.length <= limit) return
  const marker = /^---(?=[ \t\r\n]|$)/gm
  let start = 0
  let index = 1
  for (;;) {
    const match = marker.exec(text)
    const end = match === null ? text.length : match.index
    if (end - start > limit) {
      throw new CoreError({
        code: 'CORE_YAML_TOO_LARGE',
        message: `${source}: document ${index} is ${end - start} characters, over the limit of ${limit}`,
        details: { source, document: index, size: end - start, limit },
      })
    }
    if (match === null) return
    if (match.index > 0) index += 1
    start = match.index + 3
  }
}

interface Measure {
  readonly aliases: number
  readonly height: number
}

/** Measures one document: alias expansions and nesting, each anchored node measured once. */
class Meter {
  private readonly memo = new Map<unknown, Measure>()
  private readonly active = new Set<unknown>()

  constructor(
    private readonly resolveAlias: (alias: Alias) => YamlNode | undefined,
    private readonly budget: YamlBudget,
    private readonly fail: (code: 'CORE_YAML_INVALID' | 'CORE_YAML_TOO_DEEP', node: unknown, reason: string) => never,
  ) {}

  private readonly y = yamlLib()

  measure(node: unknown, depth: number): Measure {
    const { isAlias, isMap, isPair, isScalar, isSeq } = this.y
    if (node === null || node === undefined || isScalar(node)) return { aliases: 0, height: 0 }
    const known = this.memo.get(node)
    if (known !== undefined) return this.within(node, known, depth)
    if (this.active.has(node)) this.fail('CORE_YAML_INVALID', node, 'an alias refers to a node that contains it')
    let result: Measure
    if (isAlias(node)) {
      const target = this.resolveAlias(node)
      if (target === undefined) return { aliases: 1, height: 0 }
      this.active.add(node)
      const inner = this.measure(target, depth)
      this.active.delete(node)
      result = { aliases: inner.aliases + 1, height: inner.height }
    } else {
      if (depth + 1 > this.budget.maxDepth) this.tooDeep(node)
      this.active.add(node)
      let aliases = 0
      let height = 0
      const children: unknown[] = []
      if (isMap(node)) {
        for (const pair of node.items) if (isPair(pair)) children.push(pair.key, pair.value)
      } else if (isSeq(node)) {
        children.push(...node.items)
      }
      for (const child of children) {
        const m = this.measure(child, depth + 1)
        aliases += m.aliases
        if (aliases > this.budget.maxAliasExpansion) this.tooManyAliases(child)
        if (m.height > height) height = m.height
      }
      this.active.delete(node)
      result = { aliases, height: height + 1 }
    }
    this.memo.set(node, result)
    return this.within(node, result, depth)
  }

  private within(node: unknown, m: Measure, depth: number): Measure {
    if (m.aliases > this.budget.maxAliasExpansion) this.tooManyAliases(node)
    if (depth + m.height > this.budget.maxDepth) this.tooDeep(node)
    return m
  }

  private tooManyAliases(node: unknown): never {
    return this.fail('CORE_YAML_INVALID', node, `more than ${this.budget.maxAliasExpansion} alias expansions (a YAML bomb?)`)
  }

  private tooDeep(node: unknown): never {
    return this.fail('CORE_YAML_TOO_DEEP', node, `nested more than ${this.budget.maxDepth} levels deep`)
  }
}

/** Where a node of the `yaml` package starts in its text, if it is a node that knows. */
export function offsetOf(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined
  return (node as YamlNode).range?.[0]
}

/**
 * Parses a YAML stream with the `yaml` package (failsafe schema: every scalar stays text with its
 * style and tag, for a dialect's resolver to read) and checks every document that parsed without
 * errors against the budget, so that the caller's walk over it is bounded. Syntax errors are left
 * in each document's `errors` for the caller to report in its own words.
 *
 * @throws `CORE_YAML_TOO_LARGE` (a document over `maxDocumentSize`), `CORE_YAML_INVALID` (more alias
 * expansions than `maxAliasExpansion`, an alias inside its own anchor), `CORE_YAML_TOO_DEEP` (nesting
 * beyond `maxDepth`, or too deep for the parser itself); each names the source, and the document or the line.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function parseYamlStream(text: string, options: YamlStreamOptions): YamlStream {
  const { source } = options
  const budget = resolveYamlBudget(options.budget)
  checkDocumentSizes(text, source, budget.maxDocumentSize)
  const { Composer, LineCounter } = yamlLib()
  const lineCounter = new LineCounter()
  // What `parseAllDocuments` does, with each document's nesting measured on its CST before the
  // composer (which recurses once per level) builds it: one lex and parse for both.
  const tokens = measuredTokens(text, { source, limit: budget.maxDepth, onNewLine: lineCounter.addNewLine })
  let parsed: Document.Parsed[]
  try {
    const composer = new Composer({ schema: 'failsafe', uniqueKeys: options.uniqueKeys ?? true, strict: true })
    parsed = Array.from<Document.Parsed>(composer.compose(tokens))
  } catch (err) {
    // The composer catches its own overflows (RESOURCE_EXHAUSTION, below) and measuredTokens turns
    // the CST parser's into a too-deep error with the line when the text is deep there: a last
    // guard against a caller that left little stack, which calls the text too deep only if the
    // scan says it may be (a shallow text near the end of the caller's stack is not too deep: its
    // RangeError is the caller's own).
    if (err instanceof RangeError && !withinYamlNesting(text, budget.maxDepth)) {
      throw new CoreError({
        code: 'CORE_YAML_TOO_DEEP',
        message: `${source}: nested too deeply to parse`,
        details: { source },
        cause: err,
      })
    }
    throw err
  }
  const documents = parsed.map((doc, i): YamlStreamDocument => {
    const stackError = doc.errors.find((e) => e.message.includes('Maximum call stack size exceeded'))
    if (stackError !== undefined) {
      // The composer caught its own stack overflow (a caller that left it little): the nesting is
      // too deep, not the syntax wrong; the line is where the collection it gave up on starts.
      // Unless the scan says the text is shallow: then the overflow is the caller's own.
      if (withinYamlNesting(text, budget.maxDepth)) throw new RangeError(stackError.message.split('\n')[0] ?? stackError.message, { cause: stackError })
      const line = lineCounter.linePos(stackError.pos[0]).line
      throw budgetError('CORE_YAML_TOO_DEEP', { source, document: i + 1, line }, 'nested too deeply to parse')
    }
    if (doc.errors.length > 0) return { index: i + 1, document: doc, resolveAlias: () => undefined }
    const targets = aliasTargets(doc)
    const resolveAlias = (alias: Alias): YamlNode | undefined => targets.get(alias)
    const fail = (code: 'CORE_YAML_INVALID' | 'CORE_YAML_TOO_DEEP', node: unknown, reason: string): never => {
      const offset = offsetOf(node)
      const line = offset === undefined ? undefined : lineCounter.linePos(offset).line
      throw budgetError(code, { source, document: i + 1, line }, reason)
    }
    new Meter(resolveAlias, budget, fail).measure(doc.contents, 0)
    return { index: i + 1, document: doc, resolveAlias }
  })
  return { documents, lineCounter }
}

/**
 * Why `text` nests too deeply for the `yaml` package's parser to build it safely, or `undefined`:
 * the `CORE_YAML_TOO_DEEP` error naming `source` and the line, from the measure
 * {@link parseYamlStream} runs on the parser's tokens before it composes (nesting beyond the default
 * `maxDepth`, or beyond the 512 levels the composer builds safely), without composing and without
 * the alias meter: depth reached through aliases is no risk to that parser, which does not recurse
 * through them. Every other fault (syntax, size, aliases) is left to the caller's own parse. For a
 * caller that parses text from outside with the `yaml` package itself (its own options and results)
 * and must not hand it text nested thousands deep: that parser's composer recurses once per level,
 * and near the end of the stack V8 may abort the whole process, which no `catch` stops.
 * `withinYamlNesting` is a quicker scan, not a proof for that parser.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function yamlNestingError(text: string, source: string): CoreError | undefined {
  try {
    const tokens = measuredTokens(text, { source, limit: defaultYamlBudget.maxDepth, onNewLine: () => undefined })
    while (tokens.next().done !== true) {
      // Each document is measured as it is handed on.
    }
  } catch (err) {
    // The measure turns an overflow of the CST parser's own recursion into this error too.
    if (err instanceof CoreError && err.code === 'CORE_YAML_TOO_DEEP') return err
    throw err
  }
  return undefined
}

/**
 * Refuses a text with a document over the size limit (`CORE_YAML_TOO_LARGE`), as every reader
 * does before it parses.
 */
export function checkYamlSizes(text: string, source: string, budget: YamlBudget): void {
  checkDocumentSizes(text, source, budget.maxDocumentSize)
}

/** The budget with `overrides` applied. */
export function resolveYamlBudget(overrides: YamlBudgetOverrides | undefined): YamlBudget {
  return { ...defaultYamlBudget, ...stripUndefined(overrides) }
}

function stripUndefined(budget: YamlBudgetOverrides | undefined): Partial<YamlBudget> {
  const out: { -readonly [K in keyof YamlBudget]?: number } = {}
  if (budget === undefined) return out
  for (const key of ['maxDocumentSize', 'maxAliasExpansion', 'maxDepth'] as const) {
    const v = budget[key]
    if (v !== undefined) out[key] = v
  }
  return out
}
