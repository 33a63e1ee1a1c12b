// Sprig's string, encoding and regular-expression functions (Masterminds/sprig v3 as Helm 4 ships it).
import { isGitOpsError } from '@gitops-sdk/core/errors'
import type { GoRegexp, GoRegexpErrorDetails } from '@gitops-sdk/core/go'
import { compileGoRegexp, quoteMeta } from '@gitops-sdk/core/go'
import { nodeCrypto } from '../lazy.js'
import { FuncError, type GoFunc, type GoType, type GoValue, goFunc, int, nilSlice, typedSlice, variadic } from '../template/values.js'
import { canBackquote, goQuote } from '../template/lex.js'
import { strval } from './convert.js'
import { base64ErrorAt, wrap } from './goutilsText.js'
import { goLower, goReplace, goUpper, isAscii, isGoSpace, isGoSpaceCode, lowerRune, titleRune, upperRune } from './goStrings.js'
import { camelcase, kebabcase, snakecase } from './xstringsCase.js'

export const fn: typeof goFunc = goFunc

const S: GoType = 'string'
const I: GoType = 'interface {}'

function byteSlice(s: string, start: number, end?: number): string {
  return Buffer.from(s, 'utf8').subarray(start, end).toString('utf8')
}

// Go's unicode.IsUpper, IsLower and IsTitle of one character: the categories Lu, Ll and Lt.
const upperRe = /^\p{Lu}$/u
const lowerRe = /^\p{Ll}$/u
const titleRe = /^\p{Lt}$/u

/**
 * Go's strings.Title separators: ASCII other than letters, digits and _; beyond ASCII, what is
 * neither a letter nor a decimal digit but a space by unicode.IsSpace.
 */
function isSeparator(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0
  if (cp <= 0x7f) return !/[A-Za-z0-9_]/.test(ch)
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false
  return isGoSpace(ch)
}

// Printable ASCII other than `"` and `\`: strconv.Quote keeps such a string as it is.
const plainQuotable = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** Sprig's quote: each non-nil argument as strconv.Quote writes it, separated by spaces. */
function quote(...a: GoValue[]): string {
  // Most calls quote one string that needs no escape.
  if (a.length === 1 && typeof a[0] === 'string' && plainQuotable.test(a[0])) return `"${a[0]}"`
  return a.filter((x) => x !== null && x !== undefined).map((x) => goQuote(strval(x))).join(' ')
}

/** Go's strings.Title (Sprig's title): the titlecase of each character after a separator. */
function title(s: string): string {
  let prev = ' '
  let out = ''
  for (const ch of s) {
    out += isSeparator(prev) ? titleRune(ch) : ch
    prev = ch
  }
  return out
}

/** goutils.Uncapitalize (Sprig's untitle): the lowercase of each character after a Go space. */
function untitle(s: string): string {
  let next = true
  let out = ''
  for (const ch of s) {
    if (isGoSpace(ch)) {
      next = true
      out += ch
    } else {
      out += next ? lowerRune(ch) : ch
      next = false
    }
  }
  return out
}

function trimPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s
}

function trimSuffix(s: string, suffix: string): string {
  return suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s
}

/** Go's strings.Trim with a cutset. */
function trimCutset(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset))
  const chars = Array.from(s)
  let a = 0
  let b = chars.length
  while (a < b && set.has(chars[a] ?? '')) a++
  while (b > a && set.has(chars[b - 1] ?? '')) b--
  return chars.slice(a, b).join('')
}

/** Go's strings.TrimSpace: Go spaces (unicode.IsSpace) off both ends; U+FEFF is no space there. */
export function trimSpace(s: string): string {
  const chars = Array.from(s)
  let a = 0
  let b = chars.length
  while (a < b && isGoSpace(chars[a] as string)) a++
  while (b > a && isGoSpace(chars[b - 1] as string)) b--
  return a === 0 && b === chars.length ? s : chars.slice(a, b).join('')
}

/**
 * goutils.DeleteWhiteSpace (Sprig's nospace), which reads the string byte by byte: each byte that
 * is not a Go space as a character is kept as the Latin-1 character of its value, so text beyond
 * ASCII comes out re-encoded (é gives Ã©) and loses its continuation bytes 0x85 and 0xA0.
 */
function nospace(s: string): string {
  if (isAscii(s)) return s.replace(/[\t\n\v\f\r ]/g, '')
  // goutils.DeleteWhiteSpace walks bytes, each written back as a rune; a text without a space byte comes back as it is.
  const bytes = Buffer.from(s, 'utf8')
  let out = ''
  for (const b of bytes) if (!isGoSpaceCode(b)) out += String.fromCharCode(b)
  return out.length === bytes.length ? s : out
}

/**
 * goutils.SwapCase (Sprig's swapcase): an upper- or titlecase letter (by category) becomes its
 * lowercase; a lowercase letter its titlecase at the start or after a Go space, else its uppercase;
 * anything else stays. Each character by Go's one-for-one mappings.
 */
function swapcase(s: string): string {
  let whitespace = true
  let out = ''
  for (const ch of s) {
    if (upperRe.test(ch) || titleRe.test(ch)) {
      out += lowerRune(ch)
      whitespace = false
    } else if (lowerRe.test(ch)) {
      out += whitespace ? titleRune(ch) : upperRune(ch)
      whitespace = false
    } else {
      out += ch
      whitespace = isGoSpace(ch)
    }
  }
  return out
}

/**
 * goutils.Initials (Sprig's initials), which reads the string byte by byte: the first byte of each
 * word, taken as the Latin-1 character of that value (é gives Ã), words separated by bytes that are
 * Go spaces as characters (so UTF-8 continuation bytes 0x85 and 0xA0 separate too).
 */
function initials(s: string): string {
  let out = ''
  let gap = true
  for (const b of Buffer.from(s, 'utf8')) {
    if (isGoSpaceCode(b)) gap = true
    else if (gap) {
      out += String.fromCharCode(b)
      gap = false
    }
  }
  return out
}

/**
 * A template's or a schema's regular expression, compiled as Sprig and helm compile it, with Go's
 * regexp (core's compileGoRegexp: Go's syntax, time linear in the input); a pattern Go rejects is
 * a FuncError with Go's message.
 */
export function goRegex(pattern: string): GoRegexp {
  try {
    return compileGoRegexp(pattern)
  } catch (err) {
    if (!isGitOpsError(err, 'CORE_REGEXP_INVALID')) throw err
    // Go's own message, "error parsing regexp: …".
    throw new FuncError((err.details as GoRegexpErrorDetails).reason)
  }
}

/**
 * {@link goRegex} as Go's `regexp.MustCompile` (the plain Sprig functions): a pattern Go rejects
 * panics with ``regexp: Compile(`…`): error parsing regexp: …``, the pattern backquoted when Go
 * can, else as strconv.Quote writes it.
 */
function mustCompile(pattern: string): GoRegexp {
  try {
    return goRegex(pattern)
  } catch (err) {
    const quoted = canBackquote(pattern) ? `\`${pattern}\`` : goQuote(pattern)
    throw new FuncError(`regexp: Compile(${quoted}): ${(err as Error).message}`)
  }
}

/** Sprig's regexMatch: false for a pattern Go rejects (Sprig drops the error). */
function regexMatch(pattern: string, s: string): boolean {
  let re: GoRegexp
  try {
    re = goRegex(pattern)
  } catch {
    return false
  }
  return re.test(s)
}

/** A []string, nil when `nil`: Go's FindAllString returns nil when nothing matches (or n is 0). */
function stringSlice(list: string[], nil = list.length === 0): GoValue[] {
  return nil ? nilSlice('[]string') : typedSlice(list, '[]string')
}

/**
 * Sprig's regex functions, the plain ones (regexMatch false and the others panicking as
 * `regexp.MustCompile` on a bad pattern) and their must* forms (Go's plain compile error).
 */
function regexFuncs(): [string, GoFunc][] {
  const count = (v: GoValue): number => Number((v as { value: bigint }).value)
  const forms = (prefix: 'regex' | 'mustRegex', compile: (p: string) => GoRegexp): [string, GoFunc][] => {
    const named = (suffix: string, f: GoFunc): [string, GoFunc] => [`${prefix}${suffix}`, f]
    const match = prefix === 'regex' ? (re: GoValue, s: GoValue) => regexMatch(re as string, s as string) : (re: GoValue, s: GoValue) => compile(re as string).test(s as string)
    return [
      named('Match', fn(`${prefix}Match`, [S, S], match)),
      named('Find', fn(`${prefix}Find`, [S, S], (re, s) => compile(re as string).find(s as string) ?? '')),
      named('FindAll', fn(`${prefix}FindAll`, [S, S, 'int'], (re, s, n) => stringSlice(compile(re as string).findAll(s as string, count(n))))),
      named('ReplaceAll', fn(`${prefix}ReplaceAll`, [S, S, S], (re, s, r) => compile(re as string).replaceAll(s as string, r as string))),
      named('ReplaceAllLiteral', fn(`${prefix}ReplaceAllLiteral`, [S, S, S], (re, s, r) => compile(re as string).replaceAllLiteral(s as string, r as string))),
      // Split returns nil only when n is 0: splitting "" by "" gives an empty, not a nil, []string.
      named('Split', fn(`${prefix}Split`, [S, S, 'int'], (re, s, n) => stringSlice(compile(re as string).split(s as string, count(n)), count(n) === 0))),
    ]
  }
  return [...forms('regex', mustCompile), ...forms('mustRegex', goRegex)]
}

/** The string-shaped Sprig functions. */
export function stringFuncs(): [string, GoFunc][] {
  return [
    ['upper', fn('upper', [S], (s) => goUpper(s as string))],
    ['lower', fn('lower', [S], (s) => goLower(s as string))],
    ['title', fn('title', [S], (s) => title(s as string))],
    ['untitle', fn('untitle', [S], (s) => untitle(s as string))],
    ['trim', fn('trim', [S], (s) => trimSpace(s as string))],
    ['trimAll', fn('trimAll', [S, S], (a, b) => trimCutset(b as string, a as string))],
    ['trimPrefix', fn('trimPrefix', [S, S], (a, b) => trimPrefix(b as string, a as string))],
    ['trimSuffix', fn('trimSuffix', [S, S], (a, b) => trimSuffix(b as string, a as string))],
    ['nospace', fn('nospace', [S], (s) => nospace(s as string))],
    ['repeat', fn('repeat', ['int', S], (c, s) => {
      const n = Number((c as { value: bigint }).value)
      if (n < 0) throw new FuncError('strings: negative Repeat count')
      return (s as string).repeat(n)
    })],
    ['substr', fn('substr', ['int', 'int', S], (a, b, s) => {
      const str = s as string
      const len = Buffer.byteLength(str)
      const start = Number((a as { value: bigint }).value)
      const end = Number((b as { value: bigint }).value)
      if (start < 0) return byteSlice(str, 0, end)
      if (end < 0 || end > len) return byteSlice(str, start)
      return byteSlice(str, start, end)
    })],
    ['trunc', fn('trunc', ['int', S], (c, s) => {
      const n = Number((c as { value: bigint }).value)
      const str = s as string
      const len = Buffer.byteLength(str)
      if (n < 0 && len + n > 0) return byteSlice(str, len + n)
      if (n >= 0 && len > n) return byteSlice(str, 0, n)
      return str
    })],
    ['abbrev', fn('abbrev', ['int', S], (w, s) => {
      const width = Number((w as { value: bigint }).value)
      const str = s as string
      // goutils.Abbreviate counts bytes.
      if (width < 4 || Buffer.byteLength(str) <= width) return str
      return `${byteSlice(str, 0, width - 3)}...`
    })],
    ['initials', fn('initials', [S], (s) => initials(s as string))],
    ['wrap', fn('wrap', ['int', S], (w, s) => wrap(s as string, Number((w as { value: bigint }).value), { newline: '\n', longWords: false }))],
    ['wrapWith', fn('wrapWith', ['int', S, S], (w, nl, s) => wrap(s as string, Number((w as { value: bigint }).value), { newline: nl as string, longWords: true }))],
    ['indent', fn('indent', ['int', S], (n, s) => indent(Number((n as { value: bigint }).value), s as string))],
    ['nindent', fn('nindent', ['int', S], (n, s) => `\n${indent(Number((n as { value: bigint }).value), s as string)}`)],
    ['contains', fn('contains', [S, S], (a, b) => (b as string).includes(a as string))],
    ['hasPrefix', fn('hasPrefix', [S, S], (a, b) => (b as string).startsWith(a as string))],
    ['hasSuffix', fn('hasSuffix', [S, S], (a, b) => (b as string).endsWith(a as string))],
    ['quote', fn('quote', [variadic(I)], quote)],
    ['squote', fn('squote', [variadic(I)], (...a) => a.filter((x) => x !== null && x !== undefined).map((x) => `'${strval(x)}'`).join(' '))],
    ['cat', fn('cat', [variadic(I)], (...a) => {
      const parts = a.filter((x) => x !== null && x !== undefined)
      return parts.map((x) => strval(x)).join(' ')
    })],
    ['replace', fn('replace', [S, S, S], (o, n, s) => goReplace(s as string, o as string, n as string))],
    ['plural', fn('plural', [S, S, 'int'], (one, many, c) => ((c as { value: bigint }).value === 1n ? one : many))],
    ['snakecase', fn('snakecase', [S], (s) => snakecase(s as string))],
    ['camelcase', fn('camelcase', [S], (s) => camelcase(s as string))],
    ['kebabcase', fn('kebabcase', [S], (s) => kebabcase(s as string))],
    ['swapcase', fn('swapcase', [S], (s) => swapcase(s as string))],
    ['toString', fn('toString', [I], (v) => strval(v))],
    ['b64enc', fn('b64enc', [S], (s) => Buffer.from(s as string, 'utf8').toString('base64'))],
    ['b64dec', fn('b64dec', [S], (s) => {
      const bad = base64ErrorAt(s as string)
      if (bad >= 0) return `illegal base64 data at input byte ${bad}`
      return Buffer.from((s as string).replace(/[\r\n]/g, ''), 'base64').toString('utf8')
    })],
    ['b32enc', fn('b32enc', [S], (s) => base32(Buffer.from(s as string, 'utf8')))],
    ['sha256sum', fn('sha256sum', [S], (s) => nodeCrypto().createHash('sha256').update(s as string, 'utf8').digest('hex'))],
    ['sha1sum', fn('sha1sum', [S], (s) => nodeCrypto().createHash('sha1').update(s as string, 'utf8').digest('hex'))],
    ['sha512sum', fn('sha512sum', [S], (s) => nodeCrypto().createHash('sha512').update(s as string, 'utf8').digest('hex'))],
    ['adler32sum', fn('adler32sum', [S], (s) => String(adler32(Buffer.from(s as string, 'utf8'))))],
    ...regexFuncs(),
    ['regexQuoteMeta', fn('regexQuoteMeta', [S], (s) => quoteMeta(s as string))],
    ['len8', fn('len8', [S], (s) => int(Buffer.byteLength(s as string)))],
  ]
}

function indent(spaces: number, s: string): string {
  const pad = ' '.repeat(Math.max(spaces, 0))
  return pad + s.replaceAll('\n', `\n${pad}`)
}

function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  let out = ''
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += alphabet.charAt((value >>> (bits - 5)) & 31)
      bits -= 5
    }
  }
  if (bits > 0) out += alphabet.charAt((value << (5 - bits)) & 31)
  while (out.length % 8 !== 0) out += '='
  return out
}

function adler32(bytes: Buffer): number {
  let a = 1
  let b = 0
  for (const x of bytes) {
    a = (a + x) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}
