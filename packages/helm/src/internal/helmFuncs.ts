// Helm's own template functions (helm.sh/helm/v4 pkg/engine funcs.go and engine.go): include,
// tpl, required, fail, lookup and the YAML, JSON and TOML conversions, joined with Sprig's (the
// shared, stateless ones made once per process, the dates bound to the render's clock and Local).
import { jsonString } from '@gitops-sdk/core/go'
import { type Clock, stringifyValue, systemClock } from '@gitops-sdk/core'
import { fromKube, marshalGo, toKube } from './funcs/convert.js'
import { fromToml } from './funcs/fromToml.js'
import { type LocalZone, localZoneAt, utcLocal } from './funcs/localZone.js'
import { certFuncs } from './funcs/sprigCerts.js'
import { cryptoFuncs } from './funcs/sprigCrypto.js'
import { dataFuncs } from './funcs/sprigData.js'
import { dateFuncs } from './funcs/sprigDates.js'
import { extraFuncs } from './funcs/sprigExtra.js'
import { semverFuncs } from './funcs/sprigSemver.js'
import { fn, stringFuncs } from './funcs/sprigStrings.js'
import { IncludeCache, callsUnsafeFunction } from './includeCache.js'
import { type ExecEnv, ExecError, execute } from './template/exec.js'
import { ParseError, type ParsedTemplate, parseTemplate } from './template/parse.js'
import { FuncError, type GoFunc, type GoValue, nilMap, nilSlice } from './template/values.js'
import { textMemo } from './textMemo.js'
import { YamlValuesError, parseYamlAsJson } from './yamlValues.js'

/** The markers around the message of `required` and `fail`, which Helm cuts out of an execution error. */
export const warnStart = 'HELM_ERR_START'
/** See {@link warnStart}. */
export const warnEnd = 'HELM_ERR_END'

function toYaml(v: GoValue): string {
  try {
    return stringifyValue(toKube(v)).replace(/\n$/, '')
  } catch {
    return ''
  }
}

function toJson(v: GoValue): string {
  try {
    return marshalGo(v)
  } catch {
    return ''
  }
}

/** Sprig's mustToJson: json.Marshal's error (NaN, an infinity) as the call's error, where toJson prints ''. */
function mustToJson(v: GoValue): string {
  try {
    return marshalGo(v)
  } catch (err) {
    throw new FuncError((err as Error).message)
  }
}

function fromYaml(s: string): GoValue {
  try {
    const v = parseYamlAsJson(s, 'fromYaml')
    if (v === null) return new Map()
    if (!(v instanceof Map)) {
      return new Map([['Error', 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ' + unmarshalKind(v) + ' into Go value of type map[string]interface {}']])
    }
    return v
  } catch (err) {
    return new Map([['Error', err instanceof YamlValuesError ? err.message : String(err)]])
  }
}

/** encoding/json's name of a decoded value that does not fit the target (UnmarshalTypeError.Value). */
function unmarshalKind(v: GoValue): string {
  if (v instanceof Map) return 'object'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  return 'number'
}

// A JSON text that may hold a number literal beyond float64's range: one with an exponent (a digit
// then e or E), or an integer part of 309 digits or more (JSON allows no leading zeros). Linear: the
// look-behind starts the digit run only where a run begins. Complete, so that a number JSON.parse
// dropped (a repeated key) is still found, as encoding/json reports it.
const mayOverflow = /\d[eE]|(?<!\d)\d{309}/
// The strings and numbers of a JSON text, in order; strings are matched so that digits in them are skipped.
const jsonTokens = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g

/**
 * encoding/json's error for the first number of the JSON text `s` (already parsed) beyond
 * float64's range, which it cannot store in an interface{} (`json: cannot unmarshal number 1e400
 * into Go value of type float64`), or undefined when there is none.
 */
function overflowError(s: string): string | undefined {
  if (!mayOverflow.test(s)) return undefined
  for (const [token] of s.matchAll(jsonTokens)) {
    if (!token.startsWith('"') && !Number.isFinite(Number(token))) return `json: cannot unmarshal number ${token} into Go value of type float64`
  }
  return undefined
}

/** `v` with every number beyond float64's range (JSON.parse's infinities) nil, as encoding/json leaves it. */
function withoutInfinities(v: GoValue): GoValue {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = withoutInfinities(v[i])
  } else if (v instanceof Map) {
    for (const [k, x] of v) v.set(k, withoutInfinities(x))
  }
  return v
}

/**
 * Helm's fromJson: the object, or a map holding the error as `Error`. A number beyond float64's
 * range is encoding/json's error, which keeps what was decoded, with nil for each such number.
 */
function fromJson(s: string): GoValue {
  try {
    const v = fromKube(JSON.parse(s))
    // encoding/json sets the map to nil for `null`.
    if (v === null) return nilMap()
    if (!(v instanceof Map)) return new Map([['Error', `json: cannot unmarshal ${unmarshalKind(v)} into Go value of type map[string]interface {}`]])
    const overflow = overflowError(s)
    if (overflow !== undefined) {
      withoutInfinities(v)
      v.set('Error', overflow)
    }
    return v
  } catch (err) {
    return new Map([['Error', (err as Error).message]])
  }
}

/** A template set seen through another: own entries first, then the base's (tpl's view of the chart). */
class Overlay<V> extends Map<string, V> {
  constructor(private readonly base: ReadonlyMap<string, V>) {
    super()
  }

  override get(key: string): V | undefined {
    return super.has(key) ? super.get(key) : this.base.get(key)
  }

  override has(key: string): boolean {
    return super.has(key) || this.base.has(key)
  }
}

// Parsed texts by name and text: a text parses the same way every time against Helm's function set
// (fixed: builtins, Sprig and Helm's own), and trees are never changed by execution, so the releases
// of one chart, and every `tpl` of one string, share one parse. Bounded by the texts' size.
const parsedTexts = textMemo<ParsedTemplate[]>(8 << 20)

/** {@link parseTemplate} once per name and text (the chart's files and each `tpl` text). */
export function parseOnce(name: string, text: string, hasFunction: (name: string) => boolean): ParsedTemplate[] {
  return parsedTexts(`${name}\u0000${text}`, () => parseTemplate(name, text, hasFunction))
}

// Sprig's functions that hold no state of a render (all but Helm's own and the dates, which see the
// clock), made once per process: building them was a millisecond or more per release. The aliases
// of extraFuncs name only these.
let shared: { base: [string, GoFunc][]; extra: [string, GoFunc][]; crypto: [string, GoFunc][] } | undefined

function sprigShared(): { base: [string, GoFunc][]; extra: [string, GoFunc][]; crypto: [string, GoFunc][] } {
  if (shared === undefined) {
    const base = [...stringFuncs(), ...dataFuncs(), ...semverFuncs()]
    shared = { base, extra: extraFuncs(new Map(base)), crypto: cryptoFuncs() }
  }
  return shared
}

/**
 * Sprig (without env and expandenv) and Helm's own functions, bound to one execution environment
 * (include and tpl see its templates).
 */
export function helmFuncs(env: ExecEnv, clock: Clock = systemClock, local: LocalZone = utcLocal): [string, GoFunc][] {
  const { templates, funcs, missingKey } = env
  const includeDepth = new Map<string, number>()
  const hasFunction = (f: string): boolean => funcs.has(f)
  const overlays = new WeakMap<ParsedTemplate[], Overlay<ParsedTemplate>>()
  // Made at the first include, when every template of the render is parsed.
  let includes: IncludeCache | undefined
  const own: [string, GoFunc][] = [
    ['toYaml', fn('toYaml', ['interface {}'], (v) => (includes ??= new IncludeCache(templates.values())).convert(toYaml, v))],
    ['mustToYaml', fn('mustToYaml', ['interface {}'], (v) => (includes ??= new IncludeCache(templates.values())).convert(toYaml, v))],
    ['toJson', fn('toJson', ['interface {}'], (v) => (includes ??= new IncludeCache(templates.values())).convert(toJson, v))],
    ['mustToJson', fn('mustToJson', ['interface {}'], (v) => (includes ??= new IncludeCache(templates.values())).convert(mustToJson, v))],
    ['fromYaml', fn('fromYaml', ['string'], (s) => fromYaml(s as string))],
    ['fromJson', fn('fromJson', ['string'], (s) => fromJson(s as string))],
    ['fromYamlArray', fn('fromYamlArray', ['string'], (s) => {
      try {
        const v = parseYamlAsJson(s as string, 'fromYamlArray')
        if (Array.isArray(v)) return v
        // YAML's null leaves the slice as made ([]interface {}{}), unlike fromJsonArray's nil.
        if (v === null) return []
        return [`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${unmarshalKind(v)} into Go value of type []interface {}`]
      } catch (err) {
        return [(err as Error).message]
      }
    })],
    ['fromJsonArray', fn('fromJsonArray', ['string'], (s) => {
      try {
        const v = fromKube(JSON.parse(s as string))
        // encoding/json sets the slice to nil for `null` (fromYamlArray's YAML null stays empty).
        if (Array.isArray(v)) {
          const overflow = overflowError(s as string)
          return overflow === undefined ? v : [overflow]
        }
        if (v === null) return nilSlice()
        return [`json: cannot unmarshal ${unmarshalKind(v)} into Go value of type []interface {}`]
      } catch (err) {
        return [(err as Error).message]
      }
    })],
    ['required', fn('required', ['string', 'interface {}'], (warn, val) => {
      if (val === null || val === undefined || val === '') throw new FuncError(`${warnStart}${warn as string}${warnEnd}`)
      return val
    })],
    ['fail', fn('fail', ['string'], (msg) => {
      throw new FuncError(`${warnStart}${msg as string}${warnEnd}`)
    })],
    ['lookup', fn('lookup', ['string', 'string', 'string', 'string'], () => new Map())],
    ['include', fn('include', ['string', 'interface {}'], (name, dataArg) => {
      const n = name as string
      const depth = includeDepth.get(n) ?? 0
      if (depth > 1000) {
        throw new FuncError(`rendering template has a nested reference name: ${n}: unable to execute template`)
      }
      includes ??= new IncludeCache(templates.values())
      const known = includes.get(n, dataArg)
      if (known !== undefined) return known
      includeDepth.set(n, depth + 1)
      try {
        if (!templates.has(n)) throw new FuncError(`template: no template ${jsonString(n)} associated with template "gotpl"`)
        const text = execute(env, n, dataArg)
        includes.set(n, dataArg, text)
        return text
      } catch (err) {
        if (err instanceof ExecError) throw new FuncError(err.message)
        throw err
      } finally {
        includeDepth.set(n, depth)
      }
    })],
    ['tpl', fn('tpl', ['string', 'interface {}'], (text, vals) => {
      // helm v4's tpl takes any value as dot (interface {}): a map[string]string, a string, an int.
      // A text without an action is its own output (values hold many such strings).
      if (!(text as string).includes('{{')) return (text as string).replaceAll('<no value>', '')
      let parsed: ParsedTemplate[]
      try {
        parsed = parseOnce('gotpl', text as string, hasFunction)
      } catch (err) {
        if (err instanceof ParseError) throw new FuncError(`cannot parse template ${jsonString(text as string)}: ${err.message}`)
        throw err
      }
      // The chart's templates with this text's on top, without copying the chart's set per call;
      // one view per text (a parse is shared by every call with that text, and execution changes
      // neither set).
      let local = overlays.get(parsed)
      if (local === undefined) {
        if (callsUnsafeFunction(parsed)) (includes ??= new IncludeCache(templates.values())).off()
        local = new Overlay(templates)
        for (const t of parsed) local.set(t.name, t)
        overlays.set(parsed, local)
      }
      try {
        const out = execute({ templates: local, funcs, missingKey }, 'gotpl', vals)
        return out.replaceAll('<no value>', '')
      } catch (err) {
        if (err instanceof ExecError) throw new FuncError(`error during tpl function execution for ${jsonString(text as string)}: ${err.message}`)
        throw err
      }
    })],
  ]
  const shared = sprigShared()
  // fromToml's times convert to this render's Local (their Local method), and its local date-times
  // are at Local's offset of now, as BurntSushi fixes it when helm starts; the shared one's are UTC.
  const tomlOffset = (): number => localZoneAt(local, clock.now().getTime()).offset
  const zoned: [string, GoFunc][] = local === utcLocal ? [] : [['fromToml', fn('fromToml', ['string'], (s) => fromToml(s as string, local, tomlOffset()))]]
  return [...shared.base, ...own, ...shared.extra, ...zoned, ...dateFuncs(clock, local), ...shared.crypto, ...certFuncs(clock)]
}

