// The YAML printer behind `stringifyObjects`. kustomize v5.5.0 prints each resource with
// sigs.k8s.io/yaml (JSON, then go-yaml v2's Marshal), so its bytes are those of go-yaml v2.4.0's
// encoder (encode.go) and libyaml-derived emitter (emitterc.go): keys sorted with v2's natural order,
// YAML 1.1 look-alikes double-quoted, long scalars folded at 80 columns, sequences not indented under
// their key. This is a port of the parts of that emitter a JSON-shaped document reaches (block
// collections only), with the same state (column, indent stack, whitespace and indention flags) so
// that it folds and indents exactly where v2 does. Scalar analysis is in emitAnalysis.ts, the
// scalar writers in emitWriters.ts and emitLiteral.ts.
import { formatFloat } from '../../go/formatFloat.js'
import { sortKeysV2 } from '../../yaml/sortKeysV2.js'
import type { Style } from './emitAnalysis.js'
import { analyze, hasLineBreak, inLetterOrder, isPlainWord, isSimple, stringStyle } from './emitAnalysis.js'
import { formatBigInt, formatNumber } from './emitNumbers.js'
import type { EmitterState } from './emitWriters.js'
import { writeLiteral } from './emitLiteral.js'
import { ALLOW_BREAKS, ASCII_TEXT, BEST_INDENT, BREAK_SPACES, ITEM_FLAGS, SPACES, VALUE_FLAGS, writeDoubleQuoted, writeIndicator, writePlain, writeSingleQuoted } from './emitWriters.js'


/**
 * Thrown for values JSON cannot carry (NaN, infinities, functions); the caller names the object.
 * The emitter keeps no path while it writes: each mapping and sequence the error passes through on
 * its way out puts its key or index in front ({@link UnsupportedValueError.within}).
 */
export class UnsupportedValueError extends Error {
  /** Keys and indexes from the root to the value, outermost first. */
  private readonly parts: (string | number)[] = []

  /** The path of the value: `spec.containers[0].image`, or '' for the root. */
  get path(): string {
    let text = ''
    for (const part of this.parts) text = typeof part === 'number' ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`
    return text
  }

  /** Records that the value lies under `part` (a key or an index) of the collection being left. */
  within(part: string | number): this {
    this.parts.unshift(part)
    return this
  }
}

/**
 * Memory shared by the documents of one stringify call: the sorted order of each key set seen, and
 * for each key seen, `key:` when it is written plain as it is, or null.
 */
export interface EmitCache {
  readonly keyOrder: Map<string, readonly string[]>
  readonly keyText: Map<string, string | null>
}

/** A cache for {@link emitDocument}; share one across the documents of one output. */
export function createEmitCache(): EmitCache {
  return { keyOrder: new Map(), keyText: new Map() }
}

/** How many entries each map of the cache may hold. */
const CACHE_LIMIT = 50_000

export function emitDocument(value: unknown, cache: EmitCache = createEmitCache()): string {
  const emitter = new Emitter(cache)
  emitter.node(value, false)
  emitter.writeIndent()
  return emitter.done + emitter.out
}

/**
 * How long the output string may grow as a rope before it is made flat (see Emitter.flushOut):
 * 2^18 characters, past V8's 128 KB bound for objects of the young generation in either string
 * encoding, so that the flat string is never copied by a scavenge. (2^16 saved less: its flat
 * strings are copied in turn; 2^20 never flattens a CRD, of up to 0.9 MB.)
 */
const FLAT_CHUNK = 1 << 18

/** yaml_emitter_utf8_length of a key: only its length against 128 bytes matters. */
function shortEnoughKey(key: string): boolean {
  return key.length <= 42 || Buffer.byteLength(key, 'utf8') <= 128
}

class Emitter implements EmitterState {
  private readonly cache: EmitCache
  /** The text so far: appending to one string (a rope in V8) beats an array of pieces joined at the end. */
  out = ''
  /** The output before {@link out}: flat pieces of {@link FLAT_CHUNK} or more, as one short rope. */
  done = ''
  column = 0
  indent = -1
  private readonly indents: number[] = []
  whitespace = true
  indention = true
  /** Whether the node being written is a mapping value (a sequence there is not indented). */
  private mappingContext = false
  /** Whether the node being written is a simple key (no line breaks, no folding). */
  private simpleKeyContext = false
  /** Set by sortedKeys when the keys it returned are `Object.keys` of the mapping as they were. */
  private keysAsListed = false

  constructor(cache: EmitCache) {
    this.cache = cache
  }

  /**
   * A node; `mapping` when it is a mapping's key or value, `simpleKey` when it is a simple key.
   * Every plain word (`null`, `true`, `{}`, `[]`, a number, a simple string) goes out through the
   * one simpleScalar call at the end: a kind met late in an output (the first `{}`, say) then takes
   * a path V8 has already seen, and optimised code is not thrown away and compiled again.
   */
  node(value: unknown, mapping: boolean, simpleKey = false): void {
    this.mappingContext = mapping
    this.simpleKeyContext = simpleKey
    let text = 'null'
    if (value !== null && value !== undefined) {
      switch (typeof value) {
        case 'string':
          if (!isPlainWord(value)) return this.scalar(value, stringStyle(value))
          text = value
          break
        case 'boolean':
          text = value ? 'true' : 'false'
          break
        case 'number':
          if (!Number.isFinite(value)) throw new UnsupportedValueError(`json: unsupported value: ${formatFloat(value, 'g')}`)
          text = formatNumber(value)
          if (!isSimple(text)) return this.scalar(text, 'plain')
          break
        case 'bigint':
          text = formatBigInt(value)
          if (!isSimple(text)) return this.scalar(text, 'plain')
          break
        case 'object':
          if (Array.isArray(value)) {
            if (value.length > 0) return this.sequence(value as readonly unknown[])
            // An empty flow sequence: writeIndicator('[') then (']'), which comes to the same bytes and state.
            text = '[]'
          } else {
            const map = value as Readonly<Record<string, unknown>>
            const keys = this.sortedKeys(map)
            // Keys in the object's own order: its values in that order too, in one native call
            // instead of a keyed load per entry.
            if (keys.length > 0) return this.mapping(map, keys, this.takeKeysAsListed() ? Object.values(map) : undefined)
            text = '{}'
          }
          break
        case 'function':
        case 'symbol':
        case 'undefined':
          throw new UnsupportedValueError(`unsupported value of type ${typeof value}`)
      }
    }
    this.simpleScalar(text)
  }

  /** A sequence that is not empty. */
  private sequence(items: readonly unknown[]): void {
    this.increaseIndent(false, this.mappingContext && !this.indention)
    for (let i = 0; i < items.length; i++) {
      this.writeIndent()
      writeIndicator(this, '-', ITEM_FLAGS)
      try {
        this.node(items[i], false)
      } catch (err) {
        throw err instanceof UnsupportedValueError ? err.within(i) : err
      }
    }
    this.popIndent()
  }

  /**
   * A mapping that is not empty, with its keys in order (sortedKeys); `values` are the values of
   * `keys` in the same order when sortedKeys returned the object's own order.
   */
  private mapping(map: Readonly<Record<string, unknown>>, keys: readonly string[], values: readonly unknown[] | undefined): void {
    this.increaseIndent(false, false)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string
      this.writeIndent()
      const plain = this.plainKey(key)
      if (plain !== null) {
        // A plain simple key, as node() would write it (the common case): after writeIndent
        // no space is needed before it, and `:` follows it directly.
        this.out += plain
        this.column += plain.length
        this.whitespace = false
        this.indention = false
      } else if (shortEnoughKey(key) && !hasLineBreak(key)) {
        this.node(key, true, true)
        writeIndicator(this, ':', VALUE_FLAGS)
      } else {
        // check_simple_key failed: a complex key, `? key` then `: value` on the next line.
        writeIndicator(this, '?', ITEM_FLAGS)
        this.node(key, true)
        this.writeIndent()
        writeIndicator(this, ':', ITEM_FLAGS)
      }
      try {
        this.node(values !== undefined ? values[i] : map[key], true)
      } catch (err) {
        throw err instanceof UnsupportedValueError ? err.within(key) : err
      }
    }
    this.popIndent()
  }

  /** `key:` when the key is a plain word (see isPlainWord), else null; keys repeat, so remember them. */
  private plainKey(key: string): string | null {
    const keyText = this.cache.keyText
    let text = keyText.get(key)
    if (text === undefined) {
      text = isPlainWord(key) ? `${key}:` : null
      if (keyText.size < CACHE_LIMIT) keyText.set(key, text)
    }
    return text
  }

  /**
   * The keys with a defined value, in go-yaml v2's order; manifests repeat key sets, so remember
   * them. Sets keysAsListed when the answer is `Object.keys(map)` itself.
   */
  private sortedKeys(map: Readonly<Record<string, unknown>>): readonly string[] {
    this.keysAsListed = false
    const keys = Object.keys(map)
    for (let i = 0; i < keys.length; i++) {
      if (map[keys[i] as string] === undefined) return this.inOrder(keys.filter((k) => map[k] !== undefined))
    }
    if (keys.length < 2 || inLetterOrder(keys)) {
      this.keysAsListed = true
      return keys
    }
    return this.sortedOrder(keys)
  }

  /** Whether the last sortedKeys answer was `Object.keys` as listed; clears the mark. */
  private takeKeysAsListed(): boolean {
    const listed = this.keysAsListed
    this.keysAsListed = false
    return listed
  }

  /** `keys` in go-yaml v2's order: `keys` itself when already in that order. */
  private inOrder(keys: string[]): readonly string[] {
    return keys.length < 2 || inLetterOrder(keys) ? keys : this.sortedOrder(keys)
  }

  /**
   * Keys known not to be in letter order, in go-yaml v2's order, remembered by key set: the
   * remembered array on a repeat (`keys` untouched), else `keys` sorted in place.
   */
  private sortedOrder(keys: string[]): readonly string[] {
    const signature = keys.join('\u0000')
    let sorted = this.cache.keyOrder.get(signature)
    if (sorted === undefined) {
      sortKeysV2(keys)
      sorted = keys
      if (this.cache.keyOrder.size < CACHE_LIMIT) this.cache.keyOrder.set(signature, sorted)
    }
    return sorted
  }

  /** A plain scalar that needs no analysis (see isPlainWord): the text goes out as it is. */
  private simpleScalar(value: string): void {
    if (!this.whitespace) {
      this.out += ' '
      this.column++
    }
    this.out += value
    this.column += value.length
    this.whitespace = false
    this.indention = false
  }

  private scalar(value: string, requested: Style): void {
    const analysis = analyze(value)
    let style = requested
    if (this.simpleKeyContext && analysis.multiline) style = 'double'
    if (style === 'plain') {
      if (!analysis.blockPlainAllowed) style = 'single'
      if (value.length === 0 && this.simpleKeyContext) style = 'single'
    }
    if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double'
    if (style === 'literal' && (!analysis.blockAllowed || this.simpleKeyContext)) style = 'double'
    this.increaseIndent(true, false)
    const allowBreaks = !this.simpleKeyContext
    const flags = (allowBreaks ? ALLOW_BREAKS : 0) | (analysis.ascii ? ASCII_TEXT : 0)
    switch (style) {
      case 'plain':
        writePlain(this, value, flags)
        break
      case 'single':
        writeSingleQuoted(this, value, flags)
        break
      case 'double':
        writeDoubleQuoted(this, value, allowBreaks)
        break
      case 'literal':
        writeLiteral(this, value, analysis.ascii)
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

  /**
   * Makes the text so far one flat string, in V8's large-object space (no young-generation
   * collection copies it), and starts a new rope: the pieces of the old one die young, where
   * a rope of the whole output survived every scavenge until the final join.
   */
  private flushOut(): void {
    const out = this.out
    // V8 searches flat text only, so indexOf makes the rope one flat string in place. The text
    // holds no NUL (every writer escapes it as `\0` in double quotes): the search reads it all.
    if (out.indexOf('\u0000') >= 0) throw new Error('YAML emitter: unescaped NUL in the output')
    this.done += out
    this.out = ''
  }

  writeIndent(): void {
    if (this.out.length > FLAT_CHUNK) this.flushOut()
    const indent = Math.max(this.indent, 0)
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      // The break and the indentation in one piece: one string appended, not two.
      this.out += indent < BREAK_SPACES.length ? (BREAK_SPACES[indent] as string) : `\n${' '.repeat(indent)}`
      this.column = indent
    } else if (this.column < indent) {
      const n = indent - this.column
      this.out += n < SPACES.length ? (SPACES[n] as string) : ' '.repeat(n)
      this.column = indent
    }
    this.whitespace = true
    this.indention = true
  }
}
