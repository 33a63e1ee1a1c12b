// Go's strings functions where JavaScript's differ: case mapping (Go maps one character to one, by
// Unicode's simple mappings) and Replace with an empty old string.

/** Whether `s` is one code point. */
function oneRune(s: string): boolean {
  return s.length === 1 || (s.length === 2 && (s.codePointAt(0) ?? 0) > 0xffff)
}

// eslint-disable-next-line no-control-regex
const asciiRe = /^[\u0000-\u007f]*$/

/**
 * Go's unicode.ToUpper of one character: Unicode's simple mapping, one character for one. JavaScript's
 * full mapping turns some into several (ß into SS, ﬁ into FI): those keep themselves, except the
 * Greek letters with ypogegrammeni, whose simple mapping is their titlecase form.
 */
function upperRune(c: string): string {
  const u = c.toUpperCase()
  if (oneRune(u)) return u
  const cp = c.codePointAt(0) ?? 0
  if ((cp >= 0x1f80 && cp <= 0x1f87) || (cp >= 0x1f90 && cp <= 0x1f97) || (cp >= 0x1fa0 && cp <= 0x1fa7)) return String.fromCodePoint(cp + 8)
  if (cp === 0x1fb3 || cp === 0x1fc3 || cp === 0x1ff3) return String.fromCodePoint(cp + 9)
  return c
}

/** Go's strings.ToUpper (Sprig's upper): ASCII as JavaScript does it, other text one character at a time. */
export function goUpper(s: string): string {
  if (asciiRe.test(s)) return s.toUpperCase()
  let out = ''
  for (const c of s) out += upperRune(c)
  return out
}

/**
 * Go's strings.ToLower (Sprig's lower): each character by Unicode's simple mapping, so a final Σ is
 * σ (JavaScript's ς looks at the word) and İ is i (JavaScript's is i and a combining dot).
 */
export function goLower(s: string): string {
  if (asciiRe.test(s)) return s.toLowerCase()
  let out = ''
  for (const c of s) {
    const l = c.toLowerCase()
    out += oneRune(l) ? l : c === '\u0130' ? 'i' : c
  }
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
