// The glob syntax of github.com/gobwas/glob with '/' as separator, as `.Files.Glob` compiles its
// pattern: `*` stays within a path segment, `**` crosses segments, `?` one non-separator rune,
// `[abc]`, `[!a-z]`, `{a,b}` alternatives, `\` escapes.

function escape(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

/** A RegExp matching whole names as the glob does, or undefined when the pattern does not compile. */
export function globRegExp(pattern: string): RegExp | undefined {
  let i = 0
  const chars = Array.from(pattern)
  const parse = (inAlt: boolean): string | undefined => {
    let out = ''
    while (i < chars.length) {
      const c = chars[i] ?? ''
      if (inAlt && (c === ',' || c === '}')) return out
      i++
      if (c === '\\') {
        const n = chars[i++]
        if (n === undefined) return undefined
        out += escape(n)
      } else if (c === '*') {
        if (chars[i] === '*') {
          i++
          out += '.*'
        } else out += '[^/]*'
      } else if (c === '?') out += '[^/]'
      else if (c === '[') {
        let cls = ''
        let negate = false
        if (chars[i] === '!') {
          negate = true
          i++
        }
        while (i < chars.length && chars[i] !== ']') {
          const x = chars[i++] ?? ''
          cls += x === '-' && cls !== '' && chars[i] !== ']' ? '-' : escape(x)
        }
        if (chars[i] !== ']' || cls === '') return undefined
        i++
        out += `[${negate ? '^' : ''}${cls}]`
      } else if (c === '{') {
        const alts: string[] = []
        for (;;) {
          const alt = parse(true)
          if (alt === undefined) return undefined
          alts.push(alt)
          const d = chars[i++]
          if (d === '}') break
          if (d !== ',') return undefined
        }
        out += `(?:${alts.join('|')})`
      } else out += escape(c)
    }
    return inAlt ? undefined : out
  }
  const body = parse(false)
  if (body === undefined) return undefined
  try {
    return new RegExp(`^${body}$`, 's')
  } catch {
    return undefined
  }
}
