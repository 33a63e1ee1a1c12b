// The nesting check of every YAML parse: a cheap scan over the characters first, then the one
// lex and parse of the text (the `yaml` package's lexer and CST parser, iterative), whose tokens
// feed the composer; each document that may be deep is measured on its CST before the composer,
// which recurses once per level, builds it, and every text is stopped as soon as the parser's open
// collections pass the limit. Without this check, ten thousand levels would overflow the
// composer's stack, and a line of thousands of block entries then a dedent the parser's.
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
 * Where nesting may first exceed `limit` in `text`: the index of the first character of the line,
 * of the compact entry or of the bracket at which it may; -1 when it never does. A cheap bound,
 * one pass over the characters: one level for the document's top collection, plus two per `[` and one per `{` still
 * open (wherever they are: inside quotes, comments and block scalars too; two for `[` because a
 * pair in a flow sequence, `[a: [b: …]]`, is a mapping of its own), plus the columns of
 * indentation (spaces and tabs) and of the compact `-` and `?` entries (followed by a space or a
 * tab) that start the line. A lone CR starts a line for this count but does not reset it: the
 * `yaml` lexer does not break lines there, YAML does. Block collections nest only by indenting or
 * by such an entry (a sequence may sit at its mapping key's column, but its entries' contents then
 * start two columns in), so only aliases, and closing brackets inside quotes or comments, which
 * this scan takes as real, make valid YAML nest deeper than this counts (invalid YAML can: the
 * parser nests keys after keys on one line, `k: a: a: …`); each document that may be deep is
 * measured before the composer builds it ({@link measuredTokens}).
 */
function nestingMayExceedAt(text: string, limit: number): number {
  return scanNestingInto(text, limit, undefined)
}

/**
 * What {@link scanNesting} found, stretch by stretch: the text is cut before each line that starts
 * with `---` or `...` in its first column (where a document may begin), so that a document's bound
 * counts the closers of its own stretches only.
 */
interface NestingScan {
  /** Where the count first reaches the limit (the scan stopped there), or -1. */
  readonly exceededAt: number
  /** Where each stretch begins: 0 first, then ascending. */
  readonly starts: readonly number[]
  /** The highest count reached in each stretch (infinite in the last one if the scan stopped). */
  readonly peaks: readonly number[]
  /**
   * The levels the closing brackets of each stretch took off the count (two per `]`, one per `}`):
   * an upper bound on what closers inside quotes or comments, which close nothing, took off wrongly.
   */
  readonly closed: readonly number[]
}

/** The per-stretch arrays of a {@link NestingScan}, filled by {@link scanNestingInto}. */
interface StretchSink {
  readonly starts: number[]
  readonly peaks: number[]
  readonly closed: number[]
}

/**
 * {@link nestingMayExceedAt}, with the peak and the closers counted per stretch. It stops where the
 * count reaches the limit: the stretch that holds that point, with the rest of the text, has an
 * infinite peak.
 */
function scanNesting(text: string, limit: number): NestingScan {
  const sink: StretchSink = { starts: [0], peaks: [], closed: [] }
  const exceededAt = scanNestingInto(text, limit, sink)
  return { exceededAt, ...sink }
}

/**
 * The scan of {@link nestingMayExceedAt}: where the count first reaches `limit`, or -1. The peak
 * and the closers of each stretch go to `sink` when there is one (only {@link measuredTokens}
 * reads them): the quick check ({@link withinYamlNesting}) passes none and grows no arrays.
 */
function scanNestingInto(text: string, limit: number, sink: StretchSink | undefined): number {
  let exceededAt = -1
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
        // Counted here too: a line may hold entries and nothing else (`- - - ` before a line
        // break), which the `yaml` parser still nests.
        const count = 2 * seqs + maps + block
        if (count >= limit) {
          exceededAt = i - 1
          break
        }
        if (count > peak) peak = count
        continue
      }
      lineStart = false
      if (sink !== undefined && block === 0 && i > 0 && (c === 0x2d || c === 0x2e) && after === c && text.charCodeAt(i + 2) === c) {
        // `---` or `...` in the first column: a new stretch (more of them than documents does no harm).
        sink.peaks.push(peak)
        sink.closed.push(closed)
        sink.starts.push(i)
        peak = 0
        closed = 0
      }
      const count = 2 * seqs + maps + block
      if (count >= limit) {
        exceededAt = i
        break
      }
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
    if (count >= limit) {
      exceededAt = i
      break
    }
    if (count > peak) peak = count
  }
  // Where the count reaches the limit, the scan stops: the rest of the text is one last stretch,
  // without a bound.
  sink?.peaks.push(exceededAt < 0 ? peak : Infinity)
  sink?.closed.push(closed)
  return exceededAt
}

/**
 * The bound of {@link scanNesting} for consecutive ranges of the text, read in order: the highest
 * count of the stretches a range overlaps plus all their closers. A document that lies in the range
 * nests no deeper than that bound plus one (aliases aside): each of its open brackets was counted
 * at its opening, and only closers inside the range can have taken it off the count since.
 */
class StretchBounds {
  /** The stretch that holds the start of the next range. */
  private stretch = 0

  constructor(private readonly scan: NestingScan) {}

  /** The bound for the range from the end of the previous one (or 0) to `end`, exclusive. */
  next(end: number): number {
    const { starts, peaks, closed } = this.scan
    let j = this.stretch
    let peak = peaks[j] ?? 0
    let sum = closed[j] ?? 0
    for (; j + 1 < starts.length && (starts[j + 1] as number) < end; j++) {
      peak = Math.max(peak, peaks[j + 1] as number)
      sum += closed[j + 1] as number
    }
    this.stretch = j + 1 < starts.length && starts[j + 1] === end ? j + 1 : j
    return peak + sum
  }
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

/** Where a document's nesting first exceeds two limits (offsets, or -1), from {@link composedDepthExceededAt}. */
interface Exceeded {
  /** Where it first exceeds the lower limit. */
  low: number
  /** Where it first exceeds the higher limit. */
  high: number
}

/**
 * Where the nesting of one parsed document first exceeds `low` and `high` (`low` ≤ `high`; document
 * order), counted as the composer builds it: each collection is a level, and so is the mapping
 * around a pair in a flow sequence. The offsets of the collections that exceed, or -1; the walk
 * stops where `high` is exceeded (`low` was by then). Iterative: depth costs no stack.
 */
function composedDepthExceededAt(doc: CST.Token, low: number, high: number): Exceeded {
  const found: Exceeded = { low: -1, high: -1 }
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
    if (level > low && found.low < 0) found.low = token.offset
    if (level > high) {
      found.high = token.offset
      return found
    }
    const items = token.items as CST.CollectionItem[]
    const flowSeq = token.type === 'flow-collection' && token.start.source === '['
    const mark = tokens.length
    for (const item of items) {
      let inner = level
      if (flowSeq && isFlowSeqPair(item)) {
        inner = level + 1
        if (inner > low && found.low < 0) found.low = pairOffset(item, token)
        if (inner > high) {
          found.high = pairOffset(item, token)
          return found
        }
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
  return found
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
 * Whether `text` passes the cheap first scan of `parseYamlStream`'s nesting check at a
 * `maxDepth` of `limit` (or of 512, the deepest the `yaml` composer builds safely, if lower). The
 * scan counts, at the first character of each line that has one, at each compact entry that starts
 * a line and at each `[` or `{`: one level for the document's top collection, two per `[` and one
 * per `{` still open (wherever they are: inside quotes, comments and block scalars too), the
 * columns of the line's indentation (spaces and tabs), and two per compact `-` or `?` entry
 * (followed by a space or a tab) that starts the line; `true` when that
 * count never exceeds the limit. Such text, if it is valid YAML, nests no deeper than the limit
 * except through aliases and closing brackets inside quotes or comments, which the full parse
 * measures; invalid YAML that the `yaml` parser still nests (keys after keys on one line,
 * `k: a: a: …`, lines of `: ` entries, block collections inside flow ones) can, and the full
 * parse measures it too.
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
export interface NestingSubject {
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
 * A parse that ran out of stack on a text deeper than the composer builds, refused as too deep at
 * offset `at`: the CST parser's own recursion (at the offset where its open collections first
 * passed that), or the composer's (parseMeasuredYaml, at the collection it was composing).
 */
export function tooDeepToParse({ text, source }: NestingSubject, at: number, cause: unknown): CoreError {
  const line = lineOf(text, at)
  return new CoreError({
    code: 'CORE_YAML_TOO_DEEP',
    message: `${source}: line ${line}: nested too deeply to parse`,
    details: { source, line },
    cause,
  })
}

/**
 * The most collections the CST parser may hold open at once, whatever `maxDepth` says: it closes
 * the collections a dedent ends one generator call inside another, and that recursion overflows
 * Node's default stack near 1,800 of them (`: : : …` or `- - - …` on one line, then a dedent),
 * fewer under a deep caller. A document with more open than this is deeper than
 * {@link composerMaxDepth} and refused anyway; the watch refuses it here, before the dedent, with
 * the line. At the default `maxDepth` (1,000) the watch is where it always was.
 */
export const parserMaxOpen = 1000

/**
 * How many composed levels one token open on the CST parser's stack may stand for, at most: the
 * collection itself, the mapping the composer puts around a pair of a flow sequence, and the
 * block mapping the parser puts around a flow collection once a `:` after it makes it a key. The
 * stack also holds the document and the token being read, so its length over-counts.
 */
const openPeakFactor = 3

/** Options of {@link measuredTokens}. */
export interface MeasuredTokensOptions {
  /** Where the text came from, named in every error. */
  readonly source: string
  /** The budget's `maxDepth`. */
  readonly limit: number
  /** Called with the offset of each line's start, as the parser's `onNewLine` (a `LineCounter`'s `addNewLine`). */
  readonly onNewLine: (offset: number) => void
}

/**
 * The tokens of the `yaml` package's CST parser for `text` (what `new Parser(onNewLine).parse(text)`
 * yields), with each document's nesting measured before it is handed on, so that the composer,
 * which recurses once per level, never gets one deeper than `limit` or than
 * {@link composerMaxDepth}. The text is lexed and parsed once, for the measure and the composer.
 *
 * A document is walked ({@link composedDepthExceededAt}, iterative, linear in the document) only
 * when it may be too deep: when the cheap scan's bound over the stretches it spans
 * ({@link StretchBounds}) says so, or the parser's stack held, while reading it, enough open tokens
 * ({@link openPeakFactor}) that it might. The second catches what the scan cannot see, invalid YAML
 * that the parser still nests: keys after keys on one line (`k: a: a: a: …`, each `: ` a mapping
 * in the one before), entries with no content (`: : : `, `- - - ` then a dedent) and block
 * collections inside flow ones (`{a: b: {a: b: …`). The parser's stack of open collections is also
 * watched after every lexeme, so that a hostile text is refused as soon as its nesting passes
 * `limit` (time linear in the limit, not in its depth), before the parser's own recursion (it closes
 * the collections a dedent ends one call inside another) can overflow. When the scan trips anywhere
 * in the text, a document deeper than `limit` anywhere in the stream is reported before one that is
 * only deeper than the composer builds: the first such document stops the tokens handed on, and its
 * error is thrown at the end. When the scan does not trip, each document's error is thrown as it is
 * measured.
 *
 * Whatever `limit` is, the parser is never let hold more than {@link parserMaxOpen} collections
 * open (its recursion closing them overflows near 1,800): a document past that is refused as
 * deeper than the composer builds, at once, even when a later document is deeper than `limit`.
 *
 * @throws `CORE_YAML_TOO_DEEP` naming the source and the line where the nesting exceeds (or, if
 * the parser's recursion runs out of stack all the same, under a caller that left it little,
 * while it held more collections open than the composer builds, the line where they passed that).
 * A `RangeError` (stack overflow) otherwise, when the caller left too little stack to read even a
 * text that is not too deep.
 */
export function* measuredTokens(text: string, options: MeasuredTokensOptions): Generator<CST.Token, void> {
  const { source, limit, onNewLine } = options
  const safe = composableDepth(limit)
  const scan = scanNesting(text, safe)
  const tripped = scan.exceededAt >= 0
  const bounds = new StretchBounds(scan)
  const subject = { text, source }
  const { Lexer, Parser } = yamlLib()
  const parser = new Parser(onNewLine)
  const open = parser.stack
  // Set when the scan tripped and a document is deeper than the composer builds but within
  // `limit`: nothing more is handed on, and the rest is still read for nesting beyond `limit`.
  let deferred: CoreError | undefined
  // The most tokens open at once on the parser's stack since the last document was handed on.
  let openPeak = 0
  // Where the current document's open collections first passed `safe`, or -1.
  let deepAt = -1
  // Whether `token` goes on to the composer; throws if it is too deep.
  const admit = (token: CST.Token): boolean => {
    const low = deferred === undefined ? safe : limit
    let mayBeDeep = true
    if (token.type === 'document') {
      // A document's content lies before the lexeme that ends it, where the parser stands.
      const bound = bounds.next(parser.offset)
      mayBeDeep = bound >= low || openPeak * openPeakFactor >= low
      openPeak = 0
      deepAt = -1
    }
    if (mayBeDeep) {
      const at = composedDepthExceededAt(token, low, limit)
      if (at.high >= 0) throw tooDeep(subject, at.high, { levels: limit, composer: false })
      if (at.low >= 0 && deferred === undefined) {
        const error = tooDeep(subject, at.low, { levels: safe, composer: true })
        if (!tripped) throw error
        deferred = error
      }
    }
    return deferred === undefined
  }
  // The open collections the watch below lets the parser hold: `limit`, at most parserMaxOpen.
  const watch = Math.min(limit, parserMaxOpen)
  onNewLine(0)
  try {
    for (const lexeme of new Lexer().lex(text)) {
      for (const token of parser.next(lexeme)) if (admit(token)) yield token
      const n = open.length
      if (n > openPeak) openPeak = n
      // Past `safe` + 2 (the document and a scalar aside), more than `safe` collections are open:
      // where, for an overflow of the parser's own recursion to name (reset by each document).
      if (n > safe + 2 && deepAt < 0) deepAt = openDepthExceededAt(open, safe)
      // Watched after every lexeme, whether the scan tripped or not: the parser nests text the scan
      // takes as shallow (`: : : ` or `- - - ` with no content, keys after keys on one line), and it
      // closes the collections a dedent ends one call inside another, so that thousands of them
      // overflow its stack before the document ends and can be measured. One comparison a lexeme;
      // the stack also holds the document and the token being read, so `n` over-counts.
      if (n <= watch) continue
      // The document at the bottom, a scalar being read at the top, collections between.
      const collections = n - (open[0]?.type === 'document' ? 1 : 0) - (isCollectionToken(open[n - 1]) ? 0 : 1)
      if (collections <= watch) continue
      if (collections > limit) {
        // More collections open than the limit: this walk finds where it is passed.
        const at = openDepthExceededAt(open, limit)
        if (at >= 0) throw tooDeep(subject, at, { levels: limit, composer: false })
      } else {
        // Within a `limit` over parserMaxOpen, but more open than the parser's recursion closes
        // safely, and (each open collection one level at least) deeper than the composer builds:
        // refused now, or the first document refused before it.
        throw deferred ?? tooDeep(subject, openDepthExceededAt(open, safe), { levels: safe, composer: true })
      }
    }
    for (const token of parser.end()) if (admit(token)) yield token
  } catch (err) {
    // The parser's recursion ran out of stack all the same (a caller that left it little) while
    // it held more collections open than the composer builds: too deep, where they passed that.
    // Any other overflow (a shallow text read near the end of the caller's stack) is the caller's
    // own and goes on as it is: the text is not too deep.
    if (err instanceof RangeError && deepAt >= 0) throw tooDeepToParse(subject, deepAt, err)
    throw err
  }
  if (deferred !== undefined) throw deferred
}
