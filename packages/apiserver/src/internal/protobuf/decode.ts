// Protobuf messages of the built-in kinds to the JSON kube-apiserver would hold after decoding them
// into its Go types: field numbers and types from the generated table (src/generated/protobufFields.ts),
// zero values of omitempty fields left out as encoding/json leaves them, inlined structs merged into
// their parent, and the hand-written types of apimachinery (Time, MicroTime, Duration, IntOrString,
// Quantity, FieldsV1, RawExtension and the `items` wrappers) in their JSON forms.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { arrayWrappers, protoMessages } from '../../generated/protobufFields.js'
import type { ProtoField } from '../../generated/protobufFields.js'
import type { WireField } from './wire.js'
import { readFields, readPacked, WireError } from './wire.js'
import { MAX_JSON_DEPTH, openerPast, tooDeep } from '../http/jsonDepth.js'

const REPEATED = 1
const MAP = 2
const KEEP_ZERO = 4

const utf8 = new TextDecoder('utf-8', { fatal: false })

/** Sets an own property, as JSON.parse does: a key `__proto__` stays data and never reaches a prototype. */
export function setOwn(target: KubeMap, key: string, value: KubeValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

const byNumber = new Map<string, Map<number, ProtoField>>()

/** The fields of a message by number; undefined for a message the table does not have. */
function fieldsOf(message: string): Map<number, ProtoField> | undefined {
  let out = byNumber.get(message)
  if (out === undefined) {
    const fields = Object.hasOwn(protoMessages, message) ? protoMessages[message] : undefined
    if (fields === undefined) return undefined
    out = new Map(fields.map((f) => [f[0], f]))
    byNumber.set(message, out)
  }
  return out
}

/** Whether the table has `message`. */
export function hasMessage(message: string): boolean {
  return fieldsOf(message) !== undefined
}

function fixed(field: WireField, type: string): number {
  if (field.wire !== 1 && field.wire !== 5) throw new WireError(`proto: wrong wireType = ${field.wire} for field of type ${type}`)
  const view = new DataView(field.value.buffer, field.value.byteOffset, field.value.byteLength)
  return field.wire === 1 ? view.getFloat64(0, true) : view.getFloat32(0, true)
}

function fromVarint(value: bigint, type: string): KubeValue {
  switch (type) {
    case 'bool':
      return value !== 0n
    case 'int32':
      return Number(BigInt.asIntN(32, value))
    case 'uint32':
      return Number(BigInt.asUintN(32, value))
    case 'uint64':
      return Number(value)
    default:
      return Number(BigInt.asIntN(64, value))
  }
}

/** A scalar field's value. */
function scalar(field: WireField, type: string): KubeValue {
  switch (type) {
    case 'string':
      if (field.wire !== 2) throw new WireError(`proto: wrong wireType = ${field.wire} for field of type string`)
      return utf8.decode(field.value)
    case 'bytes':
      if (field.wire !== 2) throw new WireError(`proto: wrong wireType = ${field.wire} for field of type bytes`)
      return Buffer.from(field.value).toString('base64')
    case 'double':
    case 'float':
      return fixed(field, type)
    default:
      if (field.wire !== 0) throw new WireError(`proto: wrong wireType = ${field.wire} for field of type ${type}`)
      return fromVarint(field.value, type)
  }
}

const isScalar = (type: string): boolean => !type.includes('.')

function isZero(value: KubeValue): boolean {
  return value === '' || value === 0 || value === false || value === null
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** metav1.Time (seconds, as RFC 3339) and MicroTime (microseconds); the zero time is JSON null. */
function timeJson(bytes: Uint8Array, micro: boolean): KubeValue {
  // metav1.Time marshals the zero time as no bytes at all.
  if (bytes.length === 0) return null
  let seconds = 0
  let nanos = 0
  for (const f of readFields(bytes)) {
    if (f.wire !== 0) continue
    if (f.number === 1) seconds = Number(BigInt.asIntN(64, f.value))
    if (f.number === 2) nanos = Number(BigInt.asIntN(32, f.value))
  }
  // Go's zero time.Time is year 1, which metav1.Time encodes as -62135596800 seconds.
  if (seconds === -62135596800 && nanos === 0) return null
  const d = new Date(seconds * 1000)
  if (Number.isNaN(d.getTime())) throw new WireError(`proto: time out of range: ${seconds}`)
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`
}

/** Go's time.Duration.String() of a count of nanoseconds. */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  const negative = ns < 0n
  let u = negative ? -ns : ns
  let out: string
  if (u < 1_000_000_000n) {
    const [unit, div] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n]
    out = `${decimal(u, div)}${unit}`
  } else {
    const h = u / 3_600_000_000_000n
    u -= h * 3_600_000_000_000n
    const m = u / 60_000_000_000n
    u -= m * 60_000_000_000n
    out = `${decimal(u, 1_000_000_000n)}s`
    if (h > 0n || m > 0n) out = `${m}m${out}`
    if (h > 0n) out = `${h}h${out}`
  }
  return negative ? `-${out}` : out
}

function decimal(value: bigint, div: bigint): string {
  const whole = value / div
  const frac = value % div
  if (frac === 0n) return String(whole)
  const digits = String(div).length - 1
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`
}

/**
 * A message's JSON that nests past MAX_JSON_DEPTH, as a JSON body past it is refused: the embedded
 * JSON of a FieldsV1 or RawExtension (kube-apiserver keeps their bytes, and its JSON decoder and
 * encoder bound them at 10,000 levels; this server parses them, and its walks recurse per level).
 * The path of the field is filled in as the error passes up through the messages holding it.
 */
export class EmbeddedTooDeepError extends WireError {
  private readonly segments: string[] = []

  /** `reason`: Go's scanner's words for the embedded text. */
  constructor(private readonly reason: string) {
    super(reason)
  }

  /** Puts the field (or `[index]`) holding the value so far in front of the path. */
  within(segment: string): this {
    this.segments.unshift(segment)
    const path = this.segments.join('').replace(/^\./u, '')
    this.message = `${path}: ${this.reason}`
    return this
  }
}

/** Embedded JSON; `enclosing` arrays and objects hold it in the whole object, and count to its bound. */
function rawJson(bytes: Uint8Array, type: string, enclosing: number): KubeValue {
  if (bytes.length === 0) return null
  const text = utf8.decode(bytes)
  let value: KubeValue
  try {
    value = JSON.parse(text) as KubeValue
  } catch {
    throw new WireError(`${type}: the embedded value is not JSON`)
  }
  const opener = openerPast(text, MAX_JSON_DEPTH - enclosing)
  if (opener !== undefined) throw new EmbeddedTooDeepError(tooDeep(opener))
  return value
}

/** A message whose JSON is not an object of its fields; undefined for an ordinary message. */
function special(type: string, bytes: Uint8Array, enclosing: number): { value: KubeValue } | undefined {
  switch (type) {
    case 'meta.v1.Time':
      return { value: timeJson(bytes, false) }
    case 'meta.v1.MicroTime':
      return { value: timeJson(bytes, true) }
    case 'meta.v1.Duration': {
      const f = readFields(bytes).find((x) => x.number === 1 && x.wire === 0)
      return { value: goDuration(f?.wire === 0 ? BigInt.asIntN(64, f.value) : 0n) }
    }
    case 'meta.v1.FieldsV1':
    case 'runtime.RawExtension': {
      const f = readFields(bytes).find((x) => x.number === 1 && x.wire === 2)
      return { value: f?.wire === 2 ? rawJson(f.value, type, enclosing) : null }
    }
    case 'resource.Quantity':
    case 'resource.QuantityValue': {
      const f = readFields(bytes).find((x) => x.number === 1 && x.wire === 2)
      return { value: f?.wire === 2 ? utf8.decode(f.value) : '0' }
    }
    case 'intstr.IntOrString': {
      let kind = 0n
      let int = 0
      let str = ''
      for (const f of readFields(bytes)) {
        if (f.number === 1 && f.wire === 0) kind = f.value
        if (f.number === 2 && f.wire === 0) int = Number(BigInt.asIntN(32, f.value))
        if (f.number === 3 && f.wire === 2) str = utf8.decode(f.value)
      }
      return { value: kind === 1n ? str : int }
    }
    default:
      if (arrayWrappers.has(type)) {
        const items: KubeValue[] = []
        for (const f of readFields(bytes)) if (f.number === 1 && f.wire === 2) items.push(utf8.decode(f.value))
        return { value: items }
      }
      return undefined
  }
}

/**
 * Where a value is decoded: `depth` messages down, held in `enclosing` arrays and objects of the whole
 * object (which count to MAX_JSON_DEPTH).
 */
export interface Place {
  readonly depth: number
  readonly enclosing: number
}

/** The JSON of a field's one value (a scalar or a message). */
function valueOf(field: WireField, type: string, at: Place): KubeValue {
  if (isScalar(type)) return scalar(field, type)
  if (field.wire !== 2) throw new WireError(`proto: wrong wireType = ${field.wire} for field of type ${type}`)
  return messageValue(type, field.value, { depth: at.depth + 1, enclosing: at.enclosing })
}

/** The JSON of a message value: a special type's form or an object of its fields. */
function messageValue(type: string, bytes: Uint8Array, at: Place): KubeValue {
  const value = special(type, bytes, at.enclosing)
  return value === undefined ? decodeMessage(type, bytes, at) : value.value
}

/** `value()`, an EmbeddedTooDeepError from it given the field `segment` that holds the value. */
function within<T>(segment: string, value: () => T): T {
  try {
    return value()
  } catch (err) {
    if (err instanceof EmbeddedTooDeepError) throw err.within(segment)
    throw err
  }
}

function zeroOf(type: string): KubeValue {
  if (type === 'string' || type === 'bytes') return ''
  if (type === 'bool') return false
  if (isScalar(type)) return 0
  return messageValue(type, new Uint8Array(0), { depth: 0, enclosing: 0 })
}

function mapEntry(field: WireField, type: string, at: Place): [string, KubeValue] {
  if (field.wire !== 2) throw new WireError(`proto: wrong wireType = ${field.wire} for a map entry`)
  let key = ''
  let value: KubeValue | undefined
  for (const f of readFields(field.value)) {
    if (f.number === 1) key = scalar(f, 'string') as string
    else if (f.number === 2) value = within(`[${key}]`, () => valueOf(f, type, at))
  }
  return [key, value ?? zeroOf(type)]
}

/** Nesting deep enough for any built-in kind; beyond it the body is refused rather than walked. */
const MAX_DEPTH = 64

/**
 * Decodes one message of `type` into its JSON object; throws WireError on malformed bytes, and
 * EmbeddedTooDeepError (naming the field) when embedded JSON would nest the whole object (the message
 * held in `enclosing` arrays and objects) past MAX_JSON_DEPTH.
 */
export function decodeMessage(type: string, bytes: Uint8Array, at: Place = { depth: 0, enclosing: 0 }): KubeMap {
  const { depth, enclosing } = at
  if (depth > MAX_DEPTH) throw new WireError('proto: exceeded maximum nesting depth')
  const fields = fieldsOf(type)
  if (fields === undefined) throw new WireError(`proto: no message ${type} in the field table`)
  const out: KubeMap = {}
  for (const wf of readFields(bytes)) {
    const field = fields.get(wf.number)
    // Unknown field numbers are skipped, as Go's generated unmarshallers skip them.
    if (field === undefined) continue
    const [, json, ftype, flags] = field
    if ((flags & MAP) !== 0) {
      const current = out[json]
      const target: KubeMap = current !== undefined && current !== null && typeof current === 'object' && !Array.isArray(current) ? current : {}
      const [key, value] = within(`.${json}`, () => mapEntry(wf, ftype, { depth, enclosing: enclosing + 2 }))
      setOwn(target, key, value)
      setOwn(out, json, target)
      continue
    }
    if ((flags & REPEATED) !== 0) {
      const list = Array.isArray(out[json]) ? out[json] : []
      if (wf.wire === 2 && isScalar(ftype) && ftype !== 'string' && ftype !== 'bytes') {
        for (const v of readPacked(wf.value)) list.push(fromVarint(v, ftype))
      } else if (isScalar(ftype)) list.push(scalar(wf, ftype))
      else list.push(within(`.${json}`, () => within(`[${list.length}]`, () => valueOf(wf, ftype, { depth, enclosing: enclosing + 2 }))))
      setOwn(out, json, list)
      continue
    }
    const value =
      json === '' ? valueOf(wf, ftype, at) : isScalar(ftype) ? scalar(wf, ftype) : within(`.${json}`, () => valueOf(wf, ftype, { depth, enclosing: enclosing + 1 }))
    if (json === '') {
      // An inlined struct (`json:",inline"`): its fields are the parent's.
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) setOwn(out, k, v)
      continue
    }
    if ((flags & KEEP_ZERO) === 0 && isScalar(ftype) && isZero(value)) continue
    if ((flags & KEEP_ZERO) === 0 && ftype === 'intstr.IntOrString' && value === 0) continue
    setOwn(out, json, value)
  }
  return out
}
