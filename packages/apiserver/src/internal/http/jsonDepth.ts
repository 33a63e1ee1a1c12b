// How deep a JSON request body may nest. kube-apiserver's JSON decoder (Go's encoding/json scanner,
// as sigs.k8s.io/json keeps it) refuses a document nested more than 10,000 arrays and objects deep
// with the syntax error "exceeded max depth", which the handlers answer 400. This server refuses past
// 500 levels, with kube's words: copies, JSON text, patches, defaulting, pruning, CEL views and watch
// encoding walk by an explicit stack (see deepJson.ts) at any depth, but server-side apply and the
// managed-fields recording (structured-merge-diff's walks) recurse once per level, so some depth
// overflows the native stack. Where is no constant: it moves with the stack a request already holds
// when it gets there, the object's shape and the Node/V8 build. Two measurements with Node 20's
// default stack: in the fault tests' harness (one server in a vitest worker, esbuild-bundled; a
// Widget custom resource and a ControllerRevision created, applied to and merge-patched at each
// depth) all was well at 1,250 levels of objects and at 1,300-1,400 an apply answered an untyped 500
// and a create recorded no managedFields; in plain Node 20 (one process, the bound patched away) a
// create and a small apply worked from 600 to 2,400 levels, and recordUpdate alone up to 3,000.
// 500 stays under the lowest figure seen with a margin of more than two, for the frames a request
// already holds. deepJson's RECURSION_SAFE_DEPTH (where an error is taken for an overflow) must stay
// above it with room for a patch's path: jsonDepth.test.ts checks RECURSION_SAFE_DEPTH > MAX_JSON_DEPTH + 16.

import type { Opener } from '../../ssa/deepJson.js'
import { openerPastIn } from '../../ssa/deepJson.js'

/**
 * The deepest a request body or a patched object may nest (the top-level object counts as one
 * level). kube-apiserver's JSON decoder takes 10,000; this server's recursive structured-merge-diff
 * walks overflowed at about 1,300 levels in the lowest measurement (the fault tests' harness; see
 * above, it varies), so it takes 500, and a deeper body gets kube's "exceeded max depth" answer.
 * (YAML bodies are bounded by the YAML parser.)
 */
export const MAX_JSON_DEPTH = 500

/** The bracket that opens a level: the character Go's scanner names when that level is past its bound. */
export type { Opener }

/**
 * Go's json scanner's words for a document past its nesting bound: its syntax error names the
 * character (`[` or `{`) that opens the first level past the bound.
 */
export function tooDeep(opener: Opener): string {
  return `invalid character '${opener}' exceeded max depth`
}

/**
 * The bracket opening the first level of the JSON `text` past `limit`, as Go's scanner reads it
 * (left to right, brackets inside strings skipped), or undefined when the text stays within it.
 * Each level of valid JSON costs at least two characters (its opening and closing bracket), so a
 * text no longer than twice the limit is not scanned.
 */
export function openerPast(text: string, limit: number = MAX_JSON_DEPTH): Opener | undefined {
  if (text.length <= 2 * limit) return undefined
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // A string: skip to its closing quote, past escapes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i)
        if (d === 0x5c) i++
        else if (d === 0x22) break
      }
    } else if (c === 0x5b || c === 0x7b) {
      depth++
      if (depth > limit) return c === 0x5b ? '[' : '{'
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  return undefined
}

/**
 * The bracket opening the first level of `value` past `limit`, in the order JSON.stringify writes
 * it (an array is `[`, any other object `{`), found without recursion; undefined when it stays
 * within the limit (a scalar is 0 deep).
 */
export function valueOpenerPast(value: unknown, limit: number = MAX_JSON_DEPTH): Opener | undefined {
  return openerPastIn(value, limit)
}

/**
 * Whether `value` nests more than `limit` arrays and objects deep (a scalar is 0 deep, `{}` and
 * `[]` 1), measured without recursion and stopping at the first level past the limit.
 */
export function nestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  return valueOpenerPast(value, limit) !== undefined
}

/**
 * Go's words (see tooDeep) when `value`, parsed from the JSON `text`, nests past MAX_JSON_DEPTH,
 * else undefined. Each level costs at least two characters (`[` and `]`), so a text no longer than
 * twice the bound is not walked at all: most bodies are answered by their length; only a body past
 * the bound has its text scanned for the bracket Go names.
 */
export function bodyTooDeep(text: string, value: unknown): string | undefined {
  if (text.length <= 2 * MAX_JSON_DEPTH || !nestsDeeperThan(value)) return undefined
  return tooDeep(openerPast(text) ?? '[')
}
