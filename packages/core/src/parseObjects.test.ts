import { describe, expect, it } from 'vitest'
import { isGitOpsError, parseDocuments, parseObjects } from './index.js'

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  replicas: 2
`

describe('parseObjects', () => {
  it('parses a multi-document stream and skips empty documents', () => {
    const objects = parseObjects(`---\n${deployment}---\n# only a comment\n---\n\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n`)
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/web', 'Namespace/prod'])
    expect(objects[0]?.spec).toEqual({ replicas: 2 })
  })

  it('parses JSON documents', () => {
    const [cm] = parseObjects('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}')
    expect(cm?.data).toEqual({ a: '1' })
  })

  it('keeps int64 values exact as bigint', () => {
    const [o] = parseObjects('apiVersion: v1\nkind: X\nmetadata: {name: x}\nbig: 9223372036854775807\nsmall: 42\n')
    expect(o?.big).toBe(9223372036854775807n)
    expect(o?.small).toBe(42)
  })

  it('resolves plain scalars as kustomize does', () => {
    const [doc] = parseDocuments('a: 0x1F\nb: 012\nc: yes\nd: 1_000\ne: 2001-12-14\nf: "012"\ng: ~\nh: 1e3\n')
    expect(doc?.value).toEqual({ a: 31, b: 10, c: 'yes', d: 1000, e: '2001-12-14T00:00:00Z', f: '012', g: null, h: 1000 })
  })

  it.each([
    { name: 'tabs as indentation', text: 'apiVersion: v1\nkind: X\nmetadata:\n\tname: x\n', line: 4 },
    { name: 'duplicate keys', text: 'apiVersion: v1\nkind: X\nkind: Y\nmetadata: {name: x}\n', line: 3 },
    { name: 'an alias to a missing anchor', text: 'apiVersion: v1\nkind: X\nmetadata: {name: x}\nspec: *missing\n', line: 4 },
    { name: 'an unclosed flow mapping', text: 'apiVersion: v1\nkind: X\nmetadata: {name: x\n', line: undefined },
  ])('rejects $name with CORE_YAML_INVALID naming file, document and line', ({ text, line }) => {
    let error: unknown
    try {
      parseObjects(`apiVersion: v1\nkind: Namespace\nmetadata: {name: first}\n---\n${text}`, { source: 'apps/web.yaml' })
    } catch (err) {
      error = err
    }
    expect(isGitOpsError(error, 'CORE_YAML_INVALID')).toBe(true)
    expect(error).toMatchObject({ details: { source: 'apps/web.yaml', document: 2 } })
    if (line !== undefined) expect(error).toMatchObject({ details: { line: line + 4 } })
    expect((error as Error).message).toMatch(/^apps\/web\.yaml: document 2, line \d+, column \d+: /)
    expect((error as Error).message).not.toContain('\n')
  })

  it('rejects a 50 MB document with CORE_YAML_TOO_LARGE before parsing it', () => {
    // The document also ends in a syntax error: a parse would report CORE_YAML_INVALID, so the
    // size error shows that the document was refused by the scan before any parse of 50 MB.
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: ${'x'.repeat(50 * 1024 * 1024)}\n  broken: [unclosed\n`
    expect(() => parseObjects(`${deployment}---\n${big}`, { source: 'big.yaml' })).toThrow(
      expect.objectContaining({ code: 'CORE_YAML_TOO_LARGE', details: expect.objectContaining({ document: 2 }) }),
    )
  })

  it('refuses a YAML bomb of nested aliases', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`)
    expect(() => parseDocuments(lines.join('\n'))).toThrow(expect.objectContaining({ code: 'CORE_YAML_INVALID' }))
  })

  it.each([
    { name: 'a scalar document', text: 'just text\n', field: 'document' },
    { name: 'a sequence document', text: '- a\n- b\n', field: 'document' },
    { name: 'a missing apiVersion', text: 'kind: X\nmetadata: {name: x}\n', field: 'apiVersion' },
    { name: 'a missing kind', text: 'apiVersion: v1\nmetadata: {name: x}\n', field: 'kind' },
    { name: 'a missing metadata', text: 'apiVersion: v1\nkind: X\n', field: 'metadata.name' },
    { name: 'a missing name', text: 'apiVersion: v1\nkind: X\nmetadata: {namespace: y}\n', field: 'metadata.name' },
    { name: 'a numeric kind', text: 'apiVersion: v1\nkind: 12\nmetadata: {name: x}\n', field: 'kind' },
  ])('rejects $name with CORE_OBJECT_INVALID naming the field', ({ text, field }) => {
    expect(() => parseObjects(text, { source: 'x.yaml' })).toThrow(
      expect.objectContaining({ code: 'CORE_OBJECT_INVALID', details: expect.objectContaining({ source: 'x.yaml', field }) }),
    )
  })
})
