import { isDeepStrictEqual } from 'node:util'
import { parse as parseYaml } from 'yaml'
import { describe, expect, it } from 'vitest'
import { prng } from '../../../../../testing/prng.js'
import { StatusError } from '../../status.js'
import { parseApplyPatch, parseJsonLikeYaml } from './applyPatchBody.js'

/** What the YAML parser alone makes of a body: the value, or the 400 it answers. */
function viaYaml(body: string): { value: unknown } | { error: string } {
  try {
    return { value: parseYaml(body, { version: '1.2', intAsBigInt: false, uniqueKeys: true }) as unknown }
  } catch (err) {
    return { error: `error decoding patch: ${(err as Error).message.split('\n')[0] ?? ''}` }
  }
}

function viaApply(body: string): { value: unknown } | { error: string } {
  try {
    return { value: parseApplyPatch(body) }
  } catch (err) {
    if (!(err instanceof StatusError)) throw err
    return { error: err.message }
  }
}

/** Same values, same key order at every level, same -0. */
function same(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b) && JSON.stringify(a, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v)) === JSON.stringify(b, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v))
}

const pieces = ['a', 'b', 'name', '__proto__', 'constructor', 'true', '1', '-', '<<', '~', 'é', '😀', '\u2028', '\u0085', '\ufeff', '\u007f', ' ', ':', '#', '"', '\\', '/', '\n', '\t', '\u0000', '{', '[', '&x', '*x', '!t', '%', '@', '`', '|', '>', '? ', '- ', ': ', ' #']
const numbers = ['0', '-0', '1', '-1', '12345678901234567890123', '1e3', '1E-3', '1.5', '-0.0', '1e400', '0.1', '2.5e+10']

function text(next: () => number): string {
  let s = ''
  const n = Math.floor(next() * 4)
  for (let i = 0; i < n; i++) s += pieces[Math.floor(next() * pieces.length)] ?? ''
  return s
}

/** JSON text of a random value, with random spaces and line feeds between tokens. */
function json(next: () => number, depth: number, object = false): string {
  const ws = (): string => ['', '', '', ' ', '\n', '\n  ', ' \n'][Math.floor(next() * 7)] ?? ''
  const r = next()
  if (object || (depth > 0 && r < 0.3)) {
    const keys = Array.from({ length: Math.floor(next() * 4) }, () => text(next))
    return `{${ws()}${keys.map((k) => `${JSON.stringify(k)}${ws()}:${ws()}${json(next, depth - 1)}`).join(`${ws()},${ws()}`)}${ws()}}`
  }
  if (depth > 0 && r < 0.5) return `[${ws()}${Array.from({ length: Math.floor(next() * 4) }, () => json(next, depth - 1)).join(`${ws()},${ws()}`)}${ws()}]`
  if (r < 0.75) return JSON.stringify(text(next))
  if (r < 0.8) return ['true', 'false', 'null'][Math.floor(next() * 3)] ?? 'null'
  return numbers[Math.floor(next() * numbers.length)] ?? '0'
}

describe('parseApplyPatch', () => {
  it('reads every JSON object as the YAML parser does (values, key order, -0, repeated keys, errors)', () => {
    const next = prng(15)
    let fast = 0
    for (let i = 0; i < 3000; i++) {
      const body = json(next, 5, true)
      const expected = viaYaml(body)
      const got = viaApply(body)
      if ('error' in expected) expect(got).toEqual(expected)
      else expect('value' in got && same(got.value, expected.value), body).toBe(true)
      if (parseJsonLikeYaml(body) !== undefined) fast++
    }
    // Most generated bodies are JSON objects the fast path takes.
    expect(fast).toBeGreaterThan(1000)
  })

  it('leaves repeated keys, tabs, carriage returns, deep nesting and YAML to the YAML parser', () => {
    for (const body of ['{"a":1,"a":2}', '{"x":{"a":1,"b":{},"a":2}}', '{\t"a":1}', '{"a":1}\r\n', `${'{"a":'.repeat(101)}1${'}'.repeat(101)}`, 'a: 1', '[1]', ' {"a":1}', '']) {
      expect(parseJsonLikeYaml(body), body).toBeUndefined()
      expect(viaApply(body)).toEqual(viaYaml(body))
    }
    expect(viaApply('{"a":1,"a":2}')).toEqual({ error: 'error decoding patch: Map keys must be unique at line 1, column 8:' })
  })

  it('leaves a key repeated through an escape to the YAML parser, and reads an escaped quote and `:` inside a string', () => {
    // "\u0061" is "a": a repeated key, refused as the YAML parser refuses it.
    const repeated = '{"a":1,"\\u0061":2}'
    expect(parseJsonLikeYaml(repeated)).toBeUndefined()
    expect(viaApply(repeated)).toEqual(viaYaml(repeated))
    expect(viaApply(repeated)).toMatchObject({ error: expect.stringContaining('Map keys must be unique') })
    for (const body of ['{"a":"x\\":1","b":2}', '{"k\\":":"v\\": \\"w","b":{"c\\"":"d:"}}']) {
      const expected = viaYaml(body)
      expect('value' in expected, body).toBe(true)
      const got = viaApply(body)
      expect('value' in got && same(got.value, 'value' in expected ? expected.value : undefined), body).toBe(true)
    }
  })

  it('keeps a __proto__ key as data', () => {
    const value = parseApplyPatch('{"metadata":{"__proto__":{"polluted":true}}}') as { metadata: object }
    expect(Object.getPrototypeOf(value.metadata)).toBe(Object.prototype)
    expect(Object.keys(value.metadata)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
