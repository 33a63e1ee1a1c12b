// How deep a JSON request body may nest. kube-apiserver's JSON decoder (Go's encoding/json scanner,
// as sigs.k8s.io/json keeps it) refuses a document nested more than 10,000 arrays and objects deep
// with the syntax error "exceeded max depth", which the handlers answer 400. JSON.parse reads far
// deeper, but what runs after it here recurses once (or more) per level: structuredClone,
// JSON.stringify, the schema walks, server-side apply. So the bound is lower than kube's, under
// every one of those stack limits, and a deeper body gets kube's answer for a body past its bound
// (a 400 saying "exceeded max depth") instead of an untyped 500 from a stack overflow.

/**
 * The deepest a request body or a patched object may nest (the top-level object counts as one
 * level), as the YAML bodies' bound is 1,000 too. kube-apiserver's JSON decoder allows 10,000.
 */
export const MAX_JSON_DEPTH = 1000

/** Go's json scanner's words for a document past its nesting bound. */
export const TOO_DEEP = 'exceeded max depth'

/**
 * Whether `value` nests more than `limit` arrays and objects deep (a scalar is 0 deep, `{}` and
 * `[]` 1), measured without recursion and stopping at the first level past the limit.
 */
export function nestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  if (limit < 0) return true
  const values: unknown[] = [value]
  const levels: number[] = [0]
  while (values.length > 0) {
    const v = values.pop()
    const level = (levels.pop() ?? 0) + 1
    if (v === null || typeof v !== 'object') continue
    if (level > limit) return true
    const children: readonly unknown[] = Array.isArray(v) ? v : Object.values(v)
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        values.push(child)
        levels.push(level)
      }
    }
  }
  return false
}

/**
 * Whether `value`, parsed from the JSON `text`, nests past MAX_JSON_DEPTH. Each level costs at least
 * two characters (`[` and `]`), so a text no longer than twice the bound is not walked at all: most
 * bodies are answered by their length.
 */
export function bodyNestsTooDeep(text: string, value: unknown): boolean {
  return text.length > 2 * MAX_JSON_DEPTH && nestsDeeperThan(value)
}
