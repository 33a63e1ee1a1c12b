// JSON objects of the built-in kinds to their protobuf messages, the inverse of decode.ts: the same
// field table, apimachinery's hand-written types (Time, MicroTime, Duration, IntOrString, Quantity,
// FieldsV1, RawExtension and the `items` wrappers) written as their Marshal methods write them, map
// entries as {key = 1, value = 2} messages and repeated scalars unpacked, as the proto2 messages of
// k8s.io/api are marshalled. A value whose JSON shape does not fit its field is an EncodeError, so the
// caller can answer in JSON instead.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { isKubeMap } from '@gitops-sdk/core'
import { arrayWrappers, protoMessages } from '../../generated/protobufFields.js'
import { WireWriter } from './wire.js'
import { stringifyJson } from '../../ssa/deepJson.js'

const REPEATED = 1
const MAP = 2

/** A JSON value that does not fit the protobuf field it belongs to. */
export class EncodeError extends Error {}

/** Nesting deep enough for any built-in kind; the same bound as decoding. */
const MAX_DEPTH = 64

/** Go's zero time.Time in Unix seconds (year 1), which a non-pointer zero metav1.Time would marshal as. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/

/** Seconds and nanoseconds of an RFC 3339 time, as metav1.Time's UnmarshalJSON reads it. */
function parseTime(text: string, field: string): [seconds: number, nanos: number] {
  const m = RFC3339.exec(text)
  if (m === null) throw new EncodeError(`${field}: ${JSON.stringify(text)} is not an RFC 3339 time`)
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000
  }
  if (Number.isNaN(ms)) throw new EncodeError(`${field}: ${JSON.stringify(text)} is not an RFC 3339 time`)
  return [Math.floor(ms / 1000), Number(frac.padEnd(9, '0'))]
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = { ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n }

/** Nanoseconds of a Go duration string (`1h2m3.5s`), as time.ParseDuration reads it. */
export function parseGoDuration(text: string): bigint {
  let rest = text
  let sign = 1n
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1n
    rest = rest.slice(1)
  }
  if (rest === '0') return 0n
  if (rest === '') throw new EncodeError(`time: invalid duration ${JSON.stringify(text)}`)
  let total = 0n
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/
  while (rest !== '') {
    const m = part.exec(rest)
    if (m === null || (m[1] === '' && (m[2] ?? '') === '')) throw new EncodeError(`time: invalid duration ${JSON.stringify(text)}`)
    const [all, whole = '', frac = '', unit = 's'] = m
    const scale = DURATION_UNITS[unit] ?? 1n
    total += BigInt(whole === '' ? '0' : whole) * scale
    if (frac !== '') total += (BigInt(frac) * scale) / 10n ** BigInt(frac.length)
    rest = rest.slice(all.length)
  }
  return sign * total
}

function expectString(value: KubeValue, field: string): string {
  if (typeof value !== 'string') throw new EncodeError(`${field}: expected a string, got ${JSON.stringify(value)}`)
  return value
}

function integer(value: KubeValue, field: string, type: string): bigint {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new EncodeError(`${field}: expected an integer (${type}), got ${JSON.stringify(value)}`)
  return BigInt(value)
}

/** Where one value goes: the message being written, its field number and type, and its path for errors. */
interface Slot {
  readonly w: WireWriter
  readonly number: number
  readonly type: string
  readonly field: string
  readonly depth: number
}

/** Writes one scalar value into its slot. */
function writeScalar(slot: Slot, value: KubeValue): void {
  const { w, number, type, field } = slot
  switch (type) {
    case 'string':
      w.bytes(number, expectString(value, field))
      return
    case 'bytes':
      // []byte is base64 in JSON; Go's encoding/json accepts the standard alphabet with padding.
      w.bytes(number, Buffer.from(expectString(value, field), 'base64'))
      return
    case 'bool':
      if (typeof value !== 'boolean') throw new EncodeError(`${field}: expected a boolean, got ${JSON.stringify(value)}`)
      w.varint(number, value)
      return
    default:
      w.varint(number, integer(value, field, type))
  }
}

/** The message bytes of a special type's JSON form; undefined for an ordinary message. */
function special(type: string, value: KubeValue, field: string): Uint8Array | undefined {
  switch (type) {
    case 'meta.v1.Time':
    case 'meta.v1.MicroTime': {
      // A zero time marshals as no bytes at all (metav1.Time.Marshal); JSON null is the zero time.
      if (value === null) return new Uint8Array(0)
      const [seconds, nanos] = parseTime(expectString(value, field), field)
      // metav1.Time keeps whole seconds in JSON; MicroTime keeps microseconds.
      const kept = type === 'meta.v1.Time' ? 0 : Math.floor(nanos / 1000) * 1000
      const w = new WireWriter().varint(1, seconds)
      return w.varint(2, kept).finish()
    }
    case 'meta.v1.Duration':
      return new WireWriter().varint(1, parseGoDuration(expectString(value, field))).finish()
    case 'meta.v1.FieldsV1':
    case 'runtime.RawExtension':
      if (value === null) return new Uint8Array(0)
      return new WireWriter().bytes(1, stringifyJson(value)).finish()
    case 'resource.Quantity':
    case 'resource.QuantityValue':
      if (typeof value === 'number') return new WireWriter().bytes(1, String(value)).finish()
      return new WireWriter().bytes(1, expectString(value, field)).finish()
    case 'intstr.IntOrString':
      if (typeof value === 'string') return new WireWriter().varint(1, 1).varint(2, 0).bytes(3, value).finish()
      return new WireWriter().varint(1, 0).varint(2, integer(value, field, 'int32')).bytes(3, '').finish()
    default:
      if (arrayWrappers.has(type)) {
        if (!Array.isArray(value)) throw new EncodeError(`${field}: expected an array, got ${JSON.stringify(value)}`)
        const w = new WireWriter()
        for (const item of value) w.bytes(1, expectString(item, field))
        return w.finish()
      }
      return undefined
  }
}

/** One value of a field: a scalar written in place, or a message's bytes as a length-delimited field. */
function writeValue(slot: Slot, value: KubeValue): void {
  const { w, number, type, field, depth } = slot
  if (!type.includes('.')) {
    writeScalar(slot, value)
    return
  }
  const bytes = special(type, value, field)
  if (bytes !== undefined) w.bytes(number, bytes)
  else if (value === null) w.bytes(number, new Uint8Array(0))
  else if (!isKubeMap(value)) throw new EncodeError(`${field}: expected an object, got ${JSON.stringify(value)}`)
  else w.bytes(number, encodeMessage(type, value, { depth: depth + 1, path: field }))
}

/**
 * The protobuf bytes of `object` as message `type` (its own fields only: apiVersion and kind travel in
 * the envelope); throws EncodeError when a value does not fit its field.
 */
export function encodeMessage(type: string, object: KubeMap, at: { readonly depth: number; readonly path: string } = { depth: 0, path: '' }): Uint8Array {
  const { depth, path } = at
  if (depth > MAX_DEPTH) throw new EncodeError(`${path}: exceeded maximum nesting depth`)
  const fields = Object.hasOwn(protoMessages, type) ? protoMessages[type] : undefined
  if (fields === undefined) throw new EncodeError(`no message ${type} in the field table`)
  const w = new WireWriter()
  // Go's generated marshallers write fields in ascending number order.
  const ordered = [...fields].sort((a, b) => a[0] - b[0])
  for (const [number, json, ftype, flags] of ordered) {
    if (json === '') {
      // An inlined struct: its fields are this object's own.
      w.bytes(number, encodeMessage(ftype, object, { depth: depth + 1, path }))
      continue
    }
    if (!Object.hasOwn(object, json)) continue
    const value = object[json] as KubeValue
    const field = path === '' ? json : `${path}.${json}`
    if (value === null && !ftype.includes('.')) continue
    if ((flags & MAP) !== 0) {
      if (value === null) continue
      if (!isKubeMap(value)) throw new EncodeError(`${field}: expected an object, got ${JSON.stringify(value)}`)
      // Go marshals map entries in sorted key order (deterministic marshalling of generated code).
      for (const key of Object.keys(value).sort()) {
        const entry = new WireWriter().bytes(1, key)
        writeValue({ w: entry, number: 2, type: ftype, field: `${field}[${key}]`, depth }, value[key] as KubeValue)
        w.bytes(number, entry.finish())
      }
      continue
    }
    if ((flags & REPEATED) !== 0) {
      if (value === null) continue
      if (!Array.isArray(value)) throw new EncodeError(`${field}: expected an array, got ${JSON.stringify(value)}`)
      value.forEach((item, i) => writeValue({ w, number, type: ftype, field: `${field}[${i}]`, depth }, item))
      continue
    }
    writeValue({ w, number, type: ftype, field, depth }, value)
  }
  return w.finish()
}
