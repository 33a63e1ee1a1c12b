// The body of a server-side apply PATCH (application/apply-patch+yaml): YAML 1.2, of which JSON is a
// subset. Clients (kubectl, the SDK) send compact JSON, and the YAML parser costs about half the CPU of
// an apply; so a body that is JSON, and whose meaning the YAML parser cannot read differently, is
// read by JSON.parse, and every other body (YAML, duplicate keys, tabs, deep nesting, no JSON) goes
// through the YAML parser as before, errors and all.
import { badRequest } from '../../status.js'
import { MAX_JSON_DEPTH, tooDeep, valueOpenerPast } from '../http/jsonDepth.js'
import { parseYamlBody } from '../http/yamlDepth.js'

/**
 * Nesting beyond which a JSON body goes through the YAML parser: that parser recurses, so at depths a
 * Kubernetes object never reaches it fails in its own way, which this keeps.
 */
const FAST_DEPTH = 100

/**
 * Decodes an apply patch's body as kube-apiserver does: 400 `error decoding patch: …` when it is no
 * YAML or nests too deep to parse.
 */
export function parseApplyPatch(body: string): unknown {
  const fast = parseJsonLikeYaml(body)
  if (fast !== undefined) return fast.value
  const value = parseYamlBody(body, { version: '1.2', intAsBigInt: false, uniqueKeys: true }, 'error decoding patch: ')
  // The YAML parser composes deeper than MAX_JSON_DEPTH: an apply body past it is refused as a JSON
  // one is (each level costs at least two characters, so a short body is not walked).
  if (body.length > 2 * MAX_JSON_DEPTH) {
    const opener = valueOpenerPast(value)
    if (opener !== undefined) throw badRequest(`error decoding patch: ${tooDeep(opener)}`)
  }
  return value
}

/**
 * `body` read by JSON.parse when that gives what the YAML 1.2 parser (core schema, unique keys) gives:
 * a JSON object with only spaces and line feeds between tokens, at most FAST_DEPTH deep, without a
 * repeated key in any object (JSON keeps the last, YAML refuses). Otherwise undefined: the caller then
 * runs the YAML parser. JSON's numbers, literals and string escapes are all YAML 1.2 core and read
 * alike (tested against the YAML parser in applyPatchBody.test.ts); own `__proto__` keys stay data in both.
 */
export function parseJsonLikeYaml(body: string): { readonly value: unknown } | undefined {
  if (body.charCodeAt(0) !== 0x7b /* { */) return undefined
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return undefined
  }
  // The text is valid JSON: a string is a key when the next token is ':'.
  let keys = 0
  let depth = 0
  const length = body.length
  for (let i = 0; i < length; i++) {
    const c = body.charCodeAt(i)
    if (c === 0x22 /* " */) {
      i++
      while (i < length) {
        const s = body.charCodeAt(i)
        if (s === 0x5c /* \ */) i += 2
        else if (s === 0x22) break
        else i++
      }
      let j = i + 1
      while (j < length && (body.charCodeAt(j) === 0x20 || body.charCodeAt(j) === 0x0a)) j++
      if (body.charCodeAt(j) === 0x3a /* : */) keys++
    } else if (c === 0x7b || c === 0x5b /* [ */) {
      if (++depth > FAST_DEPTH) return undefined
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--
    } else if (c === 0x09 /* tab */ || c === 0x0d /* CR */) {
      return undefined
    }
  }
  return countKeys(value) === keys ? { value } : undefined
}

/** The number of own keys of every object in a JSON value (JSON.parse's own data properties only). */
function countKeys(value: unknown): number {
  if (Array.isArray(value)) {
    let n = 0
    for (const item of value) n += countKeys(item)
    return n
  }
  if (value === null || typeof value !== 'object') return 0
  let n = 0
  for (const key of Object.keys(value)) {
    n += 1 + countKeys((value as Record<string, unknown>)[key])
  }
  return n
}
