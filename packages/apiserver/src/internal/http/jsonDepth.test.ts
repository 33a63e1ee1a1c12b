import { describe, expect, it } from 'vitest'
import { bodyNestsTooDeep, MAX_JSON_DEPTH, nestsDeeperThan } from './jsonDepth.js'

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

describe('bodyNestsTooDeep', () => {
  it('answers a text too short to nest past the bound without walking it, and walks a longer one', () => {
    const short = nested(MAX_JSON_DEPTH)
    expect(bodyNestsTooDeep(short, JSON.parse(short))).toBe(false)
    const long = nested(MAX_JSON_DEPTH + 1)
    expect(bodyNestsTooDeep(long, JSON.parse(long))).toBe(true)
  })
})
