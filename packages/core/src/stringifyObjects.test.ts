import { describe, expect, it } from 'vitest'
import { parseObjects, stringifyObjects, stringifyValue } from './index.js'
import type { KubeValue } from './object.js'

describe('stringifyObjects', () => {
  it('prints objects with sorted keys, unindented sequences and --- separators', () => {
    const text = stringifyObjects([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { b: '2', a: 'yes', n: 'x' } },
      { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx', args: [] }] } },
    ])
    expect(text).toBe(
      [
        'apiVersion: v1',
        'data:',
        '  a: "yes"',
        '  b: "2"',
        '  "n": x',
        'kind: ConfigMap',
        'metadata:',
        '  name: a',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: p',
        'spec:',
        '  containers:',
        '  - args: []',
        '    image: nginx',
        '    name: c',
        '',
      ].join('\n'),
    )
  })

  it('prints multi-line strings as literal blocks and folds long lines at 80 columns', () => {
    const long = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ')
    const text = stringifyObjects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { script: 'echo hi\necho bye\n', long } }])
    expect(text).toContain('  script: |\n    echo hi\n    echo bye\n')
    expect(text).toContain('  long: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11\n    word12')
  })

  it('prints documents longer than the pieces it builds them in, whole and in order', () => {
    // Keys k1…k3000 in go-yaml v2's order (digit runs as numbers), a long literal block, then a
    // second document: about 70,000 characters, handed over in pieces of about 16,000.
    const data: Record<string, string> = {}
    for (let i = 3000; i >= 1; i--) data[`k${i}`] = `value ${i}`
    const block = Array.from({ length: 800 }, (_, i) => `line ${i}`).join('\n')
    const text = stringifyObjects([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', annotations: { block } }, data },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'small' } },
    ])
    const lines = ['apiVersion: v1', 'data:']
    for (let i = 1; i <= 3000; i++) lines.push(`  k${i}: value ${i}`)
    lines.push('kind: ConfigMap', 'metadata:', '  annotations:', '    block: |-')
    for (let i = 0; i < 800; i++) lines.push(`      line ${i}`)
    lines.push('  name: big', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: small', '')
    expect(text.length).toBeGreaterThan(60_000)
    expect(text).toBe(lines.join('\n'))
  })

  it('prints documents past the length at which the writer flattens its text, folds and indentation intact', () => {
    // About 700,000 characters in one document (the emitter makes its text flat every 2^18):
    // folded plain and quoted scalars, two-byte text and literal blocks, each item the same.
    const folded = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ')
    const item = { a: folded, b: `${folded} é ✓`, c: `'${folded}'`, d: 'line one\nline two\n', e: { f: ['x', 'y: z'] } }
    const one = stringifyValue({ items: [item] }).slice('items:\n'.length)
    const items = Array.from({ length: 1500 }, () => item)
    const text = stringifyValue({ items })
    expect(text.length).toBeGreaterThan(3 * 2 ** 18)
    expect(text).toBe(`items:\n${one.repeat(1500)}`)
  })

  it('round-trips what parseObjects reads', () => {
    const yaml = 'apiVersion: v1\ndata:\n  big: "9223372036854775807"\nkind: ConfigMap\nmetadata:\n  name: a\nspec:\n  num: 9223372036854775807\n'
    expect(stringifyObjects(parseObjects(yaml))).toBe(yaml)
  })

  it('names the field of an unsupported value under sequences and mappings', () => {
    const object = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { items: [{ a: 1 }, { b: [2, Number.POSITIVE_INFINITY] }] } }
    expect(() => stringifyObjects([object])).toThrow(
      expect.objectContaining({ code: 'CORE_VALUE_UNSUPPORTED', details: { subject: 'X/x', field: 'spec.items[1].b[1]' } }),
    )
    expect(() => stringifyValue([[Number.NaN]])).toThrow(expect.objectContaining({ details: { subject: 'value', field: '[0][0]' } }))
  })

  it('writes each value under its key whatever the order and the undefined values around it', () => {
    const value = { z: {}, m: { q: undefined, p: 1, a: 2 }, x: { b: 'B', a: 'A' }, w: { a: undefined }, v: { one: 1 } }
    // Objects built in code may hold undefined values (optional fields): they are left out.
    expect(stringifyValue(value as unknown as KubeValue)).toBe('m:\n  a: 2\n  p: 1\nv:\n  one: 1\nw: {}\nx:\n  a: A\n  b: B\nz: {}\n')
  })

  it('rejects NaN with CORE_VALUE_UNSUPPORTED naming the object and field', () => {
    expect(() => stringifyObjects([{ apiVersion: 'v1', kind: 'X', metadata: { name: 'x', namespace: 'ns' }, spec: { ratio: Number.NaN } }])).toThrow(
      expect.objectContaining({ code: 'CORE_VALUE_UNSUPPORTED', message: expect.stringContaining('X/ns/x: field spec.ratio') }),
    )
  })
})
