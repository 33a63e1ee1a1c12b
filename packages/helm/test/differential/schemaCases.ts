// values.schema.json cases: each one a subchart with its own values and schema, so one helm run
// validates them all (helm lists every chart whose values fail, each under its name). Every
// subchart's values hold `global`, and helm lists several additional properties in Go's random
// map order, so a case names at most one.

/** One schema case: the subchart's values.yaml and values.schema.json. */
export interface SchemaCase {
  readonly name: string
  readonly values: string
  readonly schema: unknown
}

const d7 = 'http://json-schema.org/draft-07/schema#'
const s = (name: string, values: string, schema: unknown): SchemaCase => ({ name, values, schema })

export const schemaCases: SchemaCase[] = [
  s('passes', 'a: 1\nb: x\n', { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' } } }),
  s('type integer got string', 'a: "3"\n', { properties: { a: { type: 'integer' } } }),
  s('type integer got float', 'a: 1.5\n', { properties: { a: { type: 'integer' } } }),
  s('type integer accepts 2.0', 'a: 2.0\n', { properties: { a: { type: 'integer' } } }),
  s('type list', 'a: 3\n', { properties: { a: { type: ['string', 'null', 'boolean'] } } }),
  s('type of null, list, map, bool', 'a: null\nb: [1]\nc: {x: 1}\nd: true\n', { properties: { a: { type: 'string' } }, additionalProperties: { type: 'number' } }),
  s('enum primitives', 'a: x\n', { properties: { a: { enum: [1, 'a', null, true, 2.5] } } }),
  s('enum single', 'a: x\n', { properties: { a: { enum: ['only'] } } }),
  s('enum with an object', 'a: x\n', { properties: { a: { enum: [{ k: 1 }, 'b'] } } }),
  s('const', 'a: x\nb: 1\nc: [1]\n', { properties: { a: { const: "it's" } }, dependentRequired: {}, allOf: [{ properties: { b: { const: 2 } } }, { properties: { c: { const: [2] } } }] }),
  s('minimum maximum', 'a: 5\nb: 70000\nc: 1.25\nd: 12345678.5\n', { allOf: [{ properties: { a: { minimum: 10 } } }, { properties: { b: { maximum: 65535 } } }, { properties: { c: { minimum: 1.5 } } }, { properties: { d: { maximum: 1000 } } }] }),
  s('exclusive bounds', 'a: 80\nb: 3\n', { allOf: [{ properties: { a: { exclusiveMinimum: 80 } } }, { properties: { b: { exclusiveMaximum: 3 } } }] }),
  s('multipleOf', 'a: 1.25\nb: 7\n', { allOf: [{ properties: { a: { multipleOf: 0.5 } } }, { properties: { b: { multipleOf: 2 } } }] }),
  s('string lengths count runes', 'a: "héé"\nb: "ab"\n', { allOf: [{ properties: { a: { maxLength: 2 } } }, { properties: { b: { minLength: 3 } } }] }),
  s('pattern with quotes', 'a: "it\'s \\"x\\""\n', { properties: { a: { pattern: "^[a-z']+$" } } }),
  s('several errors on one value', 'a: ab\n', { properties: { a: { type: 'string', minLength: 3, pattern: '^x' } } }),
  s('required one', 'a: 1\n', { required: ['a', 'b'] }),
  s('required many', 'a: 1\n', { required: ['b', 'c', 'a', 'd'] }),
  s('additionalProperties false', 'a: 1\nz: 2\n', { properties: { a: {}, global: {} }, additionalProperties: false }),
  s('additionalProperties schema', 'a: 1\nz: 2\n', { properties: { a: {} }, additionalProperties: { type: 'string' } }),
  s('patternProperties', 'x-a: 1\nb: 2\n', { patternProperties: { '^x-': { type: 'string' } } }),
  s('min and max properties', 'a: {p: 1}\nb: {p: 1, q: 2}\n', { allOf: [{ properties: { a: { minProperties: 2 } } }, { properties: { b: { maxProperties: 1 } } }] }),
  s('items schema 2020', 'a: [1, "x", 3]\n', { properties: { a: { items: { type: 'integer' } } } }),
  s('prefixItems 2020', 'a: [1, 2, "x"]\n', { properties: { a: { prefixItems: [{ type: 'integer' }, { type: 'string' }], items: { type: 'integer' } } } }),
  s('items array draft 7', 'a: [1, 2, 3, 4]\n', { $schema: d7, properties: { a: { items: [{ type: 'integer' }, { type: 'string' }], additionalItems: false } } }),
  s('items array draft 7 additional schema', 'a: [1, "x", 3, "y"]\n', { $schema: d7, properties: { a: { items: [{ type: 'integer' }, { type: 'string' }], additionalItems: { type: 'string' } } } }),
  s('min max items', 'a: []\nb: [1, 2, 3]\n', { allOf: [{ properties: { a: { minItems: 1 } } }, { properties: { b: { maxItems: 2 } } }] }),
  s('uniqueItems', 'a: [1, 2, {k: 1}, 2.0, {k: 1}]\n', { properties: { a: { uniqueItems: true } } }),
  s('contains', 'a: [1, 2]\n', { properties: { a: { contains: { type: 'string' } } } }),
  s('minContains maxContains', 'a: ["x", 1]\nb: ["x", "y", "z"]\n', { allOf: [{ properties: { a: { contains: { type: 'string' }, minContains: 2 } } }, { properties: { b: { contains: { type: 'string' }, maxContains: 2 } } }] }),
  s('not', 'a: 1\n', { properties: { a: { not: { type: 'integer' } } } }),
  s('allOf', 'a: 1\n', { properties: { a: { allOf: [{ type: 'string' }, { minimum: 3 }] } } }),
  s('anyOf', 'a: 1\n', { properties: { a: { anyOf: [{ type: 'string' }, { minimum: 3 }] } } }),
  s('oneOf none', 'a: 1\n', { properties: { a: { oneOf: [{ type: 'string' }, { minimum: 3 }] } } }),
  s('oneOf two', 'a: 5\n', { properties: { a: { oneOf: [{ type: 'integer' }, { minimum: 3 }, { type: 'number' }] } } }),
  s('if then else', 'a: 1\nb: x\n', { if: { properties: { a: { const: 1 } } }, then: { properties: { b: { type: 'integer' } } }, else: { required: ['zzz'] } }),
  s('else', 'a: 2\n', { if: { properties: { a: { const: 1 } } }, then: { properties: { b: { type: 'integer' } } }, else: { required: ['zzz'] } }),
  s('ref draft 7 one error', 'a: x\n', { $schema: d7, definitions: { n: { type: 'integer' } }, properties: { a: { $ref: '#/definitions/n', type: 'string' } } }),
  s('ref 2020 two errors', 'a: ab\n', { $defs: { n: { minLength: 3, pattern: '^x' } }, properties: { a: { $ref: '#/$defs/n', maxLength: 1 } } }),
  s('ref to root and anchor', 'a: {a: {a: 1}}\n', { $defs: { s: { $anchor: 'str', type: 'string' } }, properties: { a: { anyOf: [{ $ref: '#' }, { $ref: '#str' }] } }, type: 'object' }),
  s('dependencies draft 7', 'a: 1\nb: 1\n', { $schema: d7, dependencies: { a: ['c', 'd'], b: { required: ['e'] } } }),
  s('dependentRequired', 'a: 1\n', { dependentRequired: { a: ['b', 'c'] } }),
  s('dependentSchemas', 'a: 1\n', { dependentSchemas: { a: { required: ['b'] } } }),
  s('propertyNames', 'Ab: 1\n', { propertyNames: { pattern: '^[a-z]+$' } }),
  s('false schema', 'a: 1\n', { properties: { a: false } }),
  s('true schema', 'a: 1\n', { properties: { a: true } }),
  s('unevaluatedProperties', 'a: 1\nb: 2\n', { properties: { a: {} }, unevaluatedProperties: false }),
  s('nested locations escaped', 'a/b: {"c~d": [0, {e: x}]}\n', { properties: { 'a/b': { properties: { 'c~d': { items: { type: 'integer' } } } } } }),
  s('globals reach the schema', 'global: {g: 1}\n', { properties: { global: { properties: { g: { type: 'string' } } } } }),
  s('draft 4 exclusiveMaximum boolean', 'a: 3\n', { $schema: 'http://json-schema.org/draft-04/schema#', properties: { a: { maximum: 3, exclusiveMaximum: true } } }),
  s('format ignored in 2020', 'a: not-an-email\n', { properties: { a: { format: 'email' } } }),
  s('format draft 7', 'a: not-an-email\nb: 300.1.1.1\nc: x\n', { $schema: d7, allOf: [{ properties: { a: { format: 'email' } } }, { properties: { b: { format: 'ipv4' } } }, { properties: { c: { format: 'date-time' } } }] }),
]
