import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { arrayWrappers, protoMessages } from '../../generated/protobufFields.js'
import { decodeMessage } from './decode.js'
import { encodeMessage, EncodeError, parseGoDuration } from './encode.js'
import { decodeProtobufObject, encodeProtobufObject, encodeWatchFrame, readEnvelope } from './envelope.js'
import { readFields } from './wire.js'

/** A JSON value for every field of `type`, each non-zero so that no omitempty drops it; recursion stops at a type already on the path. */
function sample(type: string, path: readonly string[], counter: { n: number }): KubeValue | undefined {
  switch (type) {
    case 'string':
      return `s${++counter.n}`
    case 'bytes':
      return Buffer.from(`b${++counter.n}`).toString('base64')
    case 'bool':
      return true
    case 'int32':
    case 'int64':
      return ++counter.n * (counter.n % 2 === 0 ? 1 : -1)
    case 'meta.v1.Time':
      return '2024-02-29T23:59:58Z'
    case 'meta.v1.MicroTime':
      return '2024-02-29T23:59:58.123456Z'
    case 'meta.v1.Duration':
      return '1h2m3.5s'
    case 'meta.v1.FieldsV1':
      return { 'f:metadata': { 'f:labels': { '.': {} } } }
    case 'runtime.RawExtension':
      return { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } }
    case 'resource.Quantity':
    case 'resource.QuantityValue':
      return '250m'
    case 'intstr.IntOrString':
      return ++counter.n % 2 === 0 ? 'http' : 8080
    default:
      break
  }
  if (arrayWrappers.has(type)) return [`w${++counter.n}`, `w${++counter.n}`]
  if (path.includes(type)) return undefined
  const fields = protoMessages[type]
  if (fields === undefined) throw new Error(`no message ${type}`)
  const out: KubeMap = {}
  for (const [, json, ftype, flags] of fields) {
    if (json === '-') continue
    const value = sample(ftype, [...path, type], counter)
    if (value === undefined) continue
    if (json === '') {
      Object.assign(out, value)
      continue
    }
    if ((flags & 2) !== 0) out[json] = { a: value, ['__proto__']: sample(ftype, [...path, type], counter) ?? value }
    else if ((flags & 1) !== 0) out[json] = [value, sample(ftype, [...path, type], counter) ?? value]
    else out[json] = value
  }
  return out
}

const kinds = Object.entries(protoMessages)
  .filter(([, fields]) => fields.some(([n, json, t]) => n === 1 && json === 'metadata' && (t === 'meta.v1.ObjectMeta' || t === 'meta.v1.ListMeta')))
  .map(([name]) => name)

describe('encodeMessage', () => {
  it('round-trips a full object of every built-in kind and list of the field table through decodeMessage', () => {
    expect(kinds.length).toBeGreaterThan(100)
    for (const kind of kinds) {
      const object = JSON.parse(JSON.stringify(sample(kind, [], { n: 0 }))) as KubeMap
      expect(decodeMessage(kind, encodeMessage(kind, object)), kind).toEqual(object)
    }
  })

  it('keeps zero values of pointers and null times, and the defaults stored objects carry', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-01-02T03:04:05Z', labels: { app: 'web' }, generation: 1 },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx', resources: {}, ports: [{ containerPort: 80, protocol: 'TCP' }] }], terminationGracePeriodSeconds: 30 } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {},
    }
    const bytes = encodeProtobufObject(deployment)
    expect(readEnvelope(bytes)).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', contentEncoding: '', contentType: '' })
    expect(decodeProtobufObject(bytes)).toEqual(deployment)
  })

  it('writes watch frames as a 4-byte length and a WatchEvent whose object is an envelope', () => {
    const status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 }
    const frame = encodeWatchFrame('ERROR', status)
    const length = new DataView(frame.buffer, frame.byteOffset).getUint32(0, false)
    expect(length).toBe(frame.length - 4)
    const [type, object] = readFields(frame.subarray(4))
    expect(type?.wire === 2 && Buffer.from(type.value).toString()).toBe('ERROR')
    const raw = object?.wire === 2 ? readFields(object.value)[0] : undefined
    expect(raw?.wire === 2 && decodeProtobufObject(raw.value)).toEqual(status)
  })

  it('refuses values that do not fit their fields, and kinds the table does not have', () => {
    expect(() => encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 1 } })).toThrow(EncodeError)
    expect(() => encodeProtobufObject({ apiVersion: 'v1', kind: 'Pod', spec: { containers: 'x' } })).toThrow(/spec.containers: expected an array/)
    expect(() => encodeProtobufObject({ apiVersion: 'apps.example.com/v1', kind: 'Deployment', metadata: {} })).toThrow(/no kind "Deployment"/)
    expect(() => encodeProtobufObject({ apiVersion: 'v1', kind: 'Pod', metadata: { creationTimestamp: 'yesterday' } })).toThrow(/RFC 3339/)
  })
})

describe('parseGoDuration', () => {
  it('reads what time.Duration.String writes', () => {
    expect(['0s', '1.5µs', '2ms', '1m30s', '1h2m3.5s', '-1s', '300ms', '0'].map((d) => String(parseGoDuration(d)))).toEqual(['0', '1500', '2000000', '90000000000', '3723500000000', '-1000000000', '300000000', '0'])
    expect(() => parseGoDuration('1d')).toThrow(/invalid duration/)
  })
})
