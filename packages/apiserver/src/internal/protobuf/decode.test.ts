import { describe, expect, it } from 'vitest'
import { decodeMessage, goDuration } from './decode.js'
import { WireWriter } from './wire.js'

describe('decodeMessage', () => {
  it('writes the JSON forms of apimachinery types and merges inlined structs', () => {
    const time = new WireWriter().varint(1, 1_700_000_000).varint(2, 5).finish()
    const port = new WireWriter().varint(1, 1).bytes(3, 'http').finish() // IntOrString{type: String}
    const http = new WireWriter().bytes(1, '/healthz').bytes(2, port).finish()
    const handler = new WireWriter().bytes(2, http).finish()
    const probe = new WireWriter().bytes(1, handler).varint(2, 0).varint(7, 0).finish()
    const container = new WireWriter().bytes(1, 'app').bytes(2, '').bytes(10, probe).varint(16, false).finish()
    expect(decodeMessage('core.v1.Container', container)).toEqual({
      name: 'app',
      // a pointer (terminationGracePeriodSeconds) keeps its zero; omitempty fields (image, stdin) drop theirs
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, terminationGracePeriodSeconds: 0 },
    })
    const meta = new WireWriter().bytes(8, time).bytes(9, new Uint8Array(0)).finish()
    expect(decodeMessage('meta.v1.ObjectMeta', meta)).toEqual({ creationTimestamp: '2023-11-14T22:13:20Z', deletionTimestamp: null })
  })

  it('reads packed and unpacked repeated scalars and negative integers', () => {
    const packed = new WireWriter().bytes(3, Uint8Array.from([1, 2])).varint(3, 0x7f).finish()
    expect(decodeMessage('core.v1.Capabilities', new Uint8Array(0))).toEqual({})
    expect(decodeMessage('batch.v1.PodFailurePolicyOnExitCodesRequirement', packed)).toEqual({ values: [1, 2, 127] })
    const negative = new WireWriter().varint(2, -5).finish()
    expect(decodeMessage('scheduling.v1.PriorityClass', negative)).toEqual({ value: -5 })
  })
})

describe('goDuration', () => {
  it('prints as time.Duration.String does', () => {
    expect([0n, 1500n, 2_000_000n, 90_000_000_000n, 3_723_500_000_000n, -1_000_000_000n].map(goDuration)).toEqual(['0s', '1.5µs', '2ms', '1m30s', '1h2m3.5s', '-1s'])
  })
})
