// The glob syntax of github.com/gobwas/glob with '/' as separator, as `.Files.Glob` compiles its
// pattern: `*` stays within a path segment, `**` crosses segments, `?` one non-separator rune,
// `[abc]`, `[!a-z]`, `{a,b}` alternatives, `\` escapes.

import { type GlobMatcher, type GlobNode, globMatcher } from './globMatcher.js'

function escape(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

/** A matcher of whole names as the glob matches them, or undefined when the pattern does not compile. */
export function compileGlob(pattern: string): GlobMatcher | undefined {
  let i = 0
  const chars = Array.from(pattern)
  // Each piece as RegExp source (to tell, as before, whether the pattern compiles) and as a node
  // for the matcher, which answers as that RegExp would without backtracking.
  const parse = (inAlt: boolean): { src: string; nodes: GlobNode[] } | undefined => {
    let src = ''
    const nodes: GlobNode[] = []
    const literal = (c: string): void => {
      src += escape(c)
      const last = nodes[nodes.length - 1]
      if (last?.kind === 'literal') nodes[nodes.length - 1] = { kind: 'literal', text: last.text + c }
      else nodes.push({ kind: 'literal', text: c })
    }
    while (i < chars.length) {
      const c = chars[i] ?? ''
      if (inAlt && (c === ',' || c === '}')) return { src, nodes }
      i++
      if (c === '\\') {
        const n = chars[i++]
        if (n === undefined) return undefined
        literal(n)
      } else if (c === '*') {
        if (chars[i] === '*') {
          i++
          src += '.*'
          nodes.push({ kind: 'any' })
        } else {
          src += '[^/]*'
          nodes.push({ kind: 'segment' })
        }
      } else if (c === '?') {
        src += '[^/]'
        nodes.push({ kind: 'char', re: /[^/]/sy })
      } else if (c === '[') {
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
        const one = `[${negate ? '^' : ''}${cls}]`
        src += one
        try {
          nodes.push({ kind: 'char', re: new RegExp(one, 'sy') })
        } catch {
          return undefined
        }
      } else if (c === '{') {
        const alts: { src: string; nodes: GlobNode[] }[] = []
        for (;;) {
          const alt = parse(true)
          if (alt === undefined) return undefined
          alts.push(alt)
          const d = chars[i++]
          if (d === '}') break
          if (d !== ',') return undefined
        }
        src += `(?:${alts.map((a) => a.src).join('|')})`
        nodes.push({ kind: 'alt', alts: alts.map((a) => a.nodes) })
      } else literal(c)
    }
    return inAlt ? undefined : { src, nodes }
  }
  const body = parse(false)
  if (body === undefined) return undefined
  try {
    new RegExp(`^${body.src}$`, 's')
  } catch {
    return undefined
  }
  return globMatcher(body.nodes, false)
}
