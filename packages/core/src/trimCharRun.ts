/** Which ends of the text {@link trimCharRun} trims. */
export type TrimEnds = 'start' | 'end' | 'both'

/**
 * Removes the run of `char` at the start, the end or both ends of `text`, in one pass over each run:
 * `trimCharRun(url, '/', 'end')` is `url.replace(/\/+$/, '')` without the pattern's retry from each
 * slash of a run that does not end the text (quadratic on a long run inside the text). With `'both'`
 * the start is trimmed first, so a text made only of `char` becomes `''`.
 *
 * @param text - The text to trim.
 * @param char - The character of the run: one UTF-16 code unit.
 * @param ends - Which ends to trim.
 * @returns `text` without those runs (the same string when there is none).
 * @throws TypeError when `char` is not exactly one UTF-16 code unit.
 * @example
 * ```ts
 * trimCharRun('https://example.com/repo.git///', '/', 'end') // 'https://example.com/repo.git'
 * trimCharRun('--my-repo--', '-', 'both') // 'my-repo'
 * ```
 */
export function trimCharRun(text: string, char: string, ends: TrimEnds): string {
  if (char.length !== 1) throw new TypeError(`trimCharRun: char must be one UTF-16 code unit, got ${JSON.stringify(char)}`)
  const code = char.charCodeAt(0)
  let start = 0
  let end = text.length
  if (ends !== 'end') while (start < end && text.charCodeAt(start) === code) start++
  if (ends !== 'start') while (end > start && text.charCodeAt(end - 1) === code) end--
  return start === 0 && end === text.length ? text : text.slice(start, end)
}
