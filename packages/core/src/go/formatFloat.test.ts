import { describe, expect, it } from 'vitest'
import { formatFloat, formatJsonFloat } from './formatFloat.js'

// Rows with precision -1 from Go's src/strconv/ftoa_test.go (ftoatests), format and expected text as there.
const below1e23 = 99999999999999974834176
const above1e23 = 100000000000000008388608
const ftoaTests: readonly [number, 'e' | 'f' | 'g', string][] = [
  [1, 'g', '1'],
  [20, 'g', '20'],
  [1234567.8, 'g', '1.2345678e+06'],
  [200000, 'g', '200000'],
  [2000000, 'g', '2e+06'],
  [0, 'g', '0'],
  [-1, 'g', '-1'],
  [12, 'g', '12'],
  [123456700, 'g', '1.234567e+08'],
  [1e23, 'e', '1e+23'],
  [1e23, 'f', '100000000000000000000000'],
  [1e23, 'g', '1e+23'],
  [below1e23, 'e', '9.999999999999997e+22'],
  [below1e23, 'f', '99999999999999970000000'],
  [below1e23, 'g', '9.999999999999997e+22'],
  [above1e23, 'e', '1.0000000000000001e+23'],
  [above1e23, 'f', '100000000000000010000000'],
  [above1e23, 'g', '1.0000000000000001e+23'],
  [5e-324, 'g', '5e-324'],
  [-5e-324, 'g', '-5e-324'],
  [32, 'g', '32'],
  [Number.NaN, 'g', 'NaN'],
  [Number.POSITIVE_INFINITY, 'g', '+Inf'],
  [Number.NEGATIVE_INFINITY, 'g', '-Inf'],
  [Number('2.2250738585072012e-308'), 'g', '2.2250738585072014e-308'],
  [Number('2.2250738585072011e-308'), 'g', '2.225073858507201e-308'],
  [383260575764816448, 'g', '3.8326057576481645e+17'],
  [498484681984085570, 'f', '498484681984085570'],
  [-5.8339553793802237e23, 'g', '-5.8339553793802237e+23'],
]

describe('formatFloat', () => {
  it.each(ftoaTests)('formats %d with %s as strconv.FormatFloat(x, fmt, -1, 64) does: %s', (value, format, want) => {
    expect(formatFloat(value, format)).toBe(want)
  })

  it('writes the G form with a capital E, and -0 with its sign, as Go does', () => {
    expect(formatFloat(1e21, 'G')).toBe('1E+21')
    expect(formatFloat(-0, 'g')).toBe('-0')
    expect(formatFloat(0.0001, 'g')).toBe('0.0001')
    expect(formatFloat(0.00001, 'g')).toBe('1e-05')
  })
})

// encoding/json's float encoder (encode.go floatEncoder): 'f' unless below 1e-6 or from 1e21, and
// e-09 cleaned up to e-9. Expected texts from Go's encode_test.go TestMarshalFloat and the json docs.
describe('formatJsonFloat', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [0.1, '0.1'],
    [1e20, '100000000000000000000'],
    [1e21, '1e+21'],
    [1e-6, '0.000001'],
    [1e-7, '1e-7'],
    [123456789e-20, '1.23456789e-12'],
    [-0, '-0'],
  ])('writes %d as json.Marshal does: %s', (value, want) => {
    expect(formatJsonFloat(value)).toBe(want)
  })

  it('refuses NaN and infinities as json.Marshal does', () => {
    expect(() => formatJsonFloat(Number.NaN)).toThrow('json: unsupported value: NaN')
    expect(() => formatJsonFloat(Number.POSITIVE_INFINITY)).toThrow('json: unsupported value: +Inf')
  })
})

// strconv.FormatFloat(f, 'g', -1, 32), as sigs.k8s.io/yaml writes a float into a string field.
describe('formatFloat with bitSize 32', () => {
  it.each([
    [1.23456789012, '1.2345679'],
    [0.1, '0.1'],
    [1.5, '1.5'],
    [16777216, '1.6777216e+07'],
    [3.4028235e38, '3.4028235e+38'],
    [1e10, '1e+10'],
    [-2.5e-7, '-2.5e-07'],
    [1e39, '+Inf'],
  ])('formats %d as %s', (value, text) => {
    expect(formatFloat(value, 'g', 32)).toBe(text)
  })
})
