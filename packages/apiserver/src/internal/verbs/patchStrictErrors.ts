// The strict-decoding errors kube-apiserver's patchers collect from a JSON or merge patch body when
// `fieldValidation` is Strict or Warn: its decoder (sigs.k8s.io/json's UnmarshalStrict) reads the
// body into a list of JSON patch operations or into a map, and notes every repeated key of an object
// and, in an operation, every key other than op, path, from and value. JSON.parse keeps the last of
// repeated keys, so the body's text is read here, once, left to right with an explicit stack.
import { quote } from '@gitops-sdk/core/go'
import { scalarEnd, stringEnd } from '../rules/crdSchema/orderedJson.js'

/** What the body decodes into: kube's list of JSON patch operation structs, or a map. */
export type StrictShape = 'operations' | 'map'

/** The most errors the decoder keeps; later ones are dropped. */
const MAX_STRICT_ERRORS = 100

/** The fields of kube's JSON patch operation struct (case-sensitive, as its decoder reads them). */
const OPERATION_FIELDS: ReadonlySet<string> = new Set(['op', 'path', 'from', 'value'])

interface Container {
  readonly object: boolean
  /** The path of this container as the decoder names a field in it; undefined for the top level. */
  readonly path: string | undefined
  /** Repeated keys are reported in it (false below a field the decoder skips). */
  readonly checked: boolean
  /** A JSON patch operation: keys outside OPERATION_FIELDS are unknown. */
  readonly operation: boolean
  readonly keys: Set<string>
  /** The paths of the object children by key, so a repeated key names the same string. */
  readonly children: Map<string, string>
  index: number
  expectKey: boolean
  /** The key whose value comes next, and whether that value is checked. */
  pending: { readonly key: string; readonly checked: boolean } | undefined
}

/**
 * One strict-decoding error: its kind and the unquoted path of the field. Its text is built by
 * strictErrorText only for what is reported, so a path as long as the body is quoted at most once.
 */
export interface StrictFieldError {
  readonly type: 'unknown field' | 'duplicate field'
  readonly path: string
  /** Words before the text: `json patch ` for a JSON patch's operations. */
  readonly prefix?: string | undefined
}

interface Collector {
  readonly errors: StrictFieldError[]
  /** Reported type and full path: the decoder drops an error whose kind and path it already holds. */
  readonly seen: Set<string>
}

function report(into: Collector, container: Container, error: { readonly type: 'unknown field' | 'duplicate field'; readonly key: string }): void {
  const { type, key } = error
  if (into.errors.length >= MAX_STRICT_ERRORS) return
  const path = container.path === undefined ? key : `${container.path}.${key}`
  // Keyed by the whole path as the decoder names it: the top-level key "b.c" and the key "c" in "b" are one.
  const id = `${type}\u0000${path}`
  if (into.seen.has(id)) return
  into.seen.add(id)
  into.errors.push({ type, path })
}

/**
 * The text of `error` as kube's decoder words it (`unknown field "[0].x"`). With `maxUnits`, when the
 * path is longer only its first maxUnits UTF-16 units are quoted and the text ends there, without a
 * closing quote: its first maxUnits / 2 runes are those of the whole text, which has more.
 */
export function strictErrorText(error: StrictFieldError, maxUnits?: number): string {
  const words = `${error.prefix ?? ''}${error.type}`
  if (maxUnits === undefined || error.path.length <= maxUnits) return `${words} ${quote(error.path)}`
  return `${words} ${quote(error.path.slice(0, maxUnits)).slice(0, -1)}`
}

/** Go's decoding of an escaped lone surrogate (U+FFFD) applied to a key. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function open(parent: Container | undefined, object: boolean, shape: StrictShape): Container {
  let path: string | undefined
  let checked = true
  let operation = false
  if (parent !== undefined) {
    if (parent.object) {
      const key = parent.pending?.key ?? ''
      checked = parent.pending?.checked ?? false
      path = parent.children.get(key)
      if (path === undefined) {
        path = parent.path === undefined ? key : `${parent.path}.${key}`
        parent.children.set(key, path)
      }
    } else {
      path = `${parent.path ?? ''}[${parent.index}]`
      checked = parent.checked
      operation = object && shape === 'operations' && parent.path === undefined
      parent.index++
    }
  }
  return { object, path, checked, operation, keys: new Set(), children: new Map(), index: 0, expectKey: object, pending: undefined }
}

function readKey(into: Collector, container: Container, key: string): void {
  let checked = container.checked
  if (container.operation && !OPERATION_FIELDS.has(key)) {
    // The decoder skips the value of an unknown field without looking into it.
    report(into, container, { type: 'unknown field', key })
    checked = false
  } else if (container.checked) {
    if (container.keys.has(key)) report(into, container, { type: 'duplicate field', key })
    else container.keys.add(key)
  }
  container.pending = { key, checked }
  container.expectKey = false
}

/**
 * The strict-decoding errors of `body` (a text JSON.parse accepts, whose shape decodes into `shape`
 * without a type error), as kube's decoder words them, in document order, without repeats and at
 * most 100: `duplicate field "[0].path"`, `unknown field "[1].Value"`, `duplicate field "spec.a"`.
 */
export function strictFieldErrors(body: string, shape: StrictShape): StrictFieldError[] {
  const into: Collector = { errors: [], seen: new Set() }
  const stack: Container[] = []
  let top: Container | undefined
  const length = body.length
  for (let i = 0; i < length && into.errors.length < MAX_STRICT_ERRORS; i++) {
    const c = body.charCodeAt(i)
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x3a /* : */) continue
    if (c === 0x2c /* , */) {
      if (top?.object === true) top.expectKey = true
      continue
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      top = open(top, c === 0x7b, shape)
      stack.push(top)
      continue
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop()
      top = stack[stack.length - 1]
      continue
    }
    if (c === 0x22 /* " */) {
      const end = stringEnd(body, i)
      if (top?.object === true && top.expectKey) {
        const raw = body.slice(i + 1, end - 1)
        // Go decodes an escaped lone surrogate as U+FFFD: "\\ud800" and "\\ud801" are one key.
        readKey(into, top, raw.includes('\\') ? (JSON.parse(body.slice(i, end)) as string).replace(LONE_SURROGATE, '\uFFFD') : raw)
      } else if (top?.object === false) {
        top.index++
      }
      i = end - 1
      continue
    }
    // A number or literal: skip to its end.
    if (top?.object === false) top.index++
    i = scalarEnd(body, i) - 1
  }
  return into.errors
}

/** The fields of a JSON patch operation kube's decoder reads into a string. */
const STRING_FIELDS: ReadonlySet<string> = new Set(['op', 'path', 'from'])

/** Go's name of the JSON kind whose text starts with the character code `c`. */
function kindAt(c: number): string {
  if (c === 0x7b /* { */) return 'object'
  if (c === 0x5b /* [ */) return 'array'
  if (c === 0x22 /* " */) return 'string'
  if (c === 0x74 /* t */ || c === 0x66 /* f */) return 'bool'
  return 'number'
}

/**
 * The first type error kube's strict decoder meets reading `body` (a JSON list JSON.parse accepts)
 * into its JSON patch operation structs, in document order, after `error decoding patch: json:
 * cannot unmarshal`: an element that is no object or null, or a value of op, path or from that is
 * no string or null. Every occurrence of a repeated field is decoded and checked, the first as well
 * as the last JSON.parse keeps. Undefined when there is none.
 */
export function operationTypeError(body: string): string | undefined {
  const prefix = 'error decoding patch: json: cannot unmarshal'
  let depth = 0
  // At depth 2: inside an operation object, a key comes next, and the known field whose value does.
  let operation = false
  let expectKey = false
  let field: string | undefined
  const length = body.length
  for (let i = 0; i < length; i++) {
    const c = body.charCodeAt(i)
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x3a /* : */) continue
    if (c === 0x2c /* , */) {
      if (depth === 2 && operation) expectKey = true
      continue
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--
      continue
    }
    if (depth === 1 && c !== 0x7b && c !== 0x6e /* n */) return `${prefix} ${kindAt(c)} into Go value of type handlers.jsonPatchOp`
    if (depth === 2 && operation && !expectKey && field !== undefined && c !== 0x22 && c !== 0x6e) {
      return `${prefix} ${kindAt(c)} into Go struct field jsonPatchOp.${field} of type string`
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++
      if (depth === 2) {
        operation = c === 0x7b
        expectKey = operation
        field = undefined
      }
      continue
    }
    if (c === 0x22 /* " */) {
      const end = stringEnd(body, i)
      if (depth === 2 && operation && expectKey) {
        const raw = body.slice(i + 1, end - 1)
        const key = raw.includes('\\') ? (JSON.parse(body.slice(i, end)) as string) : raw
        field = STRING_FIELDS.has(key) ? key : undefined
        expectKey = false
      }
      i = end - 1
      continue
    }
    i = scalarEnd(body, i) - 1
  }
  return undefined
}
