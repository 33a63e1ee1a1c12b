// YAML as Helm reads values and fromYaml input: sigs.k8s.io/yaml, i.e. go-yaml v2's YAML 1.1
// resolution (yes/no/on/off/y/n are booleans), then a round trip through JSON, so every number is a
// float64, keys become strings (`true`, `1`) and timestamps become RFC 3339 strings.
import { parseYamlStream, resolveScalar11 } from '@gitops-sdk/core/yaml'
import type { Node as YamlNode } from 'yaml'
import { yamlLib } from './lazy.js'
import { sprintf } from './template/fmt.js'
import { goQuote } from './template/lex.js'
import type { GoMap, GoValue } from './template/values.js'
import { textMemo } from './textMemo.js'
import { type PlainRules, quickValues } from './quickValues.js'
import { jsonValues } from './jsonValues.js'

/** A YAML document could not be read; the message is the parser's. */
export class YamlValuesError extends Error {}

function scalarValue(node: YamlNode): GoValue {
  if (!yamlLib().isScalar(node)) return null
  const raw: unknown = node.source ?? node.value
  const text = typeof raw === 'string' ? raw : ''
  const tag = node.tag
  const plain = node.type === 'PLAIN' || node.type === undefined
  if (tag === '!!str' || !plain) return text
  if (tag === '!!int' || tag === '!!float') {
    const n = Number(text.replaceAll('_', ''))
    return Number.isNaN(n) ? text : n
  }
  return plainValue(text)
}

/** An untagged plain scalar as go-yaml v2 resolves it, after the JSON round trip. */
function plainValue(text: string): GoValue {
  const r = resolveScalar11(text)
  if (r.tag === '!!null') return null
  if (r.tag === '!!bool') return r.value
  if (r.tag === '!!int') return Number(r.value)
  if (r.tag === '!!float') return r.value
  if (r.tag === '!!timestamp' || r.tag === '!!str') return r.value
  return text
}

function keyString(v: GoValue): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') return v
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'number') return String(v)
  // go-yaml v2 refuses a sequence or mapping as a key while it decodes (sigs.k8s.io/yaml wraps it).
  throw new YamlValuesError(`error converting YAML to JSON: yaml: invalid map key: ${yamlGoSyntax(v)}`)
}

/** A decoded YAML value as Go's %#v prints what go-yaml v2 made of it (maps as map[interface {}]interface {}). */
function yamlGoSyntax(v: GoValue): string {
  if (v === null || v === undefined) return 'interface {}(nil)'
  if (Array.isArray(v)) return `[]interface {}{${v.map(yamlGoSyntax).join(', ')}}`
  if (v instanceof Map) {
    const entries = [...v.keys()].sort().map((k) => `${goQuote(k)}:${yamlGoSyntax(v.get(k) ?? null)}`)
    return `map[interface {}]interface {}{${entries.join(', ')}}`
  }
  return sprintf('%#v', [v])
}

/** Whether a decoded YAML value holds an infinity or NaN anywhere (one walk, no sorting). */
function holdsNonFinite(v: GoValue): boolean {
  if (typeof v === 'number') return !Number.isFinite(v)
  if (Array.isArray(v)) return v.some(holdsNonFinite)
  if (v instanceof Map) {
    for (const x of v.values()) if (holdsNonFinite(x)) return true
  }
  return false
}

/** The first infinity or NaN in encoding/json's order (map keys sorted), as it names it. */
function firstNonFinite(v: GoValue): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'
  const items = Array.isArray(v) ? v : v instanceof Map ? [...v.keys()].sort().map((k) => v.get(k) ?? null) : []
  for (const x of items) {
    const bad = firstNonFinite(x)
    if (bad !== undefined) return bad
  }
  return undefined
}

/**
 * The value JSON cannot hold in a decoded YAML value (an infinity or NaN, as encoding/json names it:
 * `+Inf`, `-Inf`, `NaN`), first in encoding/json's order, or undefined.
 */
function unsupportedJsonValue(v: GoValue): string | undefined {
  return holdsNonFinite(v) ? firstNonFinite(v) : undefined
}

/**
 * {@link YamlValuesError} when a decoded YAML value holds what JSON cannot: sigs.k8s.io/yaml fails
 * converting it to JSON before unmarshalling (fromYaml, values files).
 */
export function assertJsonable(v: GoValue): void {
  const bad = unsupportedJsonValue(v)
  if (bad !== undefined) throw new YamlValuesError(`error converting YAML to JSON: json: unsupported value: ${bad}`)
}

/**
 * One YAML document as sigs.k8s.io/yaml reads it for Helm (values files, `fromYaml`): converted to
 * JSON before it is unmarshalled, so an infinity or NaN fails the conversion (`json: unsupported
 * value: +Inf`) whatever the target type.
 *
 * @throws YamlValuesError when the text is not YAML or holds an infinity or NaN.
 */
export function parseYamlAsJson(text: string, source: string): GoValue {
  const v = parseYamlValue(text, source)
  assertJsonable(v)
  return v
}

// Characters go-yaml's reader refuses (`control characters are not allowed`): C0 controls but tab,
// line feed and carriage return; DEL; C1 controls but NEL; U+FFFE and U+FFFF.
// eslint-disable-next-line no-control-regex -- these are the characters looked for
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The text of a YAML file's bytes, or go-yaml's reader error (wrapped as sigs.k8s.io/yaml wraps it)
 * for the first byte sequence that is not UTF-8. `lineAtEnd`: the bytes are read as if a line feed
 * followed them, as helm's reader of values files does (a sequence cut short by the end is then
 * refused for that byte, not as incomplete, unless it needs more than one byte more).
 *
 * @throws YamlValuesError for bytes that are not UTF-8.
 */
export function yamlText(bytes: Uint8Array, lineAtEnd: boolean): string {
  try {
    return utf8.decode(bytes)
  } catch {
    const at = lineAtEnd ? [...bytes, 0x0a] : bytes
    throw new YamlValuesError(`error converting YAML to JSON: yaml: ${utf8Problem(at)}`)
  }
}

const minimum = [0, 0, 0x80, 0x800, 0x10000]

/** go-yaml's reason for the first sequence of `b` that is not UTF-8 (its reader's checks, in its order). */
function utf8Problem(b: ArrayLike<number>): string {
  for (let i = 0; i < b.length; ) {
    const c = b[i] ?? 0
    const width = c < 0x80 ? 1 : (c & 0xe0) === 0xc0 ? 2 : (c & 0xf0) === 0xe0 ? 3 : (c & 0xf8) === 0xf0 ? 4 : 0
    if (width === 0) return 'invalid leading UTF-8 octet'
    if (i + width > b.length) return 'incomplete UTF-8 octet sequence'
    let value = width === 1 ? c : c & (0xff >> (width + 1))
    for (let k = 1; k < width; k++) {
      const t = b[i + k] ?? 0
      if ((t & 0xc0) !== 0x80) return 'invalid trailing UTF-8 octet'
      value = (value << 6) | (t & 0x3f)
    }
    if (value < (minimum[width] ?? 0)) return 'invalid length of a UTF-8 sequence'
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return 'invalid Unicode character'
    i += width
  }
  return 'invalid leading UTF-8 octet'
}

/** Reads one YAML document (the first of a stream) as Helm's values model. */
export function parseYamlValue(text: string, source: string): GoValue {
  if (controlCharacter.test(text)) throw new YamlValuesError('error converting YAML to JSON: yaml: control characters are not allowed')
  // Compact JSON first: it refuses anything else at the first character, where the quick reader
  // would scan the whole text before refusing JSON.
  return jsonValues(text, plainValue) ?? quickValues(text, quickRules) ?? parseYamlValueFull(text, source)
}

/** How yamlValues reads a plain scalar and a plain key, for the quick reader. */
export const quickRules: PlainRules = {
  value: plainValue,
  key: (text) => {
    const v = plainValue(text)
    return v === null ? undefined : keyString(v)
  },
}

/** go-yaml's error for a `\\u` or `\\U` escape of a surrogate or beyond U+10FFFF, which sigs.k8s.io/yaml wraps. */
const badEscape = 'error converting YAML to JSON: yaml: found invalid Unicode character escape code'

/**
 * The offset in `raw` (a double-quoted scalar's source) of the first escape go-yaml refuses: a
 * `\\u` or `\\U` code in the surrogates (even a pair: go-yaml decodes each escape alone) or
 * beyond U+10FFFF; -1 when none.
 */
function badEscapeAt(raw: string): number {
  for (let i = raw.indexOf('\\'); i >= 0; i = raw.indexOf('\\', i + 2)) {
    const c = raw[i + 1]
    if (c !== 'u' && c !== 'U') continue
    const hex = raw.slice(i + 2, i + (c === 'u' ? 6 : 10))
    if (!/^[0-9a-fA-F]+$/.test(hex)) continue
    const code = Number.parseInt(hex, 16)
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i
  }
  return -1
}

/** go-yaml's message for a refused escape at `offset` of `text`: the line, unless it is the first. */
function badEscapeMessage(text: string, offset: number): string {
  let line = 1
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++
  return line === 1 ? badEscape : badEscape.replace('yaml: ', `yaml: line ${line}: `)
}

/** {@link parseYamlValue} through the `yaml` package for every text (the quick reader's reference in tests). */
export function parseYamlValueFull(text: string, source: string): GoValue {
  let stream
  try {
    stream = parseYamlStream(text, { source, uniqueKeys: false })
  } catch (err) {
    throw new YamlValuesError((err as Error).message)
  }
  const first = stream.documents[0]
  if (first === undefined) return null
  if (first.document.errors.length > 0) {
    const message = first.document.errors[0]?.message ?? 'invalid YAML'
    // The yaml package refuses a \\U escape beyond U+10FFFF itself.
    const big = /^Invalid escape sequence (\\U[0-9a-fA-F]{8})/.exec(message)
    const at = big === null ? -1 : text.indexOf(big[1] ?? '')
    throw new YamlValuesError(big !== null && at >= 0 && badEscapeAt(big[1] ?? '') === 0 ? badEscapeMessage(text, at) : message)
  }
  const { isAlias, isMap, isScalar, isSeq } = yamlLib()
  const walk = (node: YamlNode | null | undefined, depth: number): GoValue => {
    if (node === null || node === undefined) return null
    if (depth > 1000) throw new YamlValuesError(`${source}: nesting too deep`)
    if (isAlias(node)) return walk(first.resolveAlias(node), depth + 1)
    if (isMap(node)) {
      const m: GoMap = new Map()
      for (const pair of node.items) {
        const rawKey = walk(pair.key as YamlNode, depth + 1)
        if (rawKey === null) {
          // sigs.k8s.io/yaml cannot turn a null key into a JSON object key.
          const value = walk(pair.value as YamlNode, depth + 1)
          throw new YamlValuesError(
            `error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: ${sprintf('%#v', [value])}`,
          )
        }
        const k = keyString(rawKey)
        if (k === '<<' && pair.value !== null) {
          const merged = walk(pair.value as YamlNode, depth + 1)
          const sources = Array.isArray(merged) ? merged : [merged]
          for (const src of sources) {
            if (src instanceof Map) for (const [mk, mv] of src) if (!m.has(mk)) m.set(mk, mv)
          }
          continue
        }
        m.set(k, walk(pair.value as YamlNode, depth + 1))
      }
      return m
    }
    if (isSeq(node)) return node.items.map((item) => walk(item as YamlNode, depth + 1))
    if (isScalar(node) && node.type === 'QUOTE_DOUBLE' && node.range !== null && node.range !== undefined) {
      const at = badEscapeAt(text.slice(node.range[0], node.range[1]))
      if (at >= 0) throw new YamlValuesError(badEscapeMessage(text, node.range[0] + at))
    }
    return scalarValue(node)
  }
  return walk(first.document.contents, 0)
}

// Values files and Chart.yaml texts read twice or more, by text: the releases of one chart read the
// same files, and copying a tree is far cheaper than parsing it again. A text seen once is only
// noted (its first reader takes the tree itself: a copy kept for a text never read again, 3 MB of
// values, was a tenth of a render); its second reading parses it again and keeps the tree. Both
// bounded by the texts' size.
const parsedTexts = textMemo<GoValue>(8 << 20)
const seenTexts = textMemo<true>(8 << 20)

function copyValue(v: GoValue): GoValue {
  if (v instanceof Map) {
    const m: GoMap = new Map()
    for (const [k, x] of v) m.set(k, copyValue(x))
    return m
  }
  if (Array.isArray(v)) return v.map(copyValue)
  return v
}

/**
 * {@link parseYamlValue}, remembered by text: the first reading of a text parses it and keeps
 * nothing but a note; the second parses it again and keeps the tree; the third and later are
 * answered from memory. Every answer is a fresh tree, so the caller may change it. Failures are
 * not remembered (they parse again and fail the same way).
 */
export function parseYamlValueOnce(text: string, source: string): GoValue {
  const seen = { first: false }
  seenTexts(text, () => (seen.first = true))
  if (seen.first) return parseYamlValue(text, source)
  return copyValue(parsedTexts(text, () => parseYamlValue(text, source)))
}
