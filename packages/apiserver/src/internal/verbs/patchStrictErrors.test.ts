import { describe, expect, it } from 'vitest'
import { strictFieldErrors } from './patchStrictErrors.js'

describe('strictFieldErrors', () => {
  it('names repeated keys of a map body by their path, as sigs.k8s.io/json does', () => {
    expect(strictFieldErrors('{"a":1,"a":2,"b":{"c":[{"d":1,"d":2},[{"e":1,"e":1}]]}}', 'map')).toEqual([
      'duplicate field "a"',
      'duplicate field "b.c[0].d"',
      'duplicate field "b.c[1][0].e"',
    ])
    // A top-level key "" still counts as a level: its fields are named ".x".
    expect(strictFieldErrors('{"":{"x":1,"x":2}}', 'map')).toEqual(['duplicate field ".x"'])
    expect(strictFieldErrors('{"a":1, "b" : [1, "x", true, null, {}], "c":"\\"a\\":"}', 'map')).toEqual([])
  })

  it('reads an escaped key as its text and quotes the path as Go does', () => {
    expect(strictFieldErrors('{"\\u0061":1,"a":2,"q\\"":{"\\n":1,"\\n":2}}', 'map')).toEqual(['duplicate field "a"', 'duplicate field "q\\".\\n"'])
  })

  it('names unknown and repeated fields of JSON patch operations, not looking into an unknown field', () => {
    const body = '[{"op":"add","Op":"x","path":"/a","path":"/b","value":{"k":[{"z":1,"z":2}]},"extra":{"q":1,"q":2}},null,{"from":"","from":""}]'
    expect(strictFieldErrors(body, 'operations')).toEqual([
      'unknown field "[0].Op"',
      'duplicate field "[0].path"',
      'duplicate field "[0].value.k[0].z"',
      'unknown field "[0].extra"',
      'duplicate field "[2].from"',
    ])
  })

  it('keeps one of each error, and at most 100', () => {
    expect(strictFieldErrors('[{"x":1,"x":2,"x":3}]', 'operations')).toEqual(['unknown field "[0].x"'])
    expect(strictFieldErrors('{"a":{"b":1,"b":1},"a":{"b":1,"b":1}}', 'map')).toEqual(['duplicate field "a.b"', 'duplicate field "a"'])
    const many = `[${Array.from({ length: 150 }, (_, i) => `{"u${i}":1}`).join(',')}]`
    const errors = strictFieldErrors(many, 'operations')
    expect(errors).toHaveLength(100)
    expect(errors[99]).toBe('unknown field "[99].u99"')
  })

  it('reads a body 10,000 levels deep without recursion', () => {
    const deep = `${'{"a":'.repeat(9_999)}{"b":1,"b":2}${'}'.repeat(9_999)}`
    const [error] = strictFieldErrors(deep, 'map')
    expect(error).toBe(`duplicate field "${'a.'.repeat(9_999)}b"`)
  })
})
