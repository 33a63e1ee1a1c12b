import { describe, expect, it } from 'vitest'
import { combineShares, splitSecret } from './shamir.js'
import { formatFloatValToString } from './stores/flat.js'
import { resolvePlain } from './stores/yaml.js'

// sops' stores.ValToString (stores/stores.go): `%G`, plus `.0` when the result looks like an integer.
// Go's own float rules are tested once, in @gitops-sdk/core/go.
describe('ValToString for floats', () => {
  it.for([
    [1e21, '1E+21'],
    [1e-7, '1E-07'],
    [25.4, '25.4'],
    [3, '3.0'],
    [-0, '-0.0'],
    [1234568000, '1.234568E+09'],
    [-0.5, '-0.5'],
  ] as const)('prints %s as sops does', ([x, val]) => {
    expect(formatFloatValToString(x)).toBe(val)
  })
})

// The sops tree's view of core's go-yaml v3 resolver (the resolver itself is tested in core).
describe('go-yaml v3 plain scalars as sops holds them', () => {
  it.for([
    ['0x1F', { kind: 'int', value: 31n }],
    ['017', { kind: 'int', value: 15n }],
    ['1_000', { kind: 'int', value: 1000n }],
    ['yes', { kind: 'str', value: 'yes' }],
    ['True', { kind: 'bool', value: true }],
    ['~', { kind: 'null' }],
    ['.5', { kind: 'float', value: 0.5 }],
    ['2024-01-01', { kind: 'time', value: '2024-01-01T00:00:00Z' }],
    ['2001-12-14t21:59:43.10-05:00', { kind: 'time', value: '2001-12-14T21:59:43.1-05:00' }],
    // go-yaml v3 keeps a float beyond float64 as the string it was (ParseFloat's range error), and
    // sops reads YAML with go-yaml v3: `1e400` is the string "1e400", not Infinity.
    ['1e400', { kind: 'str', value: '1e400' }],
    ['18446744073709551615', { kind: 'int', value: 18446744073709551615n }],
  ] as const)('resolves %s', ([text, want]) => {
    expect(resolvePlain(text)).toEqual(want)
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
