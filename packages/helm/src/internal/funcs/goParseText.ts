// The text pieces of Go's time parsing (time/format.go): its quoting of values in ParseError
// messages and its reading of zone abbreviations.

/** Go's time.quote: `"` and `\` escaped, bytes outside printable ASCII as \xNN. */
export function timeQuote(s: string): string {
  let out = '"'
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (c >= 0x80 || c < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`
    } else out += ch === '"' || ch === '\\' ? `\\${ch}` : ch
  }
  return `${out}"`
}

function parseSignedOffset(value: string): number {
  const m = /^[+-]([0-9]+)/.exec(value)
  if (m === null || Number(m[1]) > 23) return 0
  return m[0].length
}

/** Go's parseTimeZone: the length of a zone abbreviation at the start of `value`, or 0. */
export function parseTimeZone(value: string): number {
  if (value.length < 3) return 0
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4
  if (value.startsWith('GMT')) return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3))
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value)
  let upper = 0
  while (upper < 6 && upper < value.length && value.charCodeAt(upper) >= 65 && value.charCodeAt(upper) <= 90) upper++
  if (upper === 3) return 3
  if (upper === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4
  if (upper === 5 && value[4] === 'T') return 5
  return 0
}
