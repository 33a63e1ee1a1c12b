// Variable expansion with Flux's envsubst (github.com/fluxcd/pkg/envsubst, a fork of
// drone/envsubst): `${var}`, `${var:=default}`, `${var:-default}`, `${var=default}`,
// `${var:offset}`, `${var:offset:length}`, `${#var}`, `${var^}`, `${var^^}`, `${var,}`, `${var,,}`,
// `${var#pattern}`, `${var##pattern}`, `${var%pattern}`, `${var%%pattern}`, `${var/old/new}`,
// `${var//old/new}`, `${var/#old/new}`, `${var/%old/new}`; `$$` escapes a dollar. A `$var`
// without braces is left alone. The scanner and parser follow that package's grammar.
// This file evaluates the parsed tree against a mapping of variables.

import { Parser, SubstitutionError } from './parse.js'
import type { Node } from './parse.js'

export { SubstitutionError }

/** Looks a variable up: its value, or undefined when it is not set. */
export type Mapping = (name: string) => string | undefined

const DEFAULT_OPS = new Set(['-', '+', '=', '?', ':-', ':+', ':=', ':?'])

/** Expands `text`; an unset variable without a default fails when `mapping` returns undefined. */
export function envsubst(text: string, mapping: Mapping): string {
  const root = new Parser(text).parse()
  return evalNode(root, mapping)
}

function evalNode(n: Node, mapping: Mapping): string {
  switch (n.t) {
    case 'text':
      return n.value
    case 'list':
      return n.nodes.map((x) => evalNode(x, mapping)).join('')
    case 'func': {
      const args = n.args.map((a) => evalNode(a, mapping))
      const v = mapping(n.param)
      if (v === undefined && !DEFAULT_OPS.has(n.name)) throw new SubstitutionError(`variable not set (strict mode): "${n.param}"`)
      return applyFunc(n.name, v ?? '', args)
    }
  }
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

function applyFunc(name: string, s: string, args: string[]): string {
  switch (name) {
    case ',':
      return s === '' ? s : s.charAt(0).toLowerCase() + s.slice(1)
    case ',,':
      return s.toLowerCase()
    case '^': {
      const first = String.fromCodePoint(s.codePointAt(0) ?? 0)
      return s === '' ? s : first.toUpperCase() + s.slice(first.length)
    }
    case '^^':
      return s.toUpperCase()
    case '#':
      return args.length === 0 ? String(byteLength(s)) : trimShortest(s, args[0] as string)
    case '##':
      return args.length === 0 ? s : trimLongest(s, args[0] as string)
    case '%':
      return args.length === 0 ? s : reverse(trimShortest(reverse(s), reverse(args[0] as string)))
    case '%%':
      return args.length === 0 ? s : reverse(trimLongest(reverse(s), reverse(args[0] as string)))
    case ':':
      return substr(s, args)
    case '/#':
      return args.length === 2 && s.startsWith(args[0] as string) ? (args[1] as string) + s.slice((args[0] as string).length) : s
    case '/%':
      return args.length === 2 && s.endsWith(args[0] as string) ? s.slice(0, s.length - (args[0] as string).length) + (args[1] as string) : s
    case '/':
      return args.length === 0 ? s : s.replace(args[0] as string, () => args[1] ?? '')
    case '//':
      return args.length === 0 ? s : s.split(args[0] as string).join(args[1] ?? '')
    default:
      return s === '' && args.length > 0 ? args.join('') : s
  }
}

function substr(s: string, args: string[]): string {
  const toInt = (x: string | undefined): number | undefined => (x !== undefined && /^[-+]?\d+$/.test(x) ? Number(x) : undefined)
  let pos = toInt(args[0])
  if (pos === undefined) return s
  const len = byteLength(s)
  if (pos < 0) pos = Math.max(0, len + pos)
  const bytes = Buffer.from(s, 'utf8')
  if (args.length === 1) return pos < len ? bytes.subarray(pos).toString('utf8') : ''
  const length = toInt(args[1])
  if (length === undefined) return s
  if (pos + length >= len) return pos < len ? bytes.subarray(pos).toString('utf8') : ''
  return bytes.subarray(pos, pos + length).toString('utf8')
}

function reverse(s: string): string {
  return Array.from(s).reverse().join('')
}

function trimShortest(s: string, pattern: string): string {
  let shortest = ''
  for (let i = 0; i < s.length; i++) {
    const cand = s.slice(0, s.length - i)
    const m = globMatch(pattern, cand)
    if (m === undefined) return s
    if (m) shortest = cand
  }
  return shortest !== '' && s.startsWith(shortest) ? s.slice(shortest.length) : s
}

function trimLongest(s: string, pattern: string): string {
  for (let i = 0; i < s.length; i++) {
    const cand = s.slice(0, s.length - i)
    const m = globMatch(pattern, cand)
    if (m === undefined) return s
    if (m) return s.slice(cand.length)
  }
  return s
}

/** Go path.Match semantics (`*`, `?`, `[...]`, `\`); undefined for a malformed pattern. */
export function globMatch(pattern: string, name: string): boolean | undefined {
  let re = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '\\') {
      i++
      if (i >= pattern.length) return undefined
      re += escapeRe(pattern[i] as string)
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end < 0) return undefined
      let cls = pattern.slice(i + 1, end)
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`
      re += `[${cls.replace(/\\(.)/g, '\\$1')}]`
      i = end
    } else re += escapeRe(c)
  }
  try {
    return new RegExp(`${re}$`, 'u').test(name)
  } catch {
    return undefined
  }
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
