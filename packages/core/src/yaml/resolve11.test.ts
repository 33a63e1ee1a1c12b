import { describe, expect, it } from 'vitest'
import { isBase60Float, isYaml11Bool, needsQuotesV2, resolveScalar11 } from './resolve11.js'

// go-yaml v2's decode_test.go "Bools from spec" (`canonical: y` → true, `answer: NO` → false,
// `option: on` → true) and its "Ints from spec", which v2 resolves as v3 does.
describe('resolveScalar11 (go-yaml v2, YAML 1.1)', () => {
  it.each([
    ['y', true],
    ['Y', true],
    ['yes', true],
    ['on', true],
    ['ON', true],
    ['True', true],
    ['n', false],
    ['NO', false],
    ['off', false],
    ['Off', false],
    ['false', false],
  ])('reads %j as a bool', (text, value) => {
    expect(resolveScalar11(text)).toEqual({ tag: '!!bool', value })
  })

  it.each([
    ['685230', 685230n],
    ['+685_230', 685230n],
    ['02472256', 685230n],
    ['0x_0A_74_AE', 685230n],
    ['0b1010_0111_0100_1010_1110', 685230n],
    ['-0b101010', -42n],
  ])('reads %j as an int', (text, value) => {
    expect(resolveScalar11(text)).toEqual({ tag: '!!int', value })
  })

  it('keeps other words strings', () => {
    expect(resolveScalar11('yess')).toEqual({ tag: '!!str', value: 'yess' })
  })
})

// go-yaml v2/v3 encode.go: strings that read back as something else, and base-60 floats, are quoted
// (encode_test.go: `"yes"`, `"on"`, `"1:20"`, `"1e3"`, `"~"`, `"0x10"`).
describe('needsQuotesV2', () => {
  it.each([
    ['yes', true],
    ['on', true],
    ['1:20', true],
    ['190:20:30.15', true],
    ['1e3', true],
    ['~', true],
    ['0x10', true],
    ['2001-12-14', true],
    ['1e400', false],
    ['hello', false],
    ['1.2.3', false],
    ['-', false],
  ])('tells whether %j must be quoted: %s', (text, want) => {
    expect(needsQuotesV2(text)).toBe(want)
  })

  it('knows the YAML 1.1 words and base-60 numbers go-yaml v3 quotes too', () => {
    expect(isYaml11Bool('Yes')).toBe(true)
    expect(isYaml11Bool('true')).toBe(false)
    expect(isBase60Float('1:20')).toBe(true)
    expect(isBase60Float('1:60')).toBe(false)
  })
})
