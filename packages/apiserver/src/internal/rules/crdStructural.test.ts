import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { KubeMap } from '@gitops-sdk/core'
import { schemaErrors } from './crdStructural.js'

/**
 * 2,000 properties that each give errors of one kind (a pattern Go rejects under allOf beside
 * IntOrString's anyOf, list-map keys neither required nor defaulted, an empty type beside a bad
 * pattern, what a oneOf entry may not hold), a chain 5,000 deep ending in a bad pattern, and root
 * junctors naming properties and items the structural schema lacks.
 */
function largeSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (let i = 0; i < 2000; i++) {
    properties[`p${i}`] =
      i % 4 === 0
        ? { type: 'string', allOf: [{ pattern: i % 8 === 0 ? '[' : '^a$' }], anyOf: [{ type: 'integer' }, { type: 'string' }] }
        : i % 4 === 1
          ? { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: { type: 'object', properties: { k: { type: 'string' } } } }
          : i % 4 === 2
            ? { properties: { q: { type: 'string', pattern: 'x{2,1}' } } }
            : { type: 'object', oneOf: [{ properties: { missing: {}, metadata: {} }, description: 'd' }] }
  }
  let chain: Record<string, unknown> = { type: 'string', pattern: '(' }
  for (let i = 0; i < 5000; i++) chain = { type: 'object', properties: { c: chain } }
  properties.chain = chain
  return { type: 'object', properties, allOf: [{ properties: { p0: { pattern: '^b$' }, ghost: {} }, items: {} }], not: { properties: { p3: {} } } }
}

describe('schemaErrors', () => {
  it('finds in one walk of a large schema what the three walks it replaced found, in the same order', () => {
    const errors = schemaErrors(largeSchema() as KubeMap, 'root')
    expect(errors).toHaveLength(2753)
    // The list-type rules first, in walk order; then the rest sorted by their text's bytes.
    expect(errors.slice(0, 2).map((e) => e.field)).toEqual(['root.properties[p1].items.properties[k]', 'root.properties[p5].items.properties[k]'])
    // Completeness of the root's junctors, a pattern 5,000 deep, IntOrString's anyOf let through.
    expect(errors).toContainEqual({ type: 'Required', field: 'root.items', detail: 'because it is defined in root.allOf[0].items' })
    expect(errors).toContainEqual({ type: 'Required', field: 'root.properties[ghost]', detail: 'because it is defined in root.allOf[0].properties[ghost]' })
    expect(errors.filter((e) => /^root\.properties\[chain\](\.properties\[c\]){5000}\.pattern$/u.test(e.field))).toHaveLength(1)
    expect(errors.filter((e) => e.field.includes('.anyOf['))).toEqual([])
    expect(errors.at(-1)).toEqual({ type: 'Forbidden', field: 'root.properties[p99].oneOf[0].properties[metadata]', detail: 'must not be specified in a nested context' })
    // The digest of main's three-walk answer (b8c6bbb) for this schema.
    expect(createHash('sha256').update(JSON.stringify(errors)).digest('hex')).toBe('819e141407642a03d54dc52a5a628a8a1f891a2f10e06891cc2b64f754598dff')
  })

  it('sorts errors by their text as Go does: UTF-8 bytes, a lone surrogate read as U+FFFD', () => {
    // kube-apiserver decodes a JSON "\ud800" (a lone surrogate) to U+FFFD, which sorts before U+FFFE
    // (EF BF BD < EF BF BE); a supplementary character (F0 …) sorts after both, though UTF-16 puts
    // its surrogates (D800–DBFF) before U+E000–U+FFFF.
    const schema = JSON.parse('{"type":"object","properties":{"\\ufffe":{},"\\ud83d\\ude00":{},"\\ud800":{},"\\uffef":{}}}') as KubeMap
    expect(schemaErrors(schema, 'root').map((e) => e.field)).toEqual(['root.properties[\uffef].type', 'root.properties[\ud800].type', 'root.properties[\ufffe].type', 'root.properties[\u{1f600}].type'])
  })
})
