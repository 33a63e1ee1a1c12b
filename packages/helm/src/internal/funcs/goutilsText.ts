// Byte-wise text functions of Sprig's helpers, as Go runs them: goutils.WrapCustom (wrap, wrapWith)
// and where base64.StdEncoding refuses a text (b64dec, decryptAES).

/**
 * goutils.WrapCustom as Sprig's wrap (longWords false) and wrapWith (true) call it: over the bytes,
 * while more than `width` of them remain, skips a space, else breaks at the last space within the
 * next `width` + 1 bytes, or for a longer word after its first `width` bytes (longWords) or at the
 * first space after them. A line feed is a byte like any other.
 */
export function wrap(s: string, width: number, how: { readonly newline: string; readonly longWords: boolean }): string {
  if (s === '') return ''
  const nl = how.newline === '' ? '\n' : how.newline
  const w = Math.max(width, 1)
  const b = Buffer.from(s, 'utf8')
  const text = (from: number, to: number): string => b.toString('utf8', from, to)
  let out = ''
  let offset = 0
  while (b.length - offset > w) {
    if (b[offset] === 0x20) {
      offset++
      continue
    }
    const space = b.subarray(offset, Math.min(w + offset + 1, b.length)).lastIndexOf(0x20)
    if (space >= 0) {
      out += text(offset, offset + space) + nl
      offset += space + 1
      continue
    }
    if (how.longWords) {
      // wrapWith cuts a long word every `width` bytes (a character cut there is two halves in Go).
      out += text(offset, offset + w) + nl
      offset += w
      continue
    }
    const next = b.indexOf(0x20, w + offset)
    if (next < 0) {
      out += text(offset, b.length)
      offset = b.length
    } else {
      out += text(offset, next) + nl
      offset = next + 1
    }
  }
  return out + text(offset, b.length)
}

const base64Alphabet = /[A-Za-z0-9+/]/

/**
 * Where Go's base64.StdEncoding.DecodeString stops with a CorruptInputError (its byte offset), or -1
 * when it decodes `s`: line feeds and carriage returns are skipped anywhere, a quantum cut short by
 * the end is refused at its start, padding must complete its quantum and end the text.
 */
export function base64ErrorAt(s: string): number {
  const b = Buffer.from(s, 'utf8')
  const skip = (at: number): number => {
    while (at < b.length && (b[at] === 0x0a || b[at] === 0x0d)) at++
    return at
  }
  let si = 0
  while (si < b.length) {
    for (let j = 0; j < 4; j++) {
      if (si === b.length) {
        if (j === 0) return -1
        return si - j
      }
      const c = b[si] ?? 0
      si++
      if (c < 0x80 && base64Alphabet.test(String.fromCharCode(c))) continue
      if (c === 0x0a || c === 0x0d) {
        j--
        continue
      }
      if (c !== 0x3d /* = */ || j < 2) return si - 1
      if (j === 2) {
        si = skip(si)
        if (si === b.length) return b.length
        if (b[si] !== 0x3d) return si - 1
        si++
      }
      si = skip(si)
      return si < b.length ? si : -1
    }
  }
  return -1
}

