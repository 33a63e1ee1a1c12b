// When the `yaml` package is bumped (it is pinned to ~2.9.1 in core's package.json for this
// reason), rerun `node bench/yamlMeasured-equiv.mjs`: this file copies `parseDocument`'s loop and
// `parse`'s `toJS` call, measuredTokens reads the CST parser's `stack` and `offset`, and
// parserMaxOpen is tuned to that parser's recursion.
// `yaml.parse` for text from outside, behind core's nesting measure, with one lex and parse of the
// text: the measure runs on the CST parser's tokens (measuredTokens) as they are handed to the
// composer, instead of a measure of its own before `yaml.parse` lexes and parses it all again.
import type { CST, Document, DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions, YAMLError } from 'yaml'
import { yamlLib } from '../internal/yaml/lib.js'
import { defaultYamlBudget } from './budget.js'
import { measuredTokens, tooDeepToParse, withinYamlNesting } from './nesting.js'

/**
 * Options of {@link parseMeasuredYaml}: where the text came from, and the `yaml` package's own
 * options of `parse` (`version`, `schema`, `uniqueKeys`, `merge`, `maxAliasCount`, `prettyErrors`,
 * `intAsBigInt`, `logLevel`, …), which mean what they mean there. A `lineCounter` is not taken: the
 * text is measured and composed in one pass.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export interface MeasuredYamlOptions extends Omit<ParseOptions, 'lineCounter'>, DocumentOptions, SchemaOptions, ToJSOptions {
  /** Where the text came from (a file path or URL), named in the too-deep error. */
  readonly source: string
}

/**
 * What the `yaml` package's `parse(text, options)` returns (or throws), for text from outside:
 * unless the text nests deeper than that parser composes safely, which is refused first, as
 * {@link yamlNestingError} would refuse it. The nesting is measured on the parser's own tokens as
 * they are handed to the composer ({@link parseYamlStream}'s measure, at the default `maxDepth`), so
 * the text is lexed and parsed once; every document of it is measured, also past where `parse`
 * stops reading (it composes the third document before it reports the second one as an error, and
 * reads no further), so that too deep wins over every other fault as it does
 * when `yamlNestingError` runs first. A text whose document has errors or warnings is handed to
 * `parse` itself once measured, so that its messages (with `prettyErrors`, the line and the context)
 * and its warnings (`process.emitWarning` at the default `logLevel`) are exactly those of `parse`:
 * that path, rare, reads the text twice.
 *
 * @returns The document as plain data (`parse`'s value: `null` for an empty text).
 * @throws `CORE_YAML_TOO_DEEP` (a `CoreError` naming `options.source` and the line) for nesting the
 *   composer would not build safely, or that it ran out of stack on all the same (a thread with
 *   little stack) if the text may be deep; a `RangeError` if it ran out of stack on a text that is
 *   not (the caller left too little); otherwise whatever `parse` throws with these options
 *   (`YAMLParseError` for a syntax error, a second document or a duplicate key, a `ReferenceError`
 *   for more aliases than `maxAliasCount`).
 * @example
 * ```ts
 * const index = parseMeasuredYaml(text, { source: 'https://charts.example/index.yaml', maxAliasCount: 100, uniqueKeys: false })
 * ```
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function parseMeasuredYaml(text: string, options: MeasuredYamlOptions): unknown {
  const { source, ...yamlOptions } = options
  const { Composer, parse } = yamlLib()
  const tokens = measuredTokens(text, { source, limit: defaultYamlBudget.maxDepth, onNewLine: () => undefined })
  // The composer is handed an iterator it cannot close: where `parse` stops at a second document,
  // the rest of the text is still measured below.
  const handed: Iterable<CST.Token> = { [Symbol.iterator]: () => ({ next: () => tokens.next() }) }
  // What `parseDocument` does (the first document; a second one is an error unless the log level
  // is silent), on the measured tokens.
  let doc: Document.Parsed | undefined
  let more = false
  // Where the composer ran out of stack (it catches that and records it on the document).
  let exhausted: YAMLError | undefined
  for (const next of new Composer(yamlOptions).compose(handed, true, text.length)) {
    exhausted ??= next.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION')
    if (doc === undefined) doc = next
    else if (doc.options.logLevel !== 'silent') {
      more = true
      break
    }
  }
  while (tokens.next().done !== true) {
    // Measured as it is read; throws if too deep.
  }
  // Not handed to `parse`, whose composer would run out of stack again (where V8 may abort).
  if (exhausted !== undefined) throw composerOverflow({ text, source, limit: defaultYamlBudget.maxDepth }, exhausted)
  if (doc === undefined) return null
  if (more || doc.errors.length > 0 || doc.warnings.length > 0) return parse(text, yamlOptions)
  return doc.toJS(yamlOptions)
}

/**
 * The `yaml` composer ran out of stack on a collection of `text` (it catches the overflow and
 * records it on the document as `RESOURCE_EXHAUSTION`, `error`) on a thread that left it less
 * stack than the measure assumes (a worker's `stackSizeMb`, a deep caller): what to throw instead
 * of parsing the text again, which would overflow again. `CORE_YAML_TOO_DEEP` with the line of
 * that collection if the cheap scan says the text may nest deeper than the composer builds
 * ({@link withinYamlNesting} at `limit`); otherwise the text is not too deep, and the overflow is
 * the caller's own: a `RangeError` with the composer's message.
 */
function composerOverflow(subject: { readonly text: string; readonly source: string; readonly limit: number }, error: { readonly message: string; readonly pos: readonly [number, number] }): Error {
  const { text, source, limit } = subject
  if (withinYamlNesting(text, limit)) return new RangeError(error.message.split('\n')[0] ?? error.message, { cause: error })
  return tooDeepToParse({ text, source }, error.pos[0], error)
}
