// The prefix-and-tail form of compileGoRegexp's fast paths: a whole-text pattern of literal
// characters and `.`, then optional groups of a literal and a run of a class (kustomize's image
// matcher with a plain image name), matched left to right in one pass.

/** One optional group `(L[C]*)?` of a {@link PrefixTail}: a literal, then a run of a class. */
export interface TailGroup {
  readonly literal: string
  /** The class's characters, by code unit (all ASCII). */
  readonly chars: ReadonlySet<number>
}

/** A whole-text pattern `^P(L1[C1]*)?(L2[C2]*)?…$`, see prefixTailOf. */
export interface PrefixTail {
  /** Literal characters, `.` for any one. */
  readonly prefix: string
  readonly groups: readonly TailGroup[]
}

/** Characters that are literal in a class here: printable ASCII but `\`, `[`, `]`, `^` and `-`. */
const CLASS_CHAR = /^[\x20-\x2c\x2e-\x5a\x5f-\x7e]$/

/** The characters of a class body such as `a-zA-Z0-9_.{}-`, or undefined for any other form. */
function classChars(body: string): Set<number> | undefined {
  const chars = new Set<number>()
  const kind = (c: string): number => (/[0-9]/.test(c) ? 1 : /[a-z]/.test(c) ? 2 : /[A-Z]/.test(c) ? 3 : 0)
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c === '-' && i === body.length - 1 && i > 0) chars.add(0x2d)
    else if (!CLASS_CHAR.test(c)) return undefined
    else if (body[i + 1] === '-' && i + 2 < body.length) {
      // A range of digits or of letters of one case, in order; Go's other ranges go to re2js.
      const hi = body[i + 2] as string
      if (kind(c) === 0 || kind(c) !== kind(hi) || hi < c) return undefined
      for (let k = c.charCodeAt(0); k <= hi.charCodeAt(0); k++) chars.add(k)
      i += 2
    } else chars.add(c.charCodeAt(0))
  }
  return chars.size === 0 ? undefined : chars
}

const TAIL_GROUP = /\(([^\\.+*?()|[\]{}^$\ud800-\udfff]+)\[([^\]]*)\]\*\)\?/y

/**
 * The parts of a whole-text pattern `^P(L1[C1]*)?(L2[C2]*)?…$` (kustomize's image matcher
 * `^<name>(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$` with a plain image name): `P` literal
 * characters and `.`, each `L` literal text, each `C` a class of printable ASCII. Only when every
 * `L` starts with its own character and no class holds the first character of a later `L`: then a
 * text matches in one way at most, read left to right (a group is there exactly when its literal
 * is, its run is the longest), so any engine gives the same match and groups.
 */
export function prefixTailOf(pattern: string): PrefixTail | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.length < 2) return undefined
  const body = pattern.slice(1, -1)
  const open = body.indexOf('(')
  const prefix = open < 0 ? body : body.slice(0, open)
  if (!/^(?:[^\\.+*?()|[\]{}^$\ud800-\udfff]|\.)*$/.test(prefix)) return undefined
  const groups: TailGroup[] = []
  let at = prefix.length
  while (at < body.length) {
    TAIL_GROUP.lastIndex = at
    const m = TAIL_GROUP.exec(body)
    if (m === null) return undefined
    const chars = classChars(m[2] as string)
    if (chars === undefined) return undefined
    groups.push({ literal: m[1] as string, chars })
    at = TAIL_GROUP.lastIndex
  }
  // From the last group to the first, with the first characters of the later literals: each
  // group's first character and class (at most 95 characters) are checked once, linear in the groups.
  const laterFirsts = new Set<number>()
  for (let i = groups.length - 1; i >= 0; i--) {
    const { literal, chars } = groups[i] as TailGroup
    const first = literal.charCodeAt(0)
    if (laterFirsts.has(first)) return undefined
    for (const c of chars) if (laterFirsts.has(c)) return undefined
    laterFirsts.add(first)
  }
  return { prefix, groups }
}

/** Whether `part` (literal characters, `.` for any one) matches `s` at `at`. */
export function segmentAt(s: string, at: number, part: string): boolean {
  for (let i = 0; i < part.length; i++) if (part[i] !== '.' && part[i] !== s[at + i]) return false
  return true
}

/**
 * The groups of `parts` matching the whole of `s`, undefined for a group that took no part;
 * undefined when `s` does not match. Exact where each character of `s` is one UTF-16 unit and none
 * is a newline (Go's `.` is a code point other than `\n`): the caller leaves other texts to re2js.
 */
export function matchPrefixTail(parts: PrefixTail, s: string): (string | undefined)[] | undefined {
  const { prefix } = parts
  if (s.length < prefix.length || !segmentAt(s, 0, prefix)) return undefined
  let at = prefix.length
  const found: (string | undefined)[] = []
  for (const { literal, chars } of parts.groups) {
    if (!s.startsWith(literal, at)) {
      found.push(undefined)
      continue
    }
    const start = at
    at += literal.length
    while (at < s.length && chars.has(s.charCodeAt(at))) at++
    found.push(s.slice(start, at))
  }
  return at === s.length ? found : undefined
}
