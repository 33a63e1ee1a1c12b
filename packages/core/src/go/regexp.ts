// Go's regexp package (RE2) for the regular expressions users write: Flux, kustomize, sops, helm
// and kube-apiserver compile every such pattern with Go's regexp, which matches in time linear in
// the input, rejects what RE2 lacks (backreferences, lookaround) and reads Go's syntax (`(?P<n>…)`,
// flags anywhere, `\pL`, `\Q…\E`, `[[:alpha:]]`, `\z`). JavaScript's RegExp backtracks (`^(a+)+$`
// takes seconds on thirty characters) and reads another syntax, so user patterns go to re2js, a
// port of RE2/J: the same parser and linear-time engines as Go's.
//
// re2js works on UTF-16 strings and gives UTF-16 offsets where Go gives byte offsets; it steps over
// code points as Go steps over runes, so the matched strings are Go's for any well-formed string.
// No offset leaves this module: the functions below return strings only.
//
// re2js is required on the first compile of a pattern with a metacharacter: loading it costs about
// 9 ms that `gitops build` of a tree without user patterns must not pay. The load is a literal
// `require` so that bundlers see the dependency (the cli's bundle keeps it outside, lazy);
// Node's ESM has no `require`, and there `createRequire` loads the same module.
import { createRequire } from 'node:module'
import type * as Re2js from 're2js'
import { CoreError } from '../errors.js'
import { rejectedClass, unicodeClassNames } from './regexpClasses.js'
import type { GoRegexpErrorDetails } from './regexpError.js'
import { expand } from './regexpExpand.js'
import type { PrefixTail } from './regexpPrefixTail.js'
import { matchPrefixTail, prefixTailOf, segmentAt } from './regexpPrefixTail.js'

// Empty in the CommonJS build, where __filename stands in for it.
const moduleUrl: string | undefined = import.meta.url
let loaded: typeof Re2js | undefined

function re2js(): typeof Re2js {
  if (loaded !== undefined) return loaded
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see the note above: visible to bundlers, lazy for start-up
    loaded = require('re2js') as typeof Re2js
  } catch {
    loaded = createRequire(moduleUrl ?? __filename)('re2js') as typeof Re2js
  }
  return loaded
}

/** A compiled Go regular expression: the operations of Go's `regexp.Regexp` the SDK needs, on strings. */
export interface GoRegexp {
  /** The pattern as written. */
  readonly pattern: string
  /** Whether the pattern matches anywhere in `s` (Go's `MatchString`). */
  test(s: string): boolean
  /** The leftmost match in `s`, or undefined (Go's `FindString`, which gives `""` for both). */
  find(s: string): string | undefined
  /**
   * The leftmost match and its groups (Go's `FindStringSubmatch`), a group that did not take part
   * being undefined; undefined when nothing matches.
   */
  findSubmatch(s: string): (string | undefined)[] | undefined
  /** Successive non-overlapping matches, at most `n` of them when `n` is not negative (Go's `FindAllString`). */
  findAll(s: string, n: number): string[]
  /** `s` with every match replaced by `template` with `$1`, `${name}` and `$$` expanded (Go's `ReplaceAllString`). */
  replaceAll(s: string, template: string): string
  /** `s` with every match replaced by `replacement` as it is (Go's `ReplaceAllLiteralString`). */
  replaceAllLiteral(s: string, replacement: string): string
  /** `s` cut around the matches, into at most `n` pieces when `n` is positive (Go's `Split`). */
  split(s: string, n: number): string[]
}

/** Go's regexp metacharacters: a pattern without any is a literal string. */
const META = /[\\.+*?()|[\]{}^$]/
const META_ALL = /[\\.+*?()|[\]{}^$]/g

/** `s` with Go's regexp metacharacters escaped (Go's `regexp.QuoteMeta`). */
export function quoteMeta(s: string): string {
  return s.replace(META_ALL, '\\$&')
}

// Compiled patterns, the most recently compiled last; the oldest go once the table is full.
const CACHE_SIZE = 512
const cache = new Map<string, GoRegexp | CoreError>()

/**
 * Compiles `pattern` with Go's syntax and semantics (RE2): matching takes time linear in the input.
 * Compiled patterns are cached (the last 512). Unicode class names are read as Go 1.25 reads them
 * (`\pl`, `\p{greek}`, `\p{Lowercase_Letter}`, `\p{ASCII}`; a script of two words such as
 * `\p{Old_Italic}` is refused, as Go 1.25 refuses it).
 *
 * Known limitation: the Unicode tables are re2js's, newer than Go 1.25's Unicode 15.0, so a class
 * can hold characters assigned since (and a script added since, such as `\p{Garay}`, is accepted
 * where Go refuses it); `(?i)` folds by the same tables.
 *
 * @throws CoreError `CORE_REGEXP_INVALID` naming the pattern, with Go's message, when Go's
 * `regexp.Compile` rejects it (a backreference, a lookaround, an unclosed group…); its `details`
 * are a {@link GoRegexpErrorDetails}, Go's message alone in `details.reason`.
 * @experimental For the sibling packages of gitops-sdk; may change in any minor version.
 */
export function compileGoRegexp(pattern: string): GoRegexp {
  let re = cache.get(pattern)
  if (re === undefined) {
    re = compile(pattern)
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string)
    cache.set(pattern, re)
  }
  if (re instanceof CoreError) throw re
  return re
}

function compile(pattern: string): GoRegexp | CoreError {
  const literal = literalOf(pattern)
  if (literal !== undefined) return new LiteralRegexp(pattern, literal.text, literal.anchor)
  const glob = globOf(pattern)
  if (glob !== undefined) return new GlobRegexp(pattern, glob)
  const prefixTail = prefixTailOf(pattern)
  if (prefixTail !== undefined) return new PrefixTailRegexp(pattern, prefixTail)
  const { RE2JS } = re2js()
  const names = pattern.includes('\\p') || pattern.includes('\\P') ? unicodeClassNames(pattern, RE2JS) : undefined
  try {
    if (names?.rejected !== undefined) throw rejectedClass(names, RE2JS)
    return new Re2Regexp(pattern, RE2JS.compile(names?.source ?? pattern))
  } catch (err) {
    // re2js's messages are Go's: `error parsing regexp: missing closing ]: `[a``; the text it
    // quotes is the rewritten pattern's, given back as the user wrote it.
    let cause = err
    if (names !== undefined && err instanceof Error) {
      const message = err.message.replace(/`([^]*)`$/, (_, text: string) => `\`${names.original(text)}\``)
      if (message !== err.message) cause = new Error(message, { cause: err })
    }
    const details: GoRegexpErrorDetails = { pattern, reason: cause instanceof Error ? cause.message : String(cause) }
    return new CoreError({ code: 'CORE_REGEXP_INVALID', message: `${JSON.stringify(pattern)}: ${details.reason}`, details, cause })
  }
}

type Anchor = 'none' | 'start' | 'end' | 'both'

/**
 * The literal text a pattern matches and how it is anchored, for patterns with no metacharacter
 * but a leading `^`, a trailing `$` or an enclosing `^(?:…)$` (the form kustomize's selectors
 * compile): such patterns are answered by string comparison, exactly (without `(?m)`, Go's `^` and
 * `$` match only at the ends of the text).
 */
function literalOf(pattern: string): { text: string; anchor: Anchor } | undefined {
  let body = pattern
  let start = false
  let end = false
  if (body.startsWith('^(?:') && body.endsWith(')$')) {
    body = body.slice(4, -2)
    start = end = true
  } else {
    if (body.startsWith('^')) {
      body = body.slice(1)
      start = true
    }
    if (body.endsWith('$') && !body.endsWith('\\$')) {
      body = body.slice(0, -1)
      end = true
    }
  }
  // A surrogate (half of a code point in UTF-16) would let indexOf match inside a pair, where Go
  // and re2js see one code point: such patterns go to re2js.
  if (META.test(body) || /[\ud800-\udfff]/.test(body)) return undefined
  return { text: body, anchor: start ? (end ? 'both' : 'start') : end ? 'end' : 'none' }
}

/**
 * The segments of a whole-text pattern `^(?:…)$` made of literal characters, `.` and `.*` only
 * (the form kustomize gives selectors such as `name: app-.*`): the text between the `.*`s, `.`
 * kept as a wildcard for one character. Such a pattern needs no regular-expression engine.
 */
function globOf(pattern: string): string[] | undefined {
  if (!pattern.startsWith('^(?:') || !pattern.endsWith(')$')) return undefined
  const body = pattern.slice(4, -2)
  if (!/^(?:[^\\.+*?()|[\]{}^$]|\.\*?)*$/.test(body)) return undefined
  return body.split('.*')
}

/** Width in UTF-16 units of the code point at `i` (Go advances by a rune after an empty match). */
function widthAt(s: string, i: number): number {
  const c = s.charCodeAt(i)
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1
}

/** A match: its bounds in UTF-16 units and its groups. */
interface Match {
  readonly start: number
  readonly end: number
  readonly groups: readonly (string | undefined)[]
}

/** The shared algorithms of Go's regexp over a `next(s, from)` search. */
abstract class BaseRegexp implements GoRegexp {
  constructor(readonly pattern: string) {}

  /** The leftmost match starting at or after `from`, with `s` before `from` as context. */
  protected abstract next(s: string, from: number, groups: boolean): Match | undefined
  protected abstract names(): Readonly<Record<string, number>>

  test(s: string): boolean {
    return this.next(s, 0, false) !== undefined
  }

  find(s: string): string | undefined {
    const m = this.next(s, 0, false)
    return m === undefined ? undefined : s.slice(m.start, m.end)
  }

  findSubmatch(s: string): (string | undefined)[] | undefined {
    return this.next(s, 0, true)?.groups.slice()
  }

  /** Go's `allMatches`: an empty match right after the previous match is skipped. */
  private all(s: string, n: number, groups: boolean): Match[] {
    const out: Match[] = []
    const limit = n < 0 ? s.length + 1 : n
    let pos = 0
    let prevEnd = -1
    while (out.length < limit && pos <= s.length) {
      const m = this.next(s, pos, groups)
      if (m === undefined) break
      let accept = true
      if (m.end === pos) {
        if (m.start === prevEnd) accept = false
        pos += pos < s.length ? widthAt(s, pos) : 1
      } else {
        pos = m.end
      }
      prevEnd = m.end
      if (accept) out.push(m)
    }
    return out
  }

  findAll(s: string, n: number): string[] {
    return this.all(s, n, false).map((m) => s.slice(m.start, m.end))
  }

  /** Go's `replaceAll`: no replacement for an empty match right after another match. */
  private replace(s: string, groups: boolean, replacement: (m: Match) => string): string {
    let out = ''
    let lastEnd = 0
    let pos = 0
    while (pos <= s.length) {
      const m = this.next(s, pos, groups)
      if (m === undefined) break
      out += s.slice(lastEnd, m.start)
      if (m.end > lastEnd || m.start === 0) out += replacement(m)
      lastEnd = m.end
      const width = pos < s.length ? widthAt(s, pos) : 0
      if (pos + width > m.end) pos += width
      else if (pos + 1 > m.end) pos++
      else pos = m.end
    }
    return out + s.slice(lastEnd)
  }

  replaceAll(s: string, template: string): string {
    if (!template.includes('$')) return this.replace(s, false, () => template)
    const names = this.names()
    return this.replace(s, true, (m) => expand(template, m.groups, names))
  }

  replaceAllLiteral(s: string, replacement: string): string {
    return this.replace(s, false, () => replacement)
  }

  split(s: string, n: number): string[] {
    if (n === 0) return []
    if (this.pattern.length > 0 && s.length === 0) return ['']
    const out: string[] = []
    let beg = 0
    let end = 0
    for (const m of this.all(s, n, false)) {
      if (n > 0 && out.length === n - 1) break
      end = m.start
      if (m.end !== 0) out.push(s.slice(beg, end))
      beg = m.end
    }
    if (end !== s.length) out.push(s.slice(beg))
    return out
  }
}

/** A pattern without metacharacters (but anchors): string search. */
class LiteralRegexp extends BaseRegexp {
  constructor(
    pattern: string,
    private readonly text: string,
    private readonly anchor: Anchor,
  ) {
    super(pattern)
  }

  protected next(s: string, from: number): Match | undefined {
    const { text } = this
    let at: number
    switch (this.anchor) {
      case 'none':
        at = s.indexOf(text, from)
        break
      case 'start':
        at = from === 0 && s.startsWith(text) ? 0 : -1
        break
      case 'end':
        at = s.length - text.length >= from && s.endsWith(text) ? s.length - text.length : -1
        break
      case 'both':
        at = from === 0 && s === text ? 0 : -1
        break
    }
    return at < 0 ? undefined : { start: at, end: at + text.length, groups: [text] }
  }

  protected names(): Readonly<Record<string, number>> {
    return {}
  }
}

/**
 * A whole-text pattern of literal characters, `.` and `.*` (see globOf), matched as a wildcard
 * pattern in time linear in the input times the pattern: the first segment at the start, the last
 * at the end, each one between at its leftmost place after the previous (leftmost is never worse
 * for what follows). Exact where each character is one UTF-16 unit and none is a newline (Go's `.`
 * is a code point other than `\n`); other texts go to re2js.
 */
class GlobRegexp extends BaseRegexp {
  private fallback: Re2Regexp | undefined

  constructor(
    pattern: string,
    private readonly segments: readonly string[],
  ) {
    super(pattern)
  }

  private engine(): Re2Regexp {
    return (this.fallback ??= new Re2Regexp(this.pattern, re2js().RE2JS.compile(this.pattern)))
  }

  private whole(s: string): boolean {
    const { segments } = this
    const first = segments[0] ?? ''
    if (segments.length === 1) return s.length === first.length && segmentAt(s, 0, first)
    const last = segments[segments.length - 1] ?? ''
    if (s.length < first.length + last.length || !segmentAt(s, 0, first) || !segmentAt(s, s.length - last.length, last)) return false
    let at = first.length
    const end = s.length - last.length
    for (let k = 1; k < segments.length - 1; k++) {
      const part = segments[k] ?? ''
      let found = -1
      for (let i = at; i + part.length <= end; i++) {
        if (segmentAt(s, i, part)) {
          found = i
          break
        }
      }
      if (found < 0) return false
      at = found + part.length
    }
    return true
  }

  protected next(s: string, from: number, groups: boolean): Match | undefined {
    if (/[\n\ud800-\udfff]/.test(s)) return this.engine().nextMatch(s, from, groups)
    return from === 0 && this.whole(s) ? { start: 0, end: s.length, groups: [s] } : undefined
  }

  protected names(): Readonly<Record<string, number>> {
    return {}
  }
}

/**
 * A whole-text pattern of a prefix of literal characters and `.`, then optional groups of a literal
 * and a class run (see prefixTailOf), matched in one pass by matchPrefixTail; texts with a newline
 * or a surrogate go to re2js.
 */
class PrefixTailRegexp extends BaseRegexp {
  private fallback: Re2Regexp | undefined

  constructor(
    pattern: string,
    private readonly parts: PrefixTail,
  ) {
    super(pattern)
  }

  private engine(): Re2Regexp {
    return (this.fallback ??= new Re2Regexp(this.pattern, re2js().RE2JS.compile(this.pattern)))
  }

  protected next(s: string, from: number, groups: boolean): Match | undefined {
    if (/[\n\ud800-\udfff]/.test(s)) return this.engine().nextMatch(s, from, groups)
    const found = from === 0 ? matchPrefixTail(this.parts, s) : undefined
    return found === undefined ? undefined : { start: 0, end: s.length, groups: groups ? [s, ...found] : [s] }
  }

  protected names(): Readonly<Record<string, number>> {
    return {}
  }
}

/** Any other pattern: re2js. */
class Re2Regexp extends BaseRegexp {
  constructor(
    pattern: string,
    private readonly re: Re2js.RE2JS,
  ) {
    super(pattern)
  }

  override test(s: string): boolean {
    return this.re.test(s)
  }

  protected next(s: string, from: number, groups: boolean): Match | undefined {
    return this.nextMatch(s, from, groups)
  }

  /** {@link next}, for GlobRegexp's fallback. */
  nextMatch(s: string, from: number, groups: boolean): Match | undefined {
    const m = this.re.matcher(s)
    if (!m.find(from)) return undefined
    const count = groups ? m.groupCount() : 0
    const found: (string | undefined)[] = []
    for (let g = 0; g <= count; g++) found.push(m.group(g) ?? undefined)
    return { start: m.start(), end: m.end(), groups: found }
  }

  protected names(): Readonly<Record<string, number>> {
    return this.re.namedGroups()
  }
}
