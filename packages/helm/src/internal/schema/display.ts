// The text of a schema validation error as santhosh-tekuri/jsonschema v6 prints it through an
// English golang.org/x/text printer (grouped digits, `×10⁰⁷` exponents), in the tree form helm
// shows: `- at '/path': message`, causes indented two spaces per level.
import { goQuote } from '../template/lex.js'
import { sprintf } from '../template/fmt.js'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/** What failed, with the data its message needs. */
export type ErrorKind =
  | { readonly k: 'group' | 'ref' | 'false' | 'not' | 'allOf' | 'anyOf' | 'contains' }
  | { readonly k: 'oneOf'; readonly matched?: readonly [number, number] | undefined }
  | { readonly k: 'type'; readonly got: string; readonly want: readonly string[] }
  | { readonly k: 'const'; readonly want: Json }
  | { readonly k: 'enum'; readonly want: readonly Json[] }
  | { readonly k: 'format'; readonly got: string; readonly format: string; readonly reason: string }
  | { readonly k: 'minProperties' | 'maxProperties' | 'minItems' | 'maxItems' | 'minLength' | 'maxLength'; readonly got: number; readonly want: number }
  | { readonly k: 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum' | 'multipleOf'; readonly got: number; readonly want: number }
  | { readonly k: 'required'; readonly missing: readonly string[] }
  | { readonly k: 'dependency' | 'dependentRequired'; readonly prop: string; readonly missing: readonly string[] }
  | { readonly k: 'additionalProperties'; readonly props: readonly string[] }
  | { readonly k: 'additionalItems'; readonly count: number }
  | { readonly k: 'propertyNames'; readonly prop: string }
  | { readonly k: 'uniqueItems'; readonly i: number; readonly j: number }
  | { readonly k: 'minContains' | 'maxContains'; readonly got: readonly number[]; readonly want: number }
  | { readonly k: 'pattern'; readonly got: string; readonly want: string }

/** One node of the error tree: where in the values, what failed, and why. */
export interface SchemaError {
  readonly loc: readonly string[]
  readonly kind: ErrorKind
  readonly causes: readonly SchemaError[]
}

/** The library's quote: Go's %q with `"` left alone and `'` escaped, in single quotes. */
export function quote(s: string): string {
  const q = goQuote(s).replaceAll('\\"', '"').replaceAll("'", "\\'")
  return `'${q.slice(1, -1)}'`
}

/** A primitive as the library displays it (`<nil>` for null, strings quoted). */
export function displayValue(v: Json): string {
  if (typeof v === 'string') return quote(v)
  if (v === null) return '<nil>'
  if (Array.isArray(v) || typeof v === 'object') return 'value'
  if (typeof v === 'number') return sprintf('%v', [v])
  return String(v)
}

const superscript: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' }

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** An integer as x/text prints `%d`: digits grouped by three. */
export function printInt(n: number): string {
  return n < 0 ? `-${group(String(-n))}` : group(String(n))
}

/** A float64 as x/text prints `%v`: Go's shortest %g, grouped, exponents as `×10⁰⁷`. */
export function printFloat(n: number): string {
  const g = sprintf('%v', [n])
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(g)
  if (m !== null) {
    const exp = `${m[2] === '-' ? '-' : ''}${m[3] ?? ''}`
    return `${m[1] ?? ''}×10${exp.replace(/[-0-9]/g, (c) => superscript[c] ?? c)}`
  }
  const [whole = '', frac] = g.replace(/^-/, '').split('.')
  return `${g.startsWith('-') ? '-' : ''}${group(whole)}${frac === undefined ? '' : `.${frac}`}`
}

function joinQuoted(list: readonly string[]): string {
  return list.map(quote).join(', ')
}

/** The message of one error kind. */
export function kindMessage(kind: ErrorKind): string {
  switch (kind.k) {
    case 'group':
    case 'ref':
      return 'validation failed'
    case 'false':
      return 'false schema'
    case 'not':
    case 'allOf':
    case 'anyOf':
      return `'${kind.k}' failed`
    case 'oneOf':
      return kind.matched === undefined ? "'oneOf' failed, none matched" : `'oneOf' failed, subschemas ${kind.matched[0]}, ${kind.matched[1]} matched`
    case 'contains':
      return 'no items match contains schema'
    case 'type':
      return `got ${kind.got}, want ${kind.want.join(' or ')}`
    case 'const':
      return kind.want !== null && typeof kind.want === 'object' ? "'const' failed" : `value must be ${displayValue(kind.want)}`
    case 'enum': {
      if (kind.want.some((w) => w !== null && typeof w === 'object')) return "'enum' failed"
      if (kind.want.length === 1) return `value must be ${displayValue(kind.want[0] ?? null)}`
      return `value must be one of ${kind.want.map(displayValue).join(', ')}`
    }
    case 'format':
      return `${quote(kind.got)} is not valid ${kind.format}: ${kind.reason}`
    case 'minProperties':
    case 'maxProperties':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
      return `${kind.k}: got ${printInt(kind.got)}, want ${printInt(kind.want)}`
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
      return `${kind.k}: got ${printFloat(kind.got)}, want ${printFloat(kind.want)}`
    case 'required':
      return kind.missing.length === 1 ? `missing property ${quote(kind.missing[0] ?? '')}` : `missing properties ${joinQuoted(kind.missing)}`
    case 'dependency':
    case 'dependentRequired':
      return `properties ${joinQuoted(kind.missing)} required, if ${quote(kind.prop)} exists`
    case 'additionalProperties':
      return `additional properties ${joinQuoted(kind.props)} not allowed`
    case 'additionalItems':
      return `last ${printInt(kind.count)} additionalItem(s) not allowed`
    case 'propertyNames':
      return `invalid propertyName ${quote(kind.prop)}`
    case 'uniqueItems':
      return `items at ${printInt(kind.i)} and ${printInt(kind.j)} are equal`
    case 'minContains':
      return kind.got.length === 0
        ? `min ${printInt(kind.want)} items required to match contains schema, but none matched`
        : `min ${printInt(kind.want)} items required to match contains schema, but matched ${printInt(kind.got.length)} items at ${kind.got.join(' ')}`
    case 'maxContains':
      return `max ${printInt(kind.want)} items required to match contains schema, but matched ${printInt(kind.got.length)} items at ${kind.got.join(' ')}`
    case 'pattern':
      return `${quote(kind.got)} does not match pattern ${quote(kind.want)}`
  }
}

function pointer(loc: readonly string[]): string {
  return loc.map((t) => `/${t.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')
}

/** The tree as helm prints it under a chart's name (no trailing newline). */
export function displayErrors(errors: readonly SchemaError[]): string {
  const lines: string[] = []
  const walk = (e: SchemaError, indent: number): void => {
    // A $ref with one cause is not shown; its cause stands in its place.
    if (e.kind.k === 'ref' && e.causes.length === 1) {
      for (const c of e.causes) walk(c, indent)
      return
    }
    lines.push(`${'  '.repeat(indent)}- at ${quote(pointer(e.loc))}: ${kindMessage(e.kind)}`)
    for (const c of e.causes) walk(c, indent + 1)
  }
  for (const e of errors) walk(e, 0)
  return lines.join('\n')
}
