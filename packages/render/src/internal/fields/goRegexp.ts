// Go (RE2) regular expressions in JavaScript: the common syntax is the same; this maps what
// differs (named groups, POSIX classes, leading inline flags, \z) and caches compiled patterns.

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
}

const cache = new Map<string, RegExp | undefined>()

/** Compiles a Go regular expression, or returns undefined when it is not valid. */
export function goRegExp(pattern: string): RegExp | undefined {
  if (cache.has(pattern)) return cache.get(pattern)
  let flags = ''
  let src = pattern
  const inline = /^\(\?([imsU]+)\)/.exec(src)
  if (inline !== null) {
    const f = inline[1] as string
    if (f.includes('i')) flags += 'i'
    if (f.includes('m')) flags += 'm'
    if (f.includes('s')) flags += 's'
    src = src.slice(inline[0].length)
  }
  src = src
    .replace(/\(\?P</g, '(?<')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m: string, neg: string, name: string) => {
      const cls = POSIX[name]
      return cls === undefined ? m : neg === '' ? cls : `^${cls}`
    })
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\\A/g, '^')
  let re: RegExp | undefined
  try {
    re = new RegExp(src, flags)
  } catch {
    re = undefined
  }
  cache.set(pattern, re)
  return re
}
