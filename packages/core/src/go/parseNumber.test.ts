import { describe, expect, it } from 'vitest'
import { parseBool, parseFloat64, parseInt64, parseUint64 } from './parseNumber.js'

const MAX_U64 = 2n ** 64n - 1n

// parseUint64BaseTests from Go's src/strconv/atoi_test.go (base 0); undefined where Go returns an error.
const uintBase0: readonly [string, bigint | undefined][] = [
  ['', undefined],
  ['0', 0n],
  ['0x', undefined],
  ['0X', undefined],
  ['1', 1n],
  ['12345', 12345n],
  ['012345', 0o12345n],
  ['0x12345', 0x12345n],
  ['0X12345', 0x12345n],
  ['12345x', undefined],
  ['0xabcdefg123', undefined],
  ['123456789abc', undefined],
  ['98765432100', 98765432100n],
  ['18446744073709551615', MAX_U64],
  ['18446744073709551616', undefined],
  ['18446744073709551620', undefined],
  ['0xFFFFFFFFFFFFFFFF', MAX_U64],
  ['0x10000000000000000', undefined],
  ['01777777777777777777777', MAX_U64],
  ['01777777777777777777778', undefined],
  ['02000000000000000000000', undefined],
  ['0200000000000000000000', 1n << 61n],
  // The underscore rows of the same table (Go 1.13+).
  ['0b', undefined],
  ['0o', undefined],
  ['0b_0101', 5n],
  ['0o_1234', 0o1234n],
  ['0x_1234', 0x1234n],
  ['1_2_3_4_5', 12345n],
  ['_12345', undefined],
  ['1__2345', undefined],
  ['12345_', undefined],
]

// parseInt64BaseTests from Go's src/strconv/atoi_test.go.
const intBase: readonly [string, number, bigint | undefined][] = [
  ['', 0, undefined],
  ['0', 0, 0n],
  ['-0', 0, 0n],
  ['1', 0, 1n],
  ['-1', 0, -1n],
  ['12345', 0, 12345n],
  ['-12345', 0, -12345n],
  ['012345', 0, 0o12345n],
  ['-012345', 0, -0o12345n],
  ['0x12345', 0, 0x12345n],
  ['-0X12345', 0, -0x12345n],
  ['12345x', 0, undefined],
  ['-12345x', 0, undefined],
  ['98765432100', 0, 98765432100n],
  ['-98765432100', 0, -98765432100n],
  ['9223372036854775807', 0, 2n ** 63n - 1n],
  ['-9223372036854775807', 0, -(2n ** 63n - 1n)],
  ['9223372036854775808', 0, undefined],
  ['-9223372036854775808', 0, -(2n ** 63n)],
  ['9223372036854775809', 0, undefined],
  ['-9223372036854775809', 0, undefined],
  ['g', 17, 16n],
  ['10', 25, 25n],
  ['holycow', 35, BigInt((((((17 * 35 + 24) * 35 + 21) * 35 + 34) * 35 + 12) * 35 + 24) * 35 + 32)],
  ['holycow', 36, BigInt((((((17 * 36 + 24) * 36 + 21) * 36 + 34) * 36 + 12) * 36 + 24) * 36 + 32)],
  ['0', 2, 0n],
  ['-1', 2, -1n],
  ['1010', 2, 10n],
  ['1000000000000000', 2, 1n << 15n],
  ['111111111111111111111111111111111111111111111111111111111111111', 2, 2n ** 63n - 1n],
  ['1000000000000000000000000000000000000000000000000000000000000000', 2, undefined],
  ['-1000000000000000000000000000000000000000000000000000000000000000', 2, -(2n ** 63n)],
  ['-1000000000000000000000000000000000000000000000000000000000000001', 2, undefined],
  ['-10', 8, -8n],
  ['57635436545', 8, 0o57635436545n],
  ['100000000', 8, 1n << 24n],
  ['10', 16, 16n],
  ['-123456789abcdef', 16, -0x123456789abcdefn],
  ['7fffffffffffffff', 16, 2n ** 63n - 1n],
  // Underscores only with base 0 (atoi_test.go underscore rows).
  ['-1_2_3_4_5', 0, -12345n],
  ['-_12345', 0, undefined],
  ['1_2_3_4_5', 10, undefined],
]

describe('parseUint64', () => {
  it.each(uintBase0)('reads %j as strconv.ParseUint(s, 0, 64): %s', (text, want) => {
    expect(parseUint64(text)).toBe(want)
  })
})

describe('parseInt64', () => {
  it.each(intBase)('reads %j in base %d as strconv.ParseInt(s, base, 64): %s', (text, base, want) => {
    expect(parseInt64(text, base)).toBe(want)
  })

  // parseInt64Tests (base 10) from atoi_test.go: what strconv.Atoi does on a 64-bit platform.
  it.each([
    ['012345', 12345n],
    ['-012345', -12345n],
    ['0x12', undefined],
    ['+5', 5n],
  ])('reads %j in base 10 as Atoi: %s', (text, want) => {
    expect(parseInt64(text, 10)).toBe(want)
  })
})

// Rows of atoftests from Go's src/strconv/atof_test.go; undefined where Go returns an error
// (ErrSyntax, or ErrRange for values beyond float64).
describe('parseFloat64', () => {
  it.each([
    ['', undefined],
    ['1', 1],
    ['+1', 1],
    ['1x', undefined],
    ['1.1.', undefined],
    ['1e23', 1e23],
    ['1E23', 1e23],
    ['100000000000000000000000', 1e23],
    ['1e-100', 1e-100],
    ['123456700', 123456700],
    ['99999999999999974834176', 9.999999999999997e22],
    ['-1', -1],
    ['-0.1', -0.1],
    ['-0', -0],
    ['1e-20', 1e-20],
    ['625e-3', 0.625],
    ['.5', 0.5],
    ['5.', 5],
    ['1e308', 1e308],
    ['2e308', undefined],
    ['1e309', undefined],
    ['1e-350', 0],
    ['inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['+INF', Number.POSITIVE_INFINITY],
    ['infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['nan', Number.NaN],
    ['NaN', Number.NaN],
    ['0x1p0', 1],
    ['0x1p-2', 0.25],
    ['0x1.8p1', 3],
    ['0x1.fffffffffffffp1023', 1.7976931348623157e308],
    ['0x1p1024', undefined],
    ['1_23.50_0_0e+1_2', 1.235e14],
    ['-_123.5e+12', undefined],
    ['+_123.5e+12', undefined],
    ['_123.5e+12', undefined],
    ['1__23.5e+12', undefined],
    ['123_.5e+12', undefined],
    ['123._5e+12', undefined],
    ['123.5_e+12', undefined],
    ['123.5__0e+12', undefined],
    ['123.5e_+12', undefined],
    ['123.5e+_12', undefined],
    ['123.5e+1__2', undefined],
    ['123.5e+12_', undefined],
    ['0x_1_2.3_4_5p+1_2', 74565],
    // Mantissas longer than float64's: one rounding of the exact value, and no overflow on the way
    // to a value that is in range (2^1196 × 2^-1196).
    [`0x1${'0'.repeat(299)}p-1196`, 1],
    ['0x1.00000000000000000001p0', 1],
    ['0x1.0000000000000800000000001p0', 1 + 2 ** -52],
    ['0x1.fffffffffffff8p1023', undefined],
  ])('reads %j as strconv.ParseFloat(s, 64): %s', (text, want) => {
    expect(parseFloat64(text)).toBe(want)
  })
})

// strconv.ParseBool's accepted spellings (atob.go; atob_test.go atobtests).
describe('parseBool', () => {
  it.each([
    ['', undefined],
    ['asdf', undefined],
    ['0', false],
    ['f', false],
    ['F', false],
    ['FALSE', false],
    ['false', false],
    ['False', false],
    ['1', true],
    ['t', true],
    ['T', true],
    ['TRUE', true],
    ['true', true],
    ['True', true],
    ['yes', undefined],
  ])('reads %j as strconv.ParseBool: %s', (text, want) => {
    expect(parseBool(text)).toBe(want)
  })
})
