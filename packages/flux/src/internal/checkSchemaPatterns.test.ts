// The `pattern` of a schema is matched as kube-apiserver matches it, with Go's regexp (RE2): Go's
// syntax, time linear in the value. The pathological case runs from the sources in a child process
// (testing/isolated.ts), bounded: not a timing test.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { checkSchema } from './checkSchema.js'
import type { SchemaIssue } from '../index.js'
import type { JSONSchemaProps } from '../jsonSchema.js'

const here = fileURLToPath(new URL('.', import.meta.url))

function issues(pattern: string, value: string): string[] {
  const found: SchemaIssue[] = []
  checkSchema(value, { type: 'string', pattern }, { path: 'spec.x', issues: found })
  return found.map((i) => i.message)
}

describe('schema patterns are Go regular expressions', () => {
  it.for([
    { name: 'a named group', pattern: '^(?P<n>[a-z]+)$', value: 'web' },
    { name: 'a flag group mid-pattern', pattern: '^a(?i)B$', value: 'aB' },
    { name: 'a POSIX class and \\z', pattern: '^[[:alpha:]]+\\z', value: 'web' },
    { name: 'quoted text', pattern: '^\\Q1.0\\E$', value: '1.0' },
    { name: 'a Unicode class on non-ASCII', pattern: '^\\pL+$', value: 'héllo' },
    { name: '. as one code point', pattern: '^.$', value: '😀' },
  ])('accepts a value by $name', ({ pattern, value }) => {
    expect(issues(pattern, value)).toEqual([])
  })

  it('reports a value that does not match, in kube-apiserver\'s words', () => {
    expect(issues('^a\\z', 'a\n')).toEqual(["spec.x: Invalid value: \"a\\n\": should match '^a\\z'"])
  })

  it('reports a pattern Go rejects as an issue of the field, in kube-apiserver\'s words', () => {
    expect(issues('+', 'ab')).toEqual(["spec.x: Invalid value: \"+\": must be a valid regular expression, but isn't: error parsing regexp: missing argument to repetition operator: `+`"])
  })

  it('names the CRD and the pattern\'s field in it when the schema comes from a CRD', () => {
    const found: SchemaIssue[] = []
    const schema: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: { list: { type: 'array', items: { type: 'object', additionalProperties: { type: 'string', pattern: '(' } } } } } } }
    checkSchema({ spec: { list: [{ k: 'v' }] } }, schema, { path: '', issues: found, crd: { name: 'xs.example.com', field: 'spec.versions[1].schema.openAPIV3Schema' } })
    expect(found).toEqual([
      {
        field: 'spec.list[0].k',
        message:
          'spec.list[0].k: CustomResourceDefinition.apiextensions.k8s.io "xs.example.com" is invalid: spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[list].items.additionalProperties.pattern: Invalid value: "(": must be a valid regular expression, but isn\'t: error parsing regexp: missing closing ): `(`',
      },
    ])
  })

  it('names the root schema\'s own field when the pattern is on the root, and only once per refusal', () => {
    const found: SchemaIssue[] = []
    const crd = { name: 'xs.example.com', field: 'spec.versions[0].schema.openAPIV3Schema' }
    checkSchema('v', { type: 'string', pattern: '[' }, { path: '', issues: found, crd })
    checkSchema({ a: ['x', 'y'] }, { type: 'object', properties: { a: { type: 'array', items: { type: 'string', pattern: 'a**' } } } }, { path: '', issues: found, crd })
    expect(found.map((i) => [i.field, i.message.replace(/: Invalid value: .*/, '')])).toEqual([
      ['<root>', '<root>: CustomResourceDefinition.apiextensions.k8s.io "xs.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema.pattern'],
      ['a[0]', 'a[0]: CustomResourceDefinition.apiextensions.k8s.io "xs.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[a].items.pattern'],
      ['a[1]', 'a[1]: CustomResourceDefinition.apiextensions.k8s.io "xs.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[a].items.pattern'],
    ])
  })

  it('answers a nested quantifier on a long value at once', async () => {
    const run = await runIsolated(`
      import { checkSchema } from './checkSchema.js'
      const issues = []
      checkSchema('a'.repeat(5000) + 'b', { type: 'string', pattern: '^(a+)+$' }, { path: 'spec.x', issues })
      console.log(issues.length)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('1')
  })
})
