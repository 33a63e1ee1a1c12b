import { describe, expect, it } from 'vitest'
import { operationTypeError, strictErrorText, strictFieldErrors as fieldErrors } from './patchStrictErrors.js'
import type { StrictShape } from './patchStrictErrors.js'

const strictFieldErrors = (body: string, shape: StrictShape): string[] => fieldErrors(body, shape).map((error) => strictErrorText(error))

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

  it('keeps one error per kind and whole path, as the decoder does', () => {
    // The top-level key "b.c" and the key c of b are one path.
    expect(strictFieldErrors('{"a":{"b.c":1,"b.c":2,"b":{"c":1,"c":2}}}', 'map')).toEqual(['duplicate field "a.b.c"'])
    // A key NUL at the top is a path of its own, not the top level.
    expect(strictFieldErrors('{"x":1,"x":2,"\\u0000":{"x":1,"x":2}}', 'map')).toEqual(['duplicate field "x"', 'duplicate field "\\x00.x"'])
    // Go reads an escaped lone surrogate as U+FFFD: two of them are one key.
    expect(strictFieldErrors('{"\\ud800":1,"\\udfff":2}', 'map')).toEqual(['duplicate field "\ufffd"'])
  })

  it('quotes only a bounded prefix of a long path when asked to', () => {
    const [error] = fieldErrors(`{"${'k'.repeat(50_000)}":{"b":1,"b":2}}`, 'map')
    expect(error).toBeDefined()
    if (error === undefined) return
    expect(strictErrorText(error, 100)).toBe(`duplicate field "${'k'.repeat(100)}`)
    expect(strictErrorText(error)).toHaveLength(50_000 + 20)
  })
})

describe('operationTypeError', () => {
  it('names the first type error in document order, every occurrence of a field checked', () => {
    const prefix = 'error decoding patch: json: cannot unmarshal'
    expect(operationTypeError('[{"op":5,"op":"add","path":"/a"}]')).toBe(`${prefix} number into Go struct field jsonPatchOp.op of type string`)
    expect(operationTypeError('[{"path":"/a","op":true,"path":{}}]')).toBe(`${prefix} bool into Go struct field jsonPatchOp.op of type string`)
    expect(operationTypeError('[null,{"from":-1}]')).toBe(`${prefix} number into Go struct field jsonPatchOp.from of type string`)
    expect(operationTypeError('[{"op":"add"},"x",{"op":1}]')).toBe(`${prefix} string into Go value of type handlers.jsonPatchOp`)
    expect(operationTypeError('[{"op":"add","value":{"op":1,"path":[]},"x":{"path":2},"path":null}]')).toBeUndefined()
    expect(operationTypeError('[ { "\\u0070ath" : [ ] } ]')).toBe(`${prefix} array into Go struct field jsonPatchOp.path of type string`)
  })
})
