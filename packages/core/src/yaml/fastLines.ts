// The line-level pieces of the fast YAML reader (fastYaml.ts): keys, quoted scalars, and the words a
// resolver might read as something other than a string. Anything unusual throws BAIL, so that the
// full parser decides.

export class Bail extends Error {}
export const BAIL: Bail = new Bail()

export const YAML11_WORDS: ReadonlySet<string> = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF'])

/** Words a resolver may read as something other than a string (in one mode or the other). */
export const SPECIAL_WORDS: ReadonlySet<string> = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', ...YAML11_WORDS])

export function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}

export function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ')
}

export function isPlainStart(c: number): boolean {
  // Letters and a few safe characters; digits, signs, dots and indicators go to the full parser.
  // `(`, `)`, `^`, `\` and `;` (regular expressions in CRDs' patterns and relabelings) are no
  // indicators and no resolver's hint either.
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2f /* / */ ||
    c === 0x5f /* _ */ ||
    c === 0x24 /* $ */ ||
    c === 0x28 /* ( */ ||
    c === 0x29 /* ) */ ||
    c === 0x5e /* ^ */ ||
    c === 0x5c /* \ */ ||
    c === 0x3b /* ; */ ||
    c >= 0x80
  )
}

/** Length of the key of a `key: value` line, or undefined when the line is no simple mapping entry. */
export function keyLength(text: string): number | undefined {
  const c = text.charCodeAt(0)
  if (c === 0x22 || c === 0x27) {
    const close = c === 0x22 ? findDoubleClose(text) : findSingleClose(text)
    if (close < 0) return undefined
    if (text.charCodeAt(close + 1) !== 0x3a) return undefined
    const after = text.charCodeAt(close + 2)
    return Number.isNaN(after) || after === 0x20 ? close + 1 : undefined
  }
  const i = text.indexOf(':')
  if (i <= 0) return undefined
  const after = text.charCodeAt(i + 1)
  if (!Number.isNaN(after) && after !== 0x20) return undefined
  const key = text.slice(0, i)
  if (key.includes(' #') || /[[\]{},&*!|>%@`#]/.test(key.charAt(0)) || key.startsWith('? ') || key.startsWith('- ')) return undefined
  return i
}

export function findDoubleClose(text: string): number {
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x5c) i++
    else if (c === 0x22) return i
  }
  return -1
}

export function findSingleClose(text: string): number {
  return singleCloseFrom(text, 1)
}

/** The index of the first lone `'` of `text` from `from` on (`''` is a quote within), or -1. */
export function singleCloseFrom(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x27) {
      if (text.charCodeAt(i + 1) === 0x27) i++
      else return i
    }
  }
  return -1
}

export function trailingOk(rest: string): boolean {
  return rest === '' || /^ +(#.*)?$/.test(rest)
}

export const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0' }

export function doubleQuoted(text: string): string {
  const close = findDoubleClose(text)
  if (close < 0 || !trailingOk(text.slice(close + 1))) throw BAIL
  const inner = text.slice(1, close)
  if (!inner.includes('\\')) return inner
  let out = ''
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i] as string
    if (ch !== '\\') {
      out += ch
      continue
    }
    const e = inner[++i] ?? ''
    const simple = ESCAPES[e]
    if (simple !== undefined) {
      out += simple
      continue
    }
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(inner.slice(i + 1, i + 5))) {
      const code = Number.parseInt(inner.slice(i + 1, i + 5), 16)
      if (code >= 0xd800 && code <= 0xdfff) throw BAIL
      out += String.fromCharCode(code)
      i += 4
      continue
    }
    throw BAIL
  }
  return out
}

export function singleQuoted(text: string): string {
  const close = findSingleClose(text)
  if (close < 0 || !trailingOk(text.slice(close + 1))) throw BAIL
  return text.slice(1, close).replaceAll("''", "'")
}
