import { describe, expect, it } from 'vitest'
import { bodyTooDeep, MAX_JSON_DEPTH, nestsDeeperThan, openerPast, valueOpenerPast } from './jsonDepth.js'
import { overflowedOn, RECURSION_SAFE_DEPTH } from '../../ssa/deepJson.js'

const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`

describe('nestsDeeperThan', () => {
  it.for([
    { name: 'a scalar', text: '"s"', limit: 0, deeper: false },
    { name: 'an empty object at a bound of zero', text: '{}', limit: 0, deeper: true },
    { name: 'objects and arrays mixed, at the bound', text: '{"a":[{"b":[]}],"c":1}', limit: 4, deeper: false },
    { name: 'objects and arrays mixed, past the bound', text: '{"a":[{"b":[[]]}],"c":1}', limit: 4, deeper: true },
    { name: 'the default bound', text: nested(MAX_JSON_DEPTH), limit: MAX_JSON_DEPTH, deeper: false },
    { name: 'one past the default bound', text: nested(MAX_JSON_DEPTH + 1), limit: MAX_JSON_DEPTH, deeper: true },
    { name: 'a value 100,000 deep, without recursion', text: nested(100_000), limit: MAX_JSON_DEPTH, deeper: true },
  ])('measures $name', ({ text, limit, deeper }) => {
    expect(nestsDeeperThan(JSON.parse(text), limit)).toBe(deeper)
  })

  it('reads a key __proto__ as data', () => {
    expect(nestsDeeperThan(JSON.parse('{"__proto__":[[[]]]}'), 3)).toBe(true)
  })
})

describe('bodyTooDeep', () => {
  it('answers a text too short to nest past the bound without walking it, and walks a longer one', () => {
    const short = nested(MAX_JSON_DEPTH)
    expect(bodyTooDeep(short, JSON.parse(short))).toBeUndefined()
    const long = nested(MAX_JSON_DEPTH + 1)
    expect(bodyTooDeep(long, JSON.parse(long))).toBe("invalid character '[' exceeded max depth")
  })

  it("names the bracket that opens the first level past the bound, as Go's scanner does", () => {
    const objects = `${'{"a":'.repeat(MAX_JSON_DEPTH)}{}${'}'.repeat(MAX_JSON_DEPTH)}`
    expect(bodyTooDeep(objects, JSON.parse(objects))).toBe("invalid character '{' exceeded max depth")
    const mixed = `{"s":"[[[{{{","b":${nested(MAX_JSON_DEPTH - 2)},"c":[${'{"x":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}]}`
    expect(bodyTooDeep(mixed, JSON.parse(mixed))).toBe("invalid character '{' exceeded max depth")
  })
})

describe('openerPast and valueOpenerPast', () => {
  it.for([
    { name: 'within the limit', text: '{"a":[{"b":"[[[[\\"[["}]}', limit: 3, opener: undefined },
    { name: 'an array first past the limit', text: '{"a":[{"b":[]}],"c":{"d":{"e":{}}}}', limit: 3, opener: '[' },
    { name: 'an object first past the limit', text: '{"c":{"d":{"e":{}}},"a":[{"b":[]}]}', limit: 3, opener: '{' },
    { name: 'a scalar', text: '1', limit: 0, opener: undefined },
  ])('finds the bracket of $name', ({ text, limit, opener }) => {
    expect(openerPast(text, limit)).toBe(opener)
    expect(valueOpenerPast(JSON.parse(text), limit)).toBe(opener)
  })
})

describe('MAX_JSON_DEPTH against RECURSION_SAFE_DEPTH', () => {
  it('leaves room above the body bound, so a legal body is never taken for a stack overflow', () => {
    // overflowedOn takes any error on a value nested past RECURSION_SAFE_DEPTH for an overflow; a
    // body at the bound, held in the few levels a walk wraps it in (an admission review, a managed
    // fields entry), must stay below it, or a real error (a conflict, a validation error) on a legal
    // body would be answered as "exceeded max depth".
    expect(RECURSION_SAFE_DEPTH).toBeGreaterThan(MAX_JSON_DEPTH + 16)
    let body: unknown = {}
    for (let i = 1; i < MAX_JSON_DEPTH + 16; i++) body = { a: body }
    expect(overflowedOn(new Error('a conflict'), body)).toBe(false)
    expect(overflowedOn(new RangeError('Maximum call stack size exceeded'), {})).toBe(true)
  })
})
