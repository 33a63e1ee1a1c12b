// Go's strings functions where JavaScript's differ: case mapping (Go maps one character to one, by
// Unicode's simple mappings) and Replace with an empty old string.

/** Whether `s` is one code point. */
function oneRune(s: string): boolean {
  return s.length === 1 || (s.length === 2 && (s.codePointAt(0) ?? 0) > 0xffff)
}

// eslint-disable-next-line no-control-regex
const asciiRe = /^[\u0000-\u007f]*$/

/** Whether `s` is ASCII only. */
export function isAscii(s: string): boolean {
  return asciiRe.test(s)
}

/**
 * Go's unicode.ToUpper of one character: Unicode's simple mapping, one character for one. JavaScript's
 * full mapping turns some into several (ß into SS, ﬁ into FI): those keep themselves, except the
 * Greek letters with ypogegrammeni, whose simple mapping is their titlecase form.
 */
export function upperRune(c: string): string {
  const u = c.toUpperCase()
  if (oneRune(u)) return u
  const cp = c.codePointAt(0) ?? 0
  if ((cp >= 0x1f80 && cp <= 0x1f87) || (cp >= 0x1f90 && cp <= 0x1f97) || (cp >= 0x1fa0 && cp <= 0x1fa7)) return String.fromCodePoint(cp + 8)
  if (cp === 0x1fb3 || cp === 0x1fc3 || cp === 0x1ff3) return String.fromCodePoint(cp + 9)
  return c
}

/**
 * Go's unicode.ToLower of one character: Unicode's simple mapping, one character for one (İ is i,
 * where JavaScript's full mapping adds a combining dot).
 */
export function lowerRune(c: string): string {
  const l = c.toLowerCase()
  return oneRune(l) ? l : c === '\u0130' ? 'i' : c
}

/**
 * Go's unicode.ToTitle of one character: Unicode's simple titlecase mapping, which is the simple
 * uppercase one except for the Latin digraphs (ǆ, ǅ and Ǆ all give ǅ) and the Georgian letters of
 * Mkhedruli, whose titlecase is themselves (their uppercase is Mtavruli).
 */
export function titleRune(c: string): string {
  const cp = c.codePointAt(0) ?? 0
  if (cp >= 0x01c4 && cp <= 0x01cc) return String.fromCodePoint(cp - ((cp - 0x01c4) % 3) + 1)
  if (cp >= 0x01f1 && cp <= 0x01f3) return '\u01f2'
  if ((cp >= 0x10d0 && cp <= 0x10fa) || (cp >= 0x10fd && cp <= 0x10ff)) return c
  return upperRune(c)
}

/**
 * Go's unicode.IsSpace: the ASCII spaces, U+0085 and U+00A0, and beyond Latin-1 the characters
 * of Unicode's White_Space property. JavaScript's `\s` differs: it takes U+FEFF and leaves U+0085.
 */
export function isGoSpace(c: string): boolean {
  return isGoSpaceCode(c.codePointAt(0) ?? 0)
}

/**
 * {@link isGoSpace} of a code point; of a byte (goutils reads some strings byte by byte), whether
 * the Latin-1 character of that value is a Go space.
 */
export function isGoSpaceCode(cp: number): boolean {
  if (cp <= 0xff) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0xa0
  return cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000
}

/** Go's strings.ToUpper (Sprig's upper): ASCII as JavaScript does it, other text one character at a time. */
export function goUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase()
  let out = ''
  for (const c of s) out += upperRune(c)
  return out
}

/**
 * Go's strings.ToLower (Sprig's lower): each character by Unicode's simple mapping, so a final Σ is
 * σ (JavaScript's ς looks at the word) and İ is i (JavaScript's is i and a combining dot).
 */
export function goLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase()
  let out = ''
  for (const c of s) out += lowerRune(c)
  return out
}

/**
 * Go's strings.Replace(s, old, new, -1) (Sprig's replace): an empty `old` matches at the start and
 * after each character (code point), as Go matches after each UTF-8 sequence.
 */
export function goReplace(s: string, old: string, repl: string): string {
  // A replacement string with `$` would be read as a pattern ($&, $1...): a function returns it as is.
  if (old !== '') return repl.includes('$') ? s.replaceAll(old, () => repl) : s.replaceAll(old, repl)
  return s === '' ? repl : repl + Array.from(s).join(repl) + repl
}
