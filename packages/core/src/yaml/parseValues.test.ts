import { describe, expect, it } from 'vitest'
import type { KubeMap } from '../object.js'
import { foldedRoundTripV3 } from './foldedRoundTrip.js'
import { parseYamlValues } from './parseValues.js'

const one = (text: string, options: Partial<Parameters<typeof parseYamlValues>[1]> = {}): unknown =>
  parseYamlValues(text, { source: 'f.yaml', ...options })[0]?.value

describe('parseYamlValues', () => {
  it('reads go-yaml v2 scalars in the v2 dialect: YAML 1.1 booleans, timestamps as text, last duplicate wins', () => {
    expect(one('a: yes\nb: 2001-12-14\nc: 1\nc: 2\nd: .\n', { dialect: 'v2' })).toEqual({ a: true, b: '2001-12-14', c: 2, d: '.' })
    expect(one('a: yes\nb: 2001-12-14\nd: .\n')).toEqual({ a: 'yes', b: '2001-12-14T00:00:00Z', d: '.' })
  })

  it('refuses duplicate keys in the v3 dialect', () => {
    expect(() => one('a: 1\na: 2\n')).toThrow(/duplicate mapping key/)
  })

  // go-yaml: "did not find expected key"; the yaml package reads an empty key instead.
  it.each([
    ['inside a mapping', 'a: b\n: x\n'],
    ['nested', 'a:\n  b: c\n  : x\n'],
    ['in a flow mapping', '{: x}\n'],
  ])('refuses a mapping entry without a key (%s)', (_name, text) => {
    expect(() => one(text)).toThrow(expect.objectContaining({ code: 'CORE_YAML_INVALID', message: expect.stringContaining('did not find expected key') }))
  })

  it('accepts an empty key written as one', () => {
    expect(one('"": x\n')).toEqual({ '': 'x' })
    expect(one('?\n: x\n')).toEqual({ '': 'x' })
  })

  it('keeps no line break after a block scalar that ends the text without one, as go-yaml', () => {
    expect(one('a: |\n  x\n  y')).toEqual({ a: 'x\ny' })
    expect(one('a: |\n  x\n  y\n')).toEqual({ a: 'x\ny\n' })
    expect(one('a: >\n  x\n  y')).toEqual({ a: 'x y' })
  })

  it('reports how each null was written', () => {
    const seen: [string, string][] = []
    one('a:\nb: null\nc: ~\nd: x\n', { onNull: (_m: KubeMap, key: string, text: string) => seen.push([key, text]) })
    expect(seen).toEqual([['a', ''], ['b', 'null'], ['c', '~']])
  })

  it('gives folded scalars the extra blank line of kyaml\'s round trip only when asked', () => {
    const text = 'a: >\n  one\n    more\n  two\n'
    expect(one(text)).toEqual({ a: 'one\n  more\ntwo\n' })
    expect(one(text, { foldedRoundTrip: true })).toEqual({ a: 'one\n\n  more\ntwo\n' })
  })
})

// Values and results as kustomize v5.5.0 (kyaml, go-yaml v3.0.1) prints them for a folded scalar.
describe('foldedRoundTripV3', () => {
  it.each([
    ['no more-indented line', 'a b\nc\n', 'a b\nc\n'],
    ['a more-indented line after an ordinary one', 'para two\n  indented\nend\n', 'para two\n\n  indented\nend\n'],
    ['a more-indented line after an empty one', 'x\n\n  y\nz', 'x\n\n\n  y\nz'],
    ['a value that starts more-indented, then a single break between ordinary lines', '  y\nz\nw v\n', '  y\nz w v\n'],
    ['kept trailing breaks after a more-indented line', 'x\n  y\n\n', 'x\n\n  y\n\n'],
    ['a single line', 'one line', 'one line'],
  ])('%s', (_name, value, want) => {
    expect(foldedRoundTripV3(value)).toBe(want)
  })
})

describe('parseYamlValues, a key that is not a scalar', () => {
  it.each([
    { name: 'a flow sequence as an explicit key', text: 'a: 1\nb:\n  ? [x, y]\n  : 2\n', at: 'line 3, column 5' },
    { name: 'a flow map as an explicit key', text: 'a: 1\n? {k: v}\n: 2\n', at: 'line 2, column 3' },
    { name: 'a flow sequence as an implicit key', text: '[x]: 1\n', at: 'line 1, column 1' },
  ])('is refused where the key starts: $name', ({ text, at }) => {
    expect(() => parseYamlValues(text, { source: 'in.yaml' })).toThrow(`in.yaml: document 1, ${at}: a mapping key must be a scalar`)
  })
})

