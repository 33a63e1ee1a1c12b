// Go's `%q` (strconv.Quote) and `unicode.IsPrint`, which Kubernetes and kustomize messages use to
// quote names and values.

// Everything outside the categories IsPrint accepts (L, M, N, P, S and the ASCII space). Created
// on first use, not at load: V8 parses a regular expression when it creates it, and this one's
// Unicode property classes cost about 7M instructions (a few ms) in every process that loads core,
// `gitops build` included, which never quotes a non-ASCII rune.
let notPrint: RegExp | undefined
const hex = '0123456789abcdef'

/**
 * `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space U+0020 (no
 * other space). The Unicode tables are JavaScript's, which may be a version apart from Go's for
 * newly assigned characters.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function isPrint(codePoint: number): boolean {
  if (codePoint === 0x20) return true
  if (codePoint < 0x20 || codePoint === 0x7f) return false
  if (codePoint < 0x7f) return true
  notPrint ??= /[^\p{L}\p{M}\p{N}\p{P}\p{S}]/u
  return !notPrint.test(String.fromCodePoint(codePoint))
}

/**
 * `strconv.Quote`, which `%q` prints: double quotes, `\a \b \f \n \r \t \v \\ \"` escapes, other
 * control bytes as `\xNN`, other non-printable runes as `\uNNNN` or `\UNNNNNNNN`, printable runes as
 * they are. A lone surrogate (which no UTF-8 string holds) prints as U+FFFD, as Go prints the
 * replacement a UTF-8 encoder makes of it.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function quote(text: string): string {
  let out = '"'
  for (const ch of text) {
    let c = ch.codePointAt(0) ?? 0
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd
    switch (c) {
      case 0x22:
        out += '\\"'
        continue
      case 0x5c:
        out += '\\\\'
        continue
      case 0x07:
        out += '\\a'
        continue
      case 0x08:
        out += '\\b'
        continue
      case 0x0c:
        out += '\\f'
        continue
      case 0x0a:
        out += '\\n'
        continue
      case 0x0d:
        out += '\\r'
        continue
      case 0x09:
        out += '\\t'
        continue
      case 0x0b:
        out += '\\v'
        continue
    }
    if (isPrint(c)) out += String.fromCodePoint(c)
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex[c >> 4] ?? ''}${hex[c & 15] ?? ''}`
    else if (c > 0xffff) out += `\\U${c.toString(16).padStart(8, '0')}`
    else out += `\\u${c.toString(16).padStart(4, '0')}`
  }
  return `${out}"`
}
