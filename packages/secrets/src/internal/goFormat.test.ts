import { describe, expect, it } from 'vitest'
import { formatFloatF, formatFloatG, formatFloatJson, formatFloatValToString, parseYamlTimestamp, formatTimeNano } from './goFormat.js'
import { combineShares, splitSecret } from './shamir.js'
import { resolvePlain } from './stores/yamlResolve.js'

describe('Go number formatting', () => {
  it.for([
    [1e21, '1000000000000000000000', '1e+21', '1e+21', '1E+21'],
    [1e-7, '0.0000001', '1e-07', '1e-7', '1E-07'],
    [25.4, '25.4', '25.4', '25.4', '25.4'],
    [3, '3', '3', '3', '3.0'],
    [1234568000, '1234568000', '1.234568e+09', '1234568000', '1.234568E+09'],
    [-0.5, '-0.5', '-0.5', '-0.5', '-0.5'],
  ] as const)('formats %s as Go does', ([x, f, g, json, val]) => {
    expect([formatFloatF(x), formatFloatG(x), formatFloatJson(x), formatFloatValToString(x)]).toEqual([f, g, json, val])
  })
})

describe('go-yaml v3 plain scalars', () => {
  it.for([
    ['0x1F', { kind: 'int', value: 31n }],
    ['017', { kind: 'int', value: 15n }],
    ['1_000', { kind: 'int', value: 1000n }],
    ['yes', { kind: 'str', value: 'yes' }],
    ['True', { kind: 'bool', value: true }],
    ['~', { kind: 'null' }],
    ['.5', { kind: 'float', value: 0.5 }],
    ['2024-01-01', { kind: 'time', value: '2024-01-01T00:00:00Z' }],
  ] as const)('resolves %s', ([text, want]) => {
    expect(resolvePlain(text)).toEqual(want)
  })

  it('prints timestamps as RFC 3339 with trimmed nanoseconds', () => {
    expect(formatTimeNano(parseYamlTimestamp('2001-12-14t21:59:43.10-05:00')!)).toBe('2001-12-14T21:59:43.1-05:00')
  })
})

describe('Shamir', () => {
  it('recovers the secret from any threshold of shares and not from fewer', () => {
    const secret = new Uint8Array(32).map((_, i) => i * 7)
    const shares = splitSecret(secret, 5, 3)
    expect(combineShares([shares[4]!, shares[0]!, shares[2]!])).toEqual(secret)
    expect(combineShares([shares[1]!, shares[3]!])).not.toEqual(secret)
  })
})
