// The line-level pieces of the fast YAML reader (fastRead.ts): keys, quoted scalars, and the words a
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
  if (text === '') return undefined
  const c = text.charCodeAt(0)
  if (c === 0x22 || c === 0x27) {
    const close = c === 0x22 ? findDoubleClose(text) : findSingleClose(text)
    if (close < 0) return undefined
    if (close + 1 >= text.length || text.charCodeAt(close + 1) !== 0x3a) return undefined
    return close + 2 >= text.length || text.charCodeAt(close + 2) === 0x20 ? close + 1 : undefined
  }
  const i = text.indexOf(':')
  if (i <= 0) return undefined
  if (i + 1 < text.length && text.charCodeAt(i + 1) !== 0x20) return undefined
  // No indicator first, no `? ` or `- `, no ` #` within the key (i >= 1, so the line has two characters).
  if (isKeyIndicator(c) || ((c === 0x3f || c === 0x2d) && text.charCodeAt(1) === 0x20)) return undefined
  // (indexOf over the whole line beats lastIndexOf over the key: V8's lastIndexOf is a runtime call.)
  const hash = text.indexOf(' #')
  if (hash >= 0 && hash < i - 1) return undefined
  return i
}

/** `[ ] { } , & * ! | > % @ \` #`: characters that may not start a plain key. */
function isKeyIndicator(c: number): boolean {
  switch (c) {
    case 0x5b:
    case 0x5d:
    case 0x7b:
    case 0x7d:
    case 0x2c:
    case 0x26:
    case 0x2a:
    case 0x21:
    case 0x7c:
    case 0x3e:
    case 0x25:
    case 0x40:
    case 0x60:
    case 0x23:
      return true
    default:
      return false
  }
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
      if (i + 1 < text.length && text.charCodeAt(i + 1) === 0x27) i++
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

/**
 * The most `[` and `{` open at once, counted as the budget's nesting scan counts them (in strings
 * too, a closing one only when one is open), up to just over `limit`.
 */
export function openBrackets(text: string, limit: number): number {
  const bracket = /[[\]{}]/g
  let open = 0
  let most = 0
  // test() moves lastIndex without building a match: the scan hops from bracket to bracket.
  while (most <= limit && bracket.test(text)) {
    const c = text.charCodeAt(bracket.lastIndex - 1)
    if (c === 0x5b || c === 0x7b) {
      if (++open > most) most = open
    } else if (open > 0) open--
  }
  return most
}

/** The run of spaces at a position (sticky: test() from lastIndex leaves lastIndex at its end). */
const LEAD_SPACES = / */y

/**
 * The lines of a text (split at `\n`): where each starts, its indentation, and its text without the
 * indentation. No string per raw line: the text of a line is the only string made of it.
 */
export class Lines {
  readonly indents: number[]
  readonly texts: string[]
  /**
   * The offset in {@link source} at which each line starts, and one more entry past the end (the
   * text's length + 1), so that line `i` is `source.slice(starts[i], starts[i + 1] - 1)`.
   */
  readonly starts: number[]
  /** The longest run of spaces and `- ` that starts a line, as the budget's nesting scan counts it. */
  readonly maxLead: number = 0

  constructor(readonly source: string) {
    // Packed arrays, filled in order (a holey one costs a check on every read).
    const indents: number[] = []
    const texts: string[] = []
    const starts: number[] = []
    const length = source.length
    let maxLead = 0
    // The indentation is the run of spaces that starts the line, measured by a sticky regular
    // expression (native code from the first line on, where a loop of charCodeAt runs in the
    // interpreter and baseline code until V8 compiles it, a call per space: CRD lines average
    // 34 spaces); trimStart would take other white space than the space. Every index below
    // stays within the text: reading past its end would send optimised code back to the
    // interpreter. A line's end is found with indexOf (a native scan), and its text sliced from
    // the source once, where splitting the source first made a second string of every line.
    let start = 0
    for (;;) {
      let end = source.indexOf('\n', start)
      if (end < 0) end = length
      LEAD_SPACES.lastIndex = start
      LEAD_SPACES.test(source)
      const k = LEAD_SPACES.lastIndex
      starts.push(start)
      indents.push(k - start)
      texts.push(source.slice(k, end))
      let lead = k
      while (lead + 1 < end && source.charCodeAt(lead) === 0x2d && source.charCodeAt(lead + 1) === 0x20) {
        lead += 2
        while (lead < end && source.charCodeAt(lead) === 0x20) lead++
      }
      if (lead - start > maxLead) maxLead = lead - start
      if (end === length) break
      start = end + 1
    }
    starts.push(length + 1)
    this.indents = indents
    this.texts = texts
    this.starts = starts
    this.maxLead = maxLead
  }

  /** The number of lines. */
  get count(): number {
    return this.texts.length
  }

  /** Line `line` as the source holds it, indentation included. */
  raw(line: number): string {
    return this.source.slice(this.starts[line], (this.starts[line + 1] as number) - 1)
  }
}
