// The YAML printer behind `stringifyObjects`. kustomize v5.5.0 prints each resource with
// sigs.k8s.io/yaml (JSON, then go-yaml v2's Marshal), so its bytes are those of go-yaml v2.4.0's
// encoder (encode.go) and libyaml-derived emitter (emitterc.go): keys sorted with v2's natural order,
// YAML 1.1 look-alikes double-quoted, long scalars folded at 80 columns, sequences not indented under
// their key. This is a port of the parts of that emitter a JSON-shaped document reaches, with the
// same state (column, indent stack, whitespace and indention flags) so that it folds and indents
// exactly where v2 does.
import { formatFloat } from '../../go/formatFloat.js'
import { needsQuotesV2 } from '../../yaml/resolve11.js'
import { sortKeysV2 } from '../../yaml/sortKeysV2.js'

const BEST_INDENT = 2
const BEST_WIDTH = 80

type Style = 'plain' | 'single' | 'double' | 'literal'

interface Analysis {
  readonly multiline: boolean
  readonly flowPlainAllowed: boolean
  readonly blockPlainAllowed: boolean
  readonly singleQuotedAllowed: boolean
  readonly blockAllowed: boolean
}

/** Thrown for values JSON cannot carry (NaN, infinities, functions); the caller names the object. */
export class UnsupportedValueError extends Error {
  readonly path: string
  constructor(message: string, path: string) {
    super(message)
    this.path = path
  }
}

/** Memory shared by the documents of one stringify call: the sorted order of each key set seen. */
export interface EmitCache {
  readonly keyOrder: Map<string, readonly string[]>
}

/** A cache for {@link emitDocument}; share one across the documents of one output. */
export function createEmitCache(): EmitCache {
  return { keyOrder: new Map() }
}

export function emitDocument(value: unknown, cache: EmitCache = createEmitCache()): string {
  const emitter = new Emitter(cache)
  emitter.node(value, asRoot)
  emitter.writeIndent()
  return emitter.finish()
}

type IndicatorFlags = readonly [needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean]

interface Context {
  readonly root: boolean
  readonly sequence: boolean
  readonly mapping: boolean
  readonly simpleKey: boolean
}

const asRoot: Context = { root: true, sequence: false, mapping: false, simpleKey: false }
const inSequence: Context = { root: false, sequence: true, mapping: false, simpleKey: false }

// Indicator flags, allocated once.
const ITEM_FLAGS: IndicatorFlags = [true, false, true]
const VALUE_FLAGS: IndicatorFlags = [false, false, false]
const OPEN_FLAGS: IndicatorFlags = [true, true, false]
const QUOTE_FLAGS: IndicatorFlags = [true, false, false]

/** Runs of spaces for indentation, by length. */
const SPACES: readonly string[] = Array.from({ length: 65 }, (_, n) => ' '.repeat(n))
const asKey: Context = { root: false, sequence: false, mapping: true, simpleKey: true }
const asComplexKey: Context = { root: false, sequence: false, mapping: true, simpleKey: false }
const asValue: Context = { root: false, sequence: false, mapping: true, simpleKey: false }

class Emitter {
  private readonly cache: EmitCache
  /** The text so far: appending to one string (a rope in V8) beats an array of pieces joined at the end. */
  private out = ''
  /** Keys and indexes from the root to the node being written, for error messages. */
  private readonly path: (string | number)[] = []
  private column = 0
  private indent = -1
  private readonly indents: number[] = []
  private whitespace = true
  private indention = true
  private flowLevel = 0
  private mappingContext = false
  private simpleKeyContext = false

  constructor(cache: EmitCache) {
    this.cache = cache
  }

  finish(): string {
    return this.out
  }

  node(value: unknown, context: Context): void {
    this.mappingContext = context.mapping
    this.simpleKeyContext = context.simpleKey
    if (value === null || value === undefined) return this.simpleScalar('null')
    switch (typeof value) {
      case 'string':
        if (isSimple(value) && !startsWithDigit(value) && !ambiguousWords.has(value)) return this.simpleScalar(value)
        return this.scalar(value, stringStyle(value))
      case 'boolean':
        return this.simpleScalar(value ? 'true' : 'false')
      case 'number':
        if (!Number.isFinite(value)) throw new UnsupportedValueError(`json: unsupported value: ${formatFloat(value, 'g')}`, this.pathText())
        return this.scalar(formatNumber(value), 'plain')
      case 'bigint':
        return this.scalar(formatBigInt(value), 'plain')
      case 'object':
        if (Array.isArray(value)) return this.sequence(value as readonly unknown[])
        return this.mapping(value as Readonly<Record<string, unknown>>)
      case 'function':
      case 'symbol':
      case 'undefined':
        throw new UnsupportedValueError(`unsupported value of type ${typeof value}`, this.pathText())
    }
  }

  /** The path of the node being written: `spec.containers[0].image`. */
  private pathText(): string {
    let text = ''
    for (const part of this.path) text = typeof part === 'number' ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`
    return text
  }

  private sequence(items: readonly unknown[]): void {
    if (items.length === 0) return this.emptyFlow('[', ']')
    this.increaseIndent(false, this.mappingContext && !this.indention)
    for (let i = 0; i < items.length; i++) {
      this.writeIndent()
      this.writeIndicator('-', ITEM_FLAGS)
      this.path.push(i)
      this.node(items[i], inSequence)
      this.path.pop()
    }
    this.popIndent()
  }

  private mapping(map: Readonly<Record<string, unknown>>): void {
    const keys = this.sortedKeys(map)
    if (keys.length === 0) return this.emptyFlow('{', '}')
    this.increaseIndent(false, false)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string
      this.writeIndent()
      if (isSimple(key) && !startsWithDigit(key) && !ambiguousWords.has(key)) {
        // A plain simple key, as node() would write it (the common case).
        this.simpleScalar(key)
        this.writeIndicator(':', VALUE_FLAGS)
      } else if ((key.length <= 42 || utf8Length(key) <= 128) && !hasLineBreak(key)) {
        this.node(key, asKey)
        this.writeIndicator(':', VALUE_FLAGS)
      } else {
        // check_simple_key failed: a complex key, `? key` then `: value` on the next line.
        this.writeIndicator('?', ITEM_FLAGS)
        this.node(key, asComplexKey)
        this.writeIndent()
        this.writeIndicator(':', ITEM_FLAGS)
      }
      this.path.push(key)
      this.node(map[key], asValue)
      this.path.pop()
    }
    this.popIndent()
  }

  /** The keys with a defined value, in go-yaml v2's order; manifests repeat key sets, so remember them. */
  private sortedKeys(map: Readonly<Record<string, unknown>>): readonly string[] {
    let keys = Object.keys(map)
    for (let i = 0; i < keys.length; i++) {
      if (map[keys[i] as string] === undefined) {
        keys = keys.filter((k) => map[k] !== undefined)
        break
      }
    }
    if (keys.length < 2 || inLetterOrder(keys)) return keys
    const signature = keys.join('\u0000')
    let sorted = this.cache.keyOrder.get(signature)
    if (sorted === undefined) {
      sortKeysV2(keys)
      sorted = keys
      if (this.cache.keyOrder.size < 50_000) this.cache.keyOrder.set(signature, sorted)
    }
    return sorted
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, OPEN_FLAGS)
    this.increaseIndent(true, false)
    this.popIndent()
    this.writeIndicator(close, VALUE_FLAGS)
  }

  /**
   * A plain scalar of letters, digits and `._/-` only, short, not starting with `-` or `.`: every
   * style check passes and nothing can fold, so the text goes out as it is (the common case by far).
   */
  private simpleScalar(value: string): void {
    if (!this.whitespace) this.put(' ')
    this.out += value
    this.column += value.length
    this.whitespace = false
    this.indention = false
  }

  private scalar(value: string, requested: Style): void {
    if (requested === 'plain' && isSimple(value)) return this.simpleScalar(value)
    const analysis = analyze(value)
    let style = requested
    if (this.simpleKeyContext && analysis.multiline) style = 'double'
    if (style === 'plain') {
      if (
        (this.flowLevel > 0 && !analysis.flowPlainAllowed) ||
        (this.flowLevel === 0 && !analysis.blockPlainAllowed)
      ) {
        style = 'single'
      }
      if (value.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext)) style = 'single'
    }
    if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double'
    if (style === 'literal' && (!analysis.blockAllowed || this.flowLevel > 0 || this.simpleKeyContext)) {
      style = 'double'
    }
    this.increaseIndent(true, false)
    const allowBreaks = !this.simpleKeyContext
    switch (style) {
      case 'plain':
        this.writePlain(value, allowBreaks)
        break
      case 'single':
        this.writeSingleQuoted(value, allowBreaks)
        break
      case 'double':
        this.writeDoubleQuoted(value, allowBreaks)
        break
      case 'literal':
        this.writeLiteral(value)
        break
    }
    this.popIndent()
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent)
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0
    else if (!indentless) this.indent += BEST_INDENT
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1
  }

  private put(text: string): void {
    this.out += text
    this.column += 1
  }

  private putBreak(): void {
    this.out += '\n'
    this.column = 0
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0)
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak()
    if (this.column < indent) {
      const n = indent - this.column
      this.out += n < SPACES.length ? (SPACES[n] as string) : ' '.repeat(n)
      this.column = indent
    }
    this.whitespace = true
    this.indention = true
  }

  /** yaml_emitter_write_indicator; `flags` is need_whitespace, is_whitespace, is_indention. */
  private writeIndicator(indicator: string, flags: IndicatorFlags): void {
    if (flags[0] && !this.whitespace) this.put(' ')
    this.out += indicator
    this.column += indicator.length
    this.whitespace = flags[1]
    this.indention = this.indention && flags[2]
  }

  private writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ')
    if (!value.includes(' ')) {
      // Fast path: without a space there is nowhere to fold (plain scalars hold no line breaks).
      this.out += value
      this.column += codePointLength(value)
    } else {
      // yaml_emitter_write_plain_scalar, written a run of characters at a time rather than one by
      // one; the column counts code points as go-yaml does.
      let spaces = false
      let start = 0
      let column = this.column
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i)
        if (c === 0x20) {
          if (allowBreaks && !spaces && column > BEST_WIDTH && value.charCodeAt(i + 1) !== 0x20) {
            this.out += value.slice(start, i)
            this.column = column
            this.indention = false
            this.writeIndent()
            column = this.column
            start = i + 1
          } else {
            column++
          }
          spaces = true
        } else {
          if (c < 0xd800 || c > 0xdbff) column++
          spaces = false
        }
      }
      this.out += value.slice(start)
      this.column = column
    }
    this.whitespace = false
    this.indention = false
  }

  private writeSingleQuoted(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", QUOTE_FLAGS)
    if (!hasBreakCode(value)) {
      this.writeSingleQuotedLine(value, allowBreaks)
      return
    }
    const chars = Array.from(value)
    let spaces = false
    let breaks = false
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as string
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ') {
          this.writeIndent()
        } else {
          this.put(c)
        }
        spaces = true
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak()
        this.writeBreak(c)
        this.indention = true
        breaks = true
      } else {
        if (breaks) this.writeIndent()
        if (c === "'") this.put("'")
        this.put(c)
        this.indention = false
        spaces = false
        breaks = false
      }
    }
    this.writeIndicator("'", VALUE_FLAGS)
    this.whitespace = false
    this.indention = false
  }

  /** {@link writeSingleQuoted} of a text without line breaks, a run of characters at a time. */
  private writeSingleQuotedLine(value: string, allowBreaks: boolean): void {
    let spaces = false
    let start = 0
    let column = this.column
    const last = value.length - 1
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i)
      if (c === 0x20) {
        if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && i < last && value.charCodeAt(i + 1) !== 0x20) {
          this.out += value.slice(start, i)
          this.column = column
          this.indention = false
          this.writeIndent()
          column = this.column
          start = i + 1
        } else {
          column++
        }
        spaces = true
      } else {
        if (c === 0x27) {
          // A quote is written twice: once here, once with the run it starts.
          this.out += value.slice(start, i + 1)
          start = i
          column++
        }
        if (c < 0xd800 || c > 0xdbff) column++
        spaces = false
      }
    }
    this.out += value.slice(start)
    this.column = column
    this.writeIndicator("'", VALUE_FLAGS)
    this.whitespace = false
    this.indention = false
  }

  private writeDoubleQuoted(value: string, allowBreaks: boolean): void {
    this.writeIndicator('"', QUOTE_FLAGS)
    if (isQuotableAsIs(value)) {
      // Printable ASCII without spaces, quotes or backslashes: nothing to escape, nowhere to fold.
      this.out += value
      this.column += value.length
      this.writeIndicator('"', VALUE_FLAGS)
      this.whitespace = false
      this.indention = false
      return
    }
    const chars = Array.from(value)
    const bom = value.charCodeAt(0) === 0xfeff
    let spaces = false
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as string
      const cp = c.codePointAt(0) ?? 0
      if (!isPrintable(cp) || bom || isBreak(c) || c === '"' || c === '\\') {
        this.put('\\')
        this.writeEscape(cp)
        spaces = false
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent()
          if (chars[i + 1] === ' ') this.put('\\')
        } else {
          this.put(c)
        }
        spaces = true
      } else {
        this.put(c)
        spaces = false
      }
    }
    this.writeIndicator('"', VALUE_FLAGS)
    this.whitespace = false
    this.indention = false
  }

  private writeEscape(cp: number): void {
    const short = shortEscapes.get(cp)
    if (short !== undefined) {
      this.put(short)
      return
    }
    const [letter, width] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8]
    this.put(letter)
    const hex = cp.toString(16).toUpperCase().padStart(width, '0')
    for (const digit of hex) this.put(digit)
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', QUOTE_FLAGS)
    this.writeBlockScalarHints(value)
    this.putBreak()
    this.indention = true
    this.whitespace = true
    if (!hasOtherBreak(value)) {
      // Only \n breaks (the usual case): a line at a time.
      const lines = value.split('\n')
      let breaks = true
      for (let i = 0; i < lines.length; i++) {
        if (i > 0) {
          this.putBreak()
          this.indention = true
          breaks = true
        }
        const line = lines[i] as string
        if (line === '') continue
        if (breaks) this.writeIndent()
        this.out += line
        this.column += codePointLength(line)
        this.indention = false
        breaks = false
      }
      return
    }
    let breaks = true
    for (const c of value) {
      if (isBreak(c)) {
        this.writeBreak(c)
        this.indention = true
        breaks = true
      } else {
        if (breaks) this.writeIndent()
        this.put(c)
        this.indention = false
        breaks = false
      }
    }
  }

  private writeBlockScalarHints(value: string): void {
    const first = value[0]
    if (first === ' ' || (first !== undefined && isBreak(first))) {
      this.writeIndicator(String(BEST_INDENT), VALUE_FLAGS)
    }
    // Breaks are single UTF-16 units, so the last two units tell what the last two runes would.
    let chomp = ''
    if (value.length === 0) chomp = '-'
    else {
      const last = value[value.length - 1] as string
      if (!isBreak(last)) chomp = '-'
      else if (value.length === 1) chomp = '+'
      else if (isBreak(value[value.length - 2] as string)) chomp = '+'
    }
    if (chomp !== '') this.writeIndicator(chomp, VALUE_FLAGS)
  }

  private writeBreak(c: string): void {
    if (c === '\n') {
      this.putBreak()
    } else {
      this.out += c
      this.column = 0
    }
  }
}

const shortEscapes = new Map<number, string>([
  [0x00, '0'],
  [0x07, 'a'],
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0b, 'v'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x1b, 'e'],
  [0x22, '"'],
  [0x5c, '\\'],
  [0x85, 'N'],
  [0xa0, '_'],
  [0x2028, 'L'],
  [0x2029, 'P'],
])

/** encode.go stringv: literal for multi-line text, plain when it would read back as a string, else double. */
const simple = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,59}$/

/** Short, plain-safe text made of letters, digits and `_./-` (the style is decided already). */
function isSimple(value: string): boolean {
  return simple.test(value)
}

function startsWithDigit(value: string): boolean {
  const c = value.charCodeAt(0)
  return c >= 0x30 && c <= 0x39
}

/** Printable ASCII without spaces, quotes or backslashes. */
function isQuotableAsIs(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) return false
  }
  return true
}

function stringStyle(value: string): Style {
  if (simple.test(value) && !startsWithDigit(value) && !ambiguousWords.has(value)) return 'plain'
  if (value.includes('\n')) return 'literal'
  return needsQuotesV2(value) ? 'double' : 'plain'
}

function hasLineBreak(value: string): boolean {
  return /[\n\r\u0085\u2028\u2029]/.test(value)
}

/** Words go-yaml v2 reads as something other than a string (it quotes them on output). */
const ambiguousWords = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  'null', 'Null', 'NULL',
])

function isBreak(c: string): boolean {
  return c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029'
}

function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  )
}

const lettersOnly = /^[A-Za-z]+$/

/**
 * Whether the keys are letters only and ascending already, as in most manifests written by tools:
 * go-yaml v2's order is then the order of code units, and sorting would change nothing.
 */
function inLetterOrder(keys: readonly string[]): boolean {
  let previous = ''
  for (const key of keys) {
    if (key <= previous || !lettersOnly.test(key)) return false
    previous = key
  }
  return true
}

/** Whether the text holds a line break of any kind. */
function hasBreakCode(value: string): boolean {
  return /[\n\r\u0085\u2028\u2029]/.test(value)
}

/** Whether the text holds a line break other than \n. */
function hasOtherBreak(value: string): boolean {
  return /[\r\u0085\u2028\u2029]/.test(value)
}

function isBreakCode(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029
}

/** yaml_emitter_analyze_scalar: which styles can carry this text unchanged. */
function analyze(value: string): Analysis {
  if (value.length === 0) {
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    }
  }
  let blockIndicators = false
  let flowIndicators = false
  let lineBreaks = false
  let specialCharacters = false
  let leadingSpace = false
  let leadingBreak = false
  let trailingSpace = false
  let trailingBreak = false
  let breakSpace = false
  let spaceBreak = false
  let previousSpace = false
  let previousBreak = false

  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true
    flowIndicators = true
  }
  // Code point by code point, as go-yaml's runes (a lone surrogate counts as one).
  let precededByWhitespace = true
  const length = value.length
  for (let i = 0; i < length; ) {
    // A UTF-16 unit is the rune except at a high surrogate; the next unit is enough to tell
    // whether whitespace follows.
    let c = value.charCodeAt(i)
    let end = i + 1
    if (c >= 0xd800 && c <= 0xdbff) {
      c = value.codePointAt(i) as number
      if (c > 0xffff) end++
    }
    const next = end < length ? value.charCodeAt(end) : -1
    const followedByWhitespace = next === -1 || next === 0x20 || next === 0x09
    const last = end >= length
    if (i === 0) {
      switch (c) {
        case 0x23: // #
        case 0x2c: // ,
        case 0x5b: // [
        case 0x5d: // ]
        case 0x7b: // {
        case 0x7d: // }
        case 0x26: // &
        case 0x2a: // *
        case 0x21: // !
        case 0x7c: // |
        case 0x3e: // >
        case 0x27: // '
        case 0x22: // "
        case 0x25: // %
        case 0x40: // @
        case 0x60: // `
          flowIndicators = true
          blockIndicators = true
          break
        case 0x3f: // ?
        case 0x3a: // :
          flowIndicators = true
          if (followedByWhitespace) blockIndicators = true
          break
        case 0x2d: // -
          if (followedByWhitespace) {
            flowIndicators = true
            blockIndicators = true
          }
          break
      }
    } else {
      switch (c) {
        case 0x2c: // ,
        case 0x3f: // ?
        case 0x5b: // [
        case 0x5d: // ]
        case 0x7b: // {
        case 0x7d: // }
          flowIndicators = true
          break
        case 0x3a: // :
          flowIndicators = true
          if (followedByWhitespace) blockIndicators = true
          break
        case 0x23: // #
          if (precededByWhitespace) {
            flowIndicators = true
            blockIndicators = true
          }
          break
      }
    }
    if (!isPrintable(c)) specialCharacters = true
    const isBreakChar = isBreakCode(c)
    if (c === 0x20) {
      if (i === 0) leadingSpace = true
      if (last) trailingSpace = true
      if (previousBreak) breakSpace = true
      previousSpace = true
      previousBreak = false
    } else if (isBreakChar) {
      lineBreaks = true
      if (i === 0) leadingBreak = true
      if (last) trailingBreak = true
      if (previousSpace) spaceBreak = true
      previousSpace = false
      previousBreak = true
    } else {
      previousSpace = false
      previousBreak = false
    }
    precededByWhitespace = c === 0x20 || c === 0x09 || c === 0 || isBreakChar
    i = end
  }

  let flowPlainAllowed = true
  let blockPlainAllowed = true
  let singleQuotedAllowed = true
  let blockAllowed = true
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    flowPlainAllowed = false
    blockPlainAllowed = false
  }
  if (trailingSpace) blockAllowed = false
  if (breakSpace) {
    flowPlainAllowed = false
    blockPlainAllowed = false
    singleQuotedAllowed = false
  }
  if (spaceBreak || specialCharacters) {
    flowPlainAllowed = false
    blockPlainAllowed = false
    singleQuotedAllowed = false
    blockAllowed = false
  }
  if (lineBreaks) {
    flowPlainAllowed = false
    blockPlainAllowed = false
  }
  if (flowIndicators) flowPlainAllowed = false
  if (blockIndicators) blockPlainAllowed = false
  return { multiline: lineBreaks, flowPlainAllowed, blockPlainAllowed, singleQuotedAllowed, blockAllowed }
}

const INT64_MIN = -(2n ** 63n)
const UINT64_MAX = 2n ** 64n - 1n

/**
 * A number as it comes out of kustomize's round trip through JSON and back through go-yaml v2:
 * Go's JSON encoder writes a float below 1e21 in shortest `%f` form (what `String(n)` gives for an
 * integral JS number), and go-yaml v2 reads that text back as an integer when it fits int64 or
 * uint64. Everything else stays a float, printed in Go's `%g` shortest form. So `1e6` prints as
 * `1000000`, `9.223372036854776e18` as `9223372036854776000`, and `1.5e-7` as `1.5e-07`.
 */
function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) {
    const text = String(value === 0 ? 0 : value)
    if (Number.isSafeInteger(value)) return text
    const big = BigInt(text)
    if (big >= INT64_MIN && big <= UINT64_MAX) return text
  }
  return formatFloat(value, 'g')
}

function formatBigInt(value: bigint): string {
  if (value >= INT64_MIN && value <= UINT64_MAX) return value.toString()
  return formatFloat(Number(value), 'g')
}

function codePointLength(value: string): number {
  let n = value.length
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) n--
  }
  return n
}

function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8')
}
