// JSON Schema validation as Helm 4 runs it (github.com/santhosh-tekuri/jsonschema/v6): drafts 4,
// 6, 7, 2019-09 and 2020-12 (2020-12 when `$schema` is absent), keywords checked in that library's
// order, and its error tree (instance location, kind, causes) so messages print as helm prints them.
import type { GoValue } from '../template/values.js'
import type { GoRegexp } from '@gitops-sdk/core/go'
import { goRegex } from '../funcs/sprigStrings.js'
import { checkFormat } from './formats.js'
import { type ErrorKind, type SchemaError, quote } from './display.js'
import { type Json, isObj, numberOf, typeOf, typeOrder, equals } from './json.js'
import { type Ctx, type Evaluated, arrayKeywords, conditionKeywords, numberKeywords, objectKeywords, stringKeywords, unevaluatedKeywords } from './keywords.js'

/** The schema file cannot be used: not JSON, a bad keyword value, or a `$ref` that does not resolve here. */
export class SchemaCompileError extends Error {}

/** A parsed schema document with its draft and anchors. */
export interface SchemaDocument {
  readonly root: Json
  readonly draft: number
  readonly anchors: ReadonlyMap<string, Json>
}

function draftOf(uri: Json | undefined): number {
  if (typeof uri !== 'string') return 2020
  if (uri.includes('draft-04')) return 4
  if (uri.includes('draft-06')) return 6
  if (uri.includes('draft-07')) return 7
  if (uri.includes('2019-09')) return 2019
  return 2020
}

/** Parses a values.schema.json text; refuses remote `$ref`s (helm would fetch them; nothing here goes online). */
export function parseSchema(text: string): SchemaDocument {
  let root: Json
  try {
    root = JSON.parse(text) as Json
  } catch (err) {
    throw new SchemaCompileError((err as Error).message)
  }
  if (!isObj(root) && typeof root !== 'boolean') throw new SchemaCompileError('a schema must be an object or a boolean')
  const anchors = new Map<string, Json>()
  const draft = isObj(root) ? draftOf(root.$schema) : 2020
  const walk = (v: Json, depth: number): void => {
    if (depth > 200) throw new SchemaCompileError('schema nested too deep')
    if (Array.isArray(v)) for (const x of v) walk(x, depth + 1)
    else if (isObj(v)) {
      if (typeof v.$anchor === 'string') anchors.set(v.$anchor, v)
      if (draft < 2019 && typeof v.$id === 'string' && v.$id.startsWith('#')) anchors.set(v.$id.slice(1), v)
      if (typeof v.$ref === 'string' && !v.$ref.startsWith('#')) throw new SchemaCompileError(`$ref ${quote(v.$ref)} is not inside values.schema.json; remote schemas are not fetched`)
      for (const k of Object.keys(v)) if (k !== 'enum' && k !== 'const') walk(v[k] ?? null, depth + 1)
    }
  }
  walk(root, 0)
  return { root, draft, anchors }
}

function resolveRef(doc: SchemaDocument, ref: string): Json {
  const frag = decodeURIComponent(ref.slice(1))
  if (frag === '') return doc.root
  if (!frag.startsWith('/')) {
    const a = doc.anchors.get(frag)
    if (a === undefined) throw new SchemaCompileError(`$ref ${quote(ref)}: no anchor ${quote(frag)}`)
    return a
  }
  let cur: Json | undefined = doc.root
  for (const raw of frag.slice(1).split('/')) {
    const tok = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    if (Array.isArray(cur)) cur = cur[Number(tok)]
    else if (isObj(cur) && Object.hasOwn(cur, tok)) cur = cur[tok]
    else cur = undefined
    if (cur === undefined) throw new SchemaCompileError(`$ref ${quote(ref)} does not resolve`)
  }
  return cur
}

/** Where a value sits: its location in the values and how deep the validation went. */
interface At {
  readonly loc: readonly string[]
  readonly depth: number
}

/** The checks before any keyword of the value's type: type, const, enum, format (drafts up to 7). */
function firstKind(s: { readonly [k: string]: Json }, v: GoValue, draft: number): ErrorKind | undefined {
  const t = typeOf(v)
  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]).filter((x): x is string => typeof x === 'string')
    const n = numberOf(v)
    const ok = types.includes(t) || (types.includes('integer') && n !== undefined && Number.isInteger(n))
    if (types.length > 0 && !ok) return { k: 'type', got: t, want: typeOrder.filter((x) => types.includes(x)) }
  }
  if (s.const !== undefined && !equals(v, s.const)) return { k: 'const', want: s.const }
  if (Array.isArray(s.enum) && !s.enum.some((x) => equals(v, x))) return { k: 'enum', want: s.enum }
  if (typeof s.format === 'string' && draft < 2019 && typeof v === 'string') {
    const reason = checkFormat(s.format, v)
    if (reason !== undefined) return { k: 'format', got: v, format: s.format, reason }
  }
  return undefined
}

class Validator {
  constructor(readonly doc: SchemaDocument) {}

  /** `p` compiled (core's compileGoRegexp keeps its own bounded cache of patterns, failed ones too). */
  regex(p: string): GoRegexp {
    try {
      return goRegex(p)
    } catch {
      throw new SchemaCompileError(`${quote(p)} is not a valid regular expression`)
    }
  }

  /** Validates `v` against `s`; returns the error or, when valid, what was evaluated. */
  validate(s: Json, v: GoValue, at: At): SchemaError | Evaluated {
    if (at.depth > 500) throw new SchemaCompileError('$ref recursion too deep')
    const { loc, depth } = at
    const ev: Evaluated = { props: new Set(), items: new Set() }
    const err = (kind: ErrorKind, causes: readonly SchemaError[] = []): SchemaError => ({ loc, kind, causes })
    if (s === true || (isObj(s) && Object.keys(s).length === 0)) return ev
    if (s === false) return err({ k: 'false' })
    if (!isObj(s)) throw new SchemaCompileError('a schema must be an object or a boolean')
    const draft = this.doc.draft
    // Up to draft 7, a $ref hides every keyword beside it.
    const refOnly = draft < 2019 && typeof s.$ref === 'string'
    const first = refOnly ? undefined : firstKind(s, v, draft)
    if (first !== undefined) return err(first)
    const errors: SchemaError[] = []
    const c: Ctx = {
      s, v, draft, ev, errors, err,
      add: (r) => {
        if ('kind' in r) {
          errors.push(r)
          return false
        }
        for (const p of r.props) ev.props.add(p)
        for (const i of r.items) ev.items.add(i)
        return true
      },
      self: (sub) => this.validate(sub, v, { loc, depth: depth + 1 }),
      child: (sub, x, tok) => this.validate(sub, x, { loc: [...loc, tok], depth: depth + 1 }),
      regex: (p) => this.regex(p),
      detached: (sub, x) => this.validate(sub, x, { loc: [], depth: depth + 1 }),
    }
    if (typeof s.$ref === 'string') {
      const r = c.self(resolveRef(this.doc, s.$ref))
      if ('kind' in r) errors.push(err({ k: 'ref' }, r.kind.k === 'group' ? r.causes : [r]))
      else c.add(r)
      if (refOnly) return errors[0] ?? ev
    }
    if (v instanceof Map) objectKeywords(c, v)
    else if (Array.isArray(v)) arrayKeywords(c, v)
    else if (typeof v === 'string') stringKeywords(c, v)
    else {
      const n = numberOf(v)
      if (n !== undefined) numberKeywords(c, n)
    }
    conditionKeywords(c)
    if (draft >= 2019) unevaluatedKeywords(c)
    if (errors.length === 0) return ev
    if (errors.length === 1) return errors[0] ?? ev
    return err({ k: 'group' }, errors)
  }
}

/** Validates values against a parsed schema; the top-level causes (empty when the values pass). */
export function validateAgainst(doc: SchemaDocument, values: GoValue): readonly SchemaError[] {
  const r = new Validator(doc).validate(doc.root, values, { loc: [], depth: 0 })
  if (!('kind' in r)) return []
  return r.kind.k === 'group' ? r.causes : [r]
}
