/** A URL that {@link replaceUrls} found in a text: offsets into that text. */
export interface UrlSpan {
  /**
   * Where the URL starts: the first letter of the run of scheme characters (`[A-Za-z0-9+.-]`)
   * before its `://`, after a word boundary when {@link ReplaceUrlsOptions.wordBoundary} asks.
   */
  readonly start: number
  /** Where its `://` is. */
  readonly separator: number
  /** Where it ends: the first character after `://` that `stop` matches, or the text's length. */
  readonly end: number
}

/** How {@link replaceUrls} finds URLs. */
export interface ReplaceUrlsOptions {
  /**
   * Matches one character that ends a URL (white space, a quote, …); it must have the `g` flag, and
   * the scan sets its `lastIndex`.
   */
  readonly stop: RegExp
  /**
   * Whether a URL starts only at a word boundary, as `\b` before the scheme asks: a letter after
   * `_` or a digit does not start one.
   * @defaultValue false
   */
  readonly wordBoundary?: boolean | undefined
}

/** What {@link replaceUrls} puts in place of the text from a URL's start to `until`. */
export interface UrlReplacement {
  /** Where the replaced text ends, after the `://`; the scan goes on from there. */
  readonly until: number
  /** The text to put in its place. */
  readonly text: string
}

/** `[A-Za-z]`. */
function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}

/** `[A-Za-z0-9+.-]`, what a URL scheme is made of. */
function isSchemeChar(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2e || c === 0x2d
}

/** `\w`: a word character to `\b`. */
function isWordChar(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x5f
}

/**
 * Finds the URLs in `text` (`scheme://…`), left to right, and replaces the ones `replace` asks to:
 * what `/\b?[A-Za-z][A-Za-z0-9+.-]*:\/\/…/g` with a replacer function finds, in one linear pass.
 * Such a pattern tries each letter of a long run of scheme characters as a start and reads the run
 * to its end (100 KB of `a-a-a-…` took seconds); here a URL starts at the first letter of the run
 * before each `://` (every later start in the run reaches the same `://`), not inside text
 * replaced already, and where each URL ends is found once. `replace` returns `undefined` to leave a
 * URL as it is (the scan goes on from its `://`), or the end of the text it replaces and what goes
 * in its place (the scan goes on from that end).
 *
 * @param text - The text to scan: a message, a log line.
 * @param options - What ends a URL and whether one starts at a word boundary only.
 * @param replace - Called with each URL found; returns its replacement or `undefined`.
 * @returns `text` with the replacements made (the same string when there is none).
 * @throws TypeError when `stop` lacks the `g` flag, or `replace` returns an `until` not after the
 * URL's `://` or past the text's end.
 * @example
 * ```ts
 * const text = 'cannot reach https://user:secret@example.com/api: refused'
 * replaceUrls(text, { stop: /[\s/]/g }, ({ start, separator, end }) => {
 *   const at = text.slice(separator + 3, end).lastIndexOf('@')
 *   return at < 0 ? undefined : { until: separator + 4 + at, text: text.slice(start, separator + 3) }
 * }) // 'cannot reach https://example.com/api: refused'
 * ```
 */
export function replaceUrls(text: string, options: ReplaceUrlsOptions, replace: (url: UrlSpan) => UrlReplacement | undefined): string {
  const { stop } = options
  if (!stop.global) throw new TypeError('replaceUrls: the stop pattern must have the g flag')
  const wordBoundary = options.wordBoundary === true
  let out = ''
  let copied = 0
  // The end found last: a later `://` before it ends there too (no stop character lies between).
  let lastEnd = -1
  let separator = text.indexOf('://')
  while (separator >= 0) {
    let start = separator
    while (start > copied && isSchemeChar(text.charCodeAt(start - 1))) start--
    while (start < separator && !(isLetter(text.charCodeAt(start)) && (!wordBoundary || start === 0 || !isWordChar(text.charCodeAt(start - 1))))) start++
    if (start < separator) {
      if (separator + 3 > lastEnd) {
        stop.lastIndex = separator + 3
        lastEnd = stop.exec(text)?.index ?? text.length
      }
      const replacement = replace({ start, separator, end: lastEnd })
      if (replacement !== undefined) {
        const { until } = replacement
        if (!(until > separator && until <= text.length)) throw new TypeError(`replaceUrls: until ${until} is not after the URL's :// at ${separator} within the text`)
        out += text.slice(copied, start) + replacement.text
        copied = until
        separator = text.indexOf('://', copied)
        continue
      }
    }
    separator = text.indexOf('://', separator + 1)
  }
  return copied === 0 ? text : out + text.slice(copied)
}
