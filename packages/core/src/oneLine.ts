// A run of white space holding a line break, from its first character (the lookbehind): without
// it, every space of a long run without a break was tried as a start (100 KB took seconds).
const ONE_LINE = /(?<!\s)\s*\n\s*/g

/**
 * `text` on one line, for a message that quotes another program's words (a server's error, a
 * kustomize failure): each run of white space holding a line break becomes one space, and the ends
 * are trimmed. Linear in the text, however long its runs of white space.
 *
 * @param text - The text to fold.
 * @returns The text with no line break.
 * @example
 * ```ts
 * oneLine('admission webhook denied the request:\n  replicas must be odd\n') // 'admission webhook denied the request: replicas must be odd'
 * ```
 */
export function oneLine(text: string): string {
  return text.replace(ONE_LINE, ' ').trim()
}
