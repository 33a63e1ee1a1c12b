// Helm's .helmignore (helm v4 pkg/ignore): gitignore-like, with Helm's own rules. Lines are
// trimmed; `#` comments; `**` is refused; a pattern without `/` matches the base name only, one
// with `/` the whole path (Go's filepath.Match, so `*` never crosses `/`); a trailing `/` matches
// directories only; the first matching rule decides. A `!` rule ends the evaluation: a path it
// does not match is ignored, one it matches goes on to the next rule (helm's reading of
// negation, not git's). `templates/.?*` is always added last.

import { type GlobMatcher, type GlobNode, globMatcher } from '../globMatcher.js'

/** A .helmignore rule that does not parse; the message is helm's. */
export class IgnoreRuleError extends Error {}

interface Rule {
  readonly negate: boolean
  readonly mustDir: boolean
  readonly test: (path: string) => boolean
}

/**
 * Go's path.Match over one path, or undefined for a bad pattern (Go's ErrBadPattern). The pattern
 * is also written as a RegExp, as before, to tell whether it compiles; the matcher answers as that
 * RegExp would, without its backtracking (see globMatcher.ts).
 */
export function compilePathMatch(pattern: string): GlobMatcher | undefined {
  let out = '^'
  const nodes: GlobNode[] = []
  const literal = (c: string): void => {
    const last = nodes[nodes.length - 1]
    if (last?.kind === 'literal') nodes[nodes.length - 1] = { kind: 'literal', text: last.text + c }
    else nodes.push({ kind: 'literal', text: c })
  }
  const chars = Array.from(pattern)
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? ''
    if (c === '*') {
      out += '[^/]*'
      nodes.push({ kind: 'segment' })
    } else if (c === '?') {
      out += '[^/]'
      nodes.push({ kind: 'char', re: /[^/]/suy })
    } else if (c === '\\') {
      const n = chars[++i]
      if (n === undefined) return undefined
      out += n.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
      literal(n)
    } else if (c === '[') {
      let j = i + 1
      let cls = '['
      if (chars[j] === '^') {
        cls += '^'
        j++
      }
      let first = true
      for (;;) {
        const d = chars[j]
        if (d === undefined) return undefined
        if (d === ']' && !first) break
        first = false
        let lo = d
        if (d === '\\') {
          lo = chars[++j] ?? ''
          if (lo === '') return undefined
        }
        cls += lo.replace(/[\\\]^-]/g, '\\$&')
        if (chars[j + 1] === '-' && chars[j + 2] !== undefined && chars[j + 2] !== ']') {
          let hi = chars[j + 2] ?? ''
          j += 2
          if (hi === '\\') hi = chars[++j] ?? ''
          if (hi === '' || hi < lo) return undefined
          cls += `-${hi.replace(/[\\\]^-]/g, '\\$&')}`
        }
        j++
      }
      // A class never matches the separator, as in Go.
      out += `(?!/)${cls}]`
      try {
        nodes.push({ kind: 'char', re: new RegExp(`(?!/)${cls}]`, 'suy') })
      } catch {
        return undefined
      }
      i = j
    } else {
      out += c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
      literal(c)
    }
  }
  try {
    new RegExp(`${out}$`, 'su')
  } catch {
    return undefined
  }
  return globMatcher(nodes, true)
}

function parseRule(line: string): Rule | undefined {
  let rule = line.trim()
  if (rule === '' || rule.startsWith('#')) return undefined
  if (rule.includes('**')) throw new IgnoreRuleError('double-star (**) syntax is not supported')
  if (compilePathMatch(rule) === undefined) throw new IgnoreRuleError('syntax error in pattern')
  let negate = false
  let mustDir = false
  if (rule.startsWith('!')) {
    negate = true
    rule = rule.slice(1)
  }
  if (rule.endsWith('/')) {
    mustDir = true
    rule = rule.slice(0, -1)
  }
  const whole = rule.startsWith('/') || rule.includes('/')
  const re = compilePathMatch(rule.replace(/^\//, ''))
  const test = (path: string): boolean => {
    if (re === undefined) return false
    return re.test(whole ? path : (path.split('/').pop() ?? path))
  }
  return { negate, mustDir, test }
}

/** The rules of a .helmignore text (undefined: none), helm's defaults appended. */
export function parseHelmignore(text: string | undefined): readonly Rule[] {
  const rules: Rule[] = []
  for (const line of (text ?? '').split(/\r?\n/)) {
    const r = parseRule(line)
    if (r !== undefined) rules.push(r)
  }
  const defaults = parseRule('templates/.?*')
  if (defaults !== undefined) rules.push(defaults)
  return rules
}

/** Whether a path (relative to the chart, `/`-separated) is ignored, as helm's Rules.Ignore decides. */
export function isIgnored(rules: readonly Rule[], path: string, isDir: boolean): boolean {
  if (path === '' || path === '.' || path === './') return false
  for (const r of rules) {
    if (r.negate) {
      if (r.mustDir && !isDir) return true
      if (!r.test(path)) return true
      continue
    }
    if (r.mustDir && !isDir) continue
    if (r.test(path)) return true
  }
  return false
}
