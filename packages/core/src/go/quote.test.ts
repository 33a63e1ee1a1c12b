import { describe, expect, it } from 'vitest'
import { isPrint, quote } from './quote.js'

// quotetests from Go's src/strconv/quote_test.go (the `out` column, strconv.Quote). The row
// "abc\xffdef" holds a byte that is not UTF-8, which a JavaScript string cannot hold.
describe('quote', () => {
  it.each([
    ['\u0007\b\f\r\n\t\v', '"\\a\\b\\f\\r\\n\\t\\v"'],
    ['\\', '"\\\\"'],
    ['\u263a', '"☺"'],
    ['\u{10ffff}', '"\\U0010ffff"'],
    ['\u0004', '"\\x04"'],
    ['!\u00a0!\u2000!\u3000!', '"!\\u00a0!\\u2000!\\u3000!"'],
    // quoterunetests, as strings: 'ÿ' and U+FFFD print as they are.
    ['\u00ff', '"ÿ"'],
    ['\ufffd', '"�"'],
    ['"', '"\\""'],
    ['\u007f', '"\\x7f"'],
  ])('quotes %j as %%q does: %s', (text, want) => {
    expect(quote(text)).toBe(want)
  })
})

// unicode.IsPrint: L, M, N, P, S and U+0020 only (Go's unicode/graphic.go and its tests).
describe('isPrint', () => {
  it.each([
    [0x20, true],
    [0x41, true],
    [0x7e, true],
    [0x7f, false],
    [0x00, false],
    [0xa0, false],
    [0x2000, false],
    [0x3000, false],
    [0x263a, true],
    [0xfffd, true],
    [0x10ffff, false],
    [0xad, false],
    [0x0301, true],
  ])('tells U+%s: %s', (cp, want) => {
    expect(isPrint(cp)).toBe(want)
  })
})
