import { describe, expect, it } from 'vitest'
import { toJson } from './json.js'

describe('toJson', () => {
  it('writes bigint values as exact JSON numbers', () => {
    expect(toJson({ a: 12345678901234567890n, b: [-9007199254740993n], c: 'bigint-x:1' })).toBe('{"a":12345678901234567890,"b":[-9007199254740993],"c":"bigint-x:1"}')
  })

  it('is JSON.stringify without bigints', () => {
    const value = { a: 1, b: 'two', c: [true, null] }
    expect(toJson(value)).toBe(JSON.stringify(value))
  })
})
