// The nesting check of every YAML parse: a cheap scan over the characters first, and only when it
// trips, the real nesting, measured with the `yaml` package's lexer and CST parser (iterative) and
// stopped as soon as it passes the limit. The composer that builds documents recurses once per
// level: without this check, ten thousand levels would overflow its stack.
import type { CST } from 'yaml'
import { CoreError } from '../errors.js'
import { yamlLib } from '../internal/yaml/lib.js'

/**
 * The deepest nesting the `yaml` composer is given: it recurses once per level, about 1.3 KB of
 * stack a level, and overflows Node's default stack (984 KB) near 785 flow levels (fewer under a
 * deep caller); an overflow there can abort the process (V8 compiling a regular expression with the
 * stack exhausted: "RegExpCompiler Allocation failed"). Each document is measured before it is
 * composed, and one deeper than this is refused as too deep, whatever `maxDepth` allows.
 */
export const composerMaxDepth = 512

/** The depth a parse with a `maxDepth` of `limit` may compose: `limit`, or {@link composerMaxDepth} if lower. */
export function composableDepth(limit: number): number {
  return Math.min(limit, composerMaxDepth)
}

/**
 * Where nesting may first exceed `limit` in `text`: the index of the first character of the line
 * or of the bracket at which it may; -1 when it never does. A cheap bound, one pass over the
 * characters: one level for the document's top collection, plus two per `[` and one per `{` still
 * open (wherever they are: inside quotes, comments and block scalars too; two for `[` because a
 * pair in a flow sequence, `[a: [b: …]]`, is a mapping of its own), plus the columns of
 * indentation (spaces and tabs) and of the compact `-` and `?` entries (followed by a space or a
 * tab) that start the line. A lone CR starts a line for this count but does not reset it: the
 * `yaml` lexer does not break lines there, YAML does. Block collections nest only by indenting or
 * by such an entry (a sequence may sit at its mapping key's column, but its entries' contents then
 * start two columns in), so only aliases, and closing brackets inside quotes or comments, which
 * this scan takes as real, make text nest deeper than this counts; each document's real nesting
 * is measured before the composer builds it ({@link composedDepthExceededAt}).
 */
function nestingMayExceedAt(text: string, limit: number): number {
  return scanNesting(text, limit).exceededAt
}

/** What {@link scanNesting} found. */
interface NestingScan {
  /** Where the count first reaches the limit, or -1. */
  readonly exceededAt: number
  /** The highest count reached (when `exceededAt` is -1). */
  readonly peak: number
  /**
   * The levels the closing brackets took off the count (two per `]`, one per `}`): an upper bound
   * on what closers inside quotes or comments, which close nothing, took off wrongly.
   */
  readonly closed: number
}

/** {@link nestingMayExceedAt}, with the peak and the closers counted. */
function scanNesting(text: string, limit: number): NestingScan {
  let peak = 0
  let closed = 0
  let seqs = 0
  let maps = 0
  let lineStart = true
  let block = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x0a) {
      lineStart = true
      block = 0
      continue
    }
    if (c === 0x0d) {
      // CR LF is a line break (the LF resets); a lone CR starts a line without resetting.
      lineStart = true
      continue
    }
    if (lineStart) {
      if (c === 0x20 || c === 0x09) {
        block++
        continue
      }
      const after = text.charCodeAt(i + 1)
      if ((c === 0x2d || c === 0x3f) && (after === 0x20 || after === 0x09)) {
        block += 2
        i++
        continue
      }
      lineStart = false
      const count = 2 * seqs + maps + block
      if (count >= limit) return { exceededAt: i, peak: count, closed }
      if (count > peak) peak = count
    }
    if (c === 0x5b) seqs++
    else if (c === 0x7b) maps++
    else if (c === 0x5d) {
      if (seqs > 0) {
        seqs--
        closed += 2
      }
      continue
    } else if (c === 0x7d) {
      if (maps > 0) {
        maps--
        closed++
      }
      continue
    } else continue
    const count = 2 * seqs + maps + block
    if (count >= limit) return { exceededAt: i, peak: count, closed }
    if (count > peak) peak = count
  }
  return { exceededAt: -1, peak, closed }
}

function isCollectionToken(token: CST.Token | undefined): token is CST.BlockMap | CST.BlockSequence | CST.FlowCollection {
  return token !== undefined && (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection')
}

/**
 * Whether the composer makes an item of a flow sequence a pair, which it wraps in a mapping of its
 * own (`[a: b]` is a sequence holding the mapping `{a: b}`): it has a `:` part or starts with `?`.
 */
function isFlowSeqPair(item: CST.CollectionItem): boolean {
  return item.sep !== undefined || item.start.some((t) => t.type === 'explicit-key-ind')
}

/** Where a flow sequence's pair begins, as the composer gives its mapping's range. */
function pairOffset(item: CST.CollectionItem, collection: CST.Token): number {
  return item.key?.offset ?? item.start[0]?.offset ?? item.value?.offset ?? collection.offset
}

/**
 * Where the nesting of one parsed document first exceeds `limit` (document order), counted as the
 * composer builds it: each collection is a level, and so is the mapping around a pair in a flow
 * sequence. The offset of the collection that exceeds, or -1. Iterative: depth costs no stack.
 */
function composedDepthExceededAt(doc: CST.Token, limit: number): number {
  // Only collections are pushed (scalars nest nothing), each with its depth, later siblings first
  // so that they pop in document order.
  const tokens: CST.Token[] = []
  const depths: number[] = []
  const root = doc.type === 'document' ? doc.value : doc
  if (isCollectionToken(root)) {
    tokens.push(root)
    depths.push(0)
  }
  for (let token = tokens.pop(); token !== undefined; token = tokens.pop()) {
    const level = (depths.pop() ?? 0) + 1
    if (!isCollectionToken(token)) continue
    if (level > limit) return token.offset
    const items = token.items as CST.CollectionItem[]
    const flowSeq = token.type === 'flow-collection' && token.start.source === '['
    const mark = tokens.length
    for (const item of items) {
      let inner = level
      if (flowSeq && isFlowSeqPair(item)) {
        if (level + 1 > limit) return pairOffset(item, token)
        inner = level + 1
      }
      if (isCollectionToken(item.key ?? undefined)) {
        tokens.push(item.key as CST.Token)
        depths.push(inner)
      }
      if (isCollectionToken(item.value)) {
        tokens.push(item.value)
        depths.push(inner)
      }
    }
    // Reverse what this collection pushed, so that its first child pops first.
    for (let i = mark, j = tokens.length - 1; i < j; i++, j--) {
      const t = tokens[i] as CST.Token
      tokens[i] = tokens[j] as CST.Token
      tokens[j] = t
      const d = depths[i] as number
      depths[i] = depths[j] as number
      depths[j] = d
    }
  }
  return -1
}

/**
 * Where the nesting along the parser's stack of open tokens first exceeds `limit`, or -1. The
 * mapping around a pair of a flow sequence counts once the pair is known (its `?` or `:` read).
 */
function openDepthExceededAt(open: readonly CST.Token[], limit: number): number {
  let depth = 0
  for (let i = 0; i < open.length; i++) {
    const token = open[i]
    if (!isCollectionToken(token)) continue
    depth++
    if (depth > limit) return token.offset
    if (token.type === 'flow-collection' && token.start.source === '[' && i + 1 < open.length) {
      const item = token.items[token.items.length - 1]
      const pair = item !== undefined && item.value === undefined && (item.sep?.some((t) => t.type === 'map-value-ind') === true || item.start.some((t) => t.type === 'explicit-key-ind'))
      if (pair) {
        depth++
        if (depth > limit) return pairOffset(item, token)
      }
    }
  }
  return -1
}

/**
 * Where the real nesting of `text` first exceeds `limit`, read with the `yaml` package's lexer
 * and CST parser (both iterative: a token stack, no recursion per level), so that brackets inside
 * quotes, comments and block scalars do not count. The parser is fed one token at a time and
 * stopped as soon as its stack of open collections passes the limit, so a hostile text costs
 * time linear in the limit, not in its depth. -1 when the nesting stays within the limit.
 */
function nestingExceededAt(text: string, limit: number): number {
  const { Lexer, Parser } = yamlLib()
  const parser = new Parser()
  const open = parser.stack
  const check = (doc: CST.Token): number => composedDepthExceededAt(doc, limit)
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) {
      const at = check(token)
      if (at >= 0) return at
    }
    // The document at the bottom, a scalar being read at the top, collections between.
    const n = open.length
    const collections = n - (open[0]?.type === 'document' ? 1 : 0) - (isCollectionToken(open[n - 1]) ? 0 : 1)
    if (collections > limit) {
      // More collections open than the limit: this walk finds where it is passed.
      const at = openDepthExceededAt(open, limit)
      if (at >= 0) return at
    }
  }
  for (const token of parser.end()) {
    const at = check(token)
    if (at >= 0) return at
  }
  return -1
}

/**
 * Whether `text` passes the cheap first scan of `parseYamlStream`'s nesting check at a
 * `maxDepth` of `limit` (or of 512, the deepest the `yaml` composer builds safely, if lower). The
 * scan counts, at the first character of each line that has one and at each `[` or `{`: one level
 * for the document's top collection, two per `[` and one per `{` still open (wherever they are:
 * inside quotes, comments and block scalars too), the columns of the line's indentation (spaces and tabs), and two per
 * compact `-` or `?` entry (followed by a space or a tab) that starts the line; `true` when that
 * count never exceeds the limit. Such text nests no deeper than the limit except through aliases
 * and closing brackets inside quotes or comments, which the full parse measures.
 *
 * `false` does not mean too deep: `parseYamlStream` then measures the real nesting (a
 * thousand `[` inside a quoted string do not nest) and refuses only what really exceeds the limit.
 * For readers that take a quicker path than the full parse: on `false`, leave the text to it.
 */
export function withinYamlNesting(text: string, limit: number): boolean {
  return nestingMayExceedAt(text, composableDepth(limit)) < 0
}

/** The line (from 1, counting LF as the `yaml` package's line counter does) of `offset` in `text`. */
function lineOf(text: string, offset: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++
  return line
}

/** A text being parsed, and the name its errors give it. */
interface NestingSubject {
  readonly text: string
  readonly source: string
}

function tooDeep({ text, source }: NestingSubject, at: number, limit: { readonly levels: number; readonly composer: boolean }): CoreError {
  const line = lineOf(text, at)
  const why = limit.composer ? ', the deepest the YAML parser composes' : ''
  return new CoreError({
    code: 'CORE_YAML_TOO_DEEP',
    message: `${source}: line ${line}: nested more than ${limit.levels} levels deep${why}`,
    details: { source, line, limit: limit.levels },
  })
}

/**
 * Refuses text that nests deeper than `limit` before the parser composes it: the `yaml` composer
 * recurses once per level, takes seconds on tens of thousands of levels and then overflows the
 * stack. Text within the cheap bound ({@link withinYamlNesting}) passes at once; other text has its
 * real nesting measured by {@link nestingExceededAt}. `true` when each document must still be
 * measured, exactly, by {@link checkComposedDepth} before it is composed: unless the text is within
 * the bound even counting every closing bracket as closing nothing (they may sit in quotes or
 * comments), the bound does not hold.
 */
export function checkNesting(text: string, source: string, limit: number): boolean {
  const safe = composableDepth(limit)
  const scan = scanNesting(text, safe)
  // Within the bound even if every closer closed nothing: no document can nest deeper than `safe`.
  if (scan.exceededAt < 0) return scan.peak + scan.closed >= safe
  let at: number
  try {
    at = nestingExceededAt(text, limit)
  } catch (err) {
    // Only with a limit set far above the default: the CST parser closes the collections a
    // dedent ends one generator call inside another.
    if (err instanceof RangeError) {
      throw new CoreError({ code: 'CORE_YAML_TOO_DEEP', message: `${source}: nested too deeply to parse`, details: { source }, cause: err })
    }
    throw err
  }
  if (at >= 0) throw tooDeep({ text, source }, at, { levels: limit, composer: false })
  return true
}

/**
 * Refuses one parsed document (a token of the `yaml` package's CST parser) that nests deeper than
 * `limit`, or than {@link composerMaxDepth}, before the composer builds it: counted as the composer
 * builds it, so exact where the cheap scan is only a bound. Iterative; linear in the document.
 */
export function checkComposedDepth(token: CST.Token, subject: NestingSubject, limit: number): void {
  const safe = composableDepth(limit)
  const unsafe = composedDepthExceededAt(token, safe)
  if (unsafe < 0) return
  const exceeded = safe < limit ? composedDepthExceededAt(token, limit) : unsafe
  if (exceeded >= 0) throw tooDeep(subject, exceeded, { levels: limit, composer: false })
  throw tooDeep(subject, unsafe, { levels: safe, composer: true })
}
