// Variable expansion with Flux's envsubst (github.com/fluxcd/pkg/envsubst, a fork of
// drone/envsubst): `${var}`, `${var:=default}`, `${var:-default}`, `${var=default}`,
// `${var:offset}`, `${var:offset:length}`, `${#var}`, `${var^}`, `${var^^}`, `${var,}`, `${var,,}`,
// `${var#pattern}`, `${var##pattern}`, `${var%pattern}`, `${var%%pattern}`, `${var/old/new}`,
// `${var//old/new}`, `${var/#old/new}`, `${var/%old/new}`; `$$` escapes a dollar. A `$var`
// without braces is left alone. The scanner and parser follow that package's grammar.

type Node = { t: 'text'; value: string } | { t: 'func'; param: string; name: string; args: Node[] } | { t: 'list'; nodes: Node[] }

const EMPTY: Node = { t: 'text', value: '' }

export class SubstitutionError extends Error {
  override readonly name = 'SubstitutionError'
}

type Accept = (r: string, i: number) => boolean
const SCAN_IDENT = 1
const SCAN_LBRACK = 2
const SCAN_RBRACK = 4
const SCAN_ESCAPE = 8
const ESC_DOLLAR = 1
const ESC_BACKSLASH = 2

type Token = 'eof' | 'ident' | 'lbrack' | 'rbrack' | 'illegal'

class Scanner {
  buf: string
  pos = 0
  start = 0
  width = 0
  mode = 0
  escapeChars = 0
  accept: Accept = () => true

  constructor(buf: string) {
    this.buf = buf
  }

  read(): string {
    if (this.pos >= this.buf.length) {
      this.width = 0
      return ''
    }
    const cp = this.buf.codePointAt(this.pos) as number
    const ch = String.fromCodePoint(cp)
    this.width = ch.length
    this.pos += this.width
    return ch
  }

  unread(): void {
    this.pos -= this.width
  }

  skip(): void {
    this.buf = this.buf.slice(0, this.pos - 1) + this.buf.slice(this.pos)
  }

  peek(): string {
    const r = this.read()
    this.unread()
    return r
  }

  string(): string {
    return this.buf.slice(this.start, this.pos)
  }

  scan(): Token {
    this.start = this.pos
    const r = this.read()
    if (r === '') return 'eof'
    if (this.scanLbrack(r)) return 'lbrack'
    if (this.scanRbrack(r)) return 'rbrack'
    if (this.scanIdent(r)) return 'ident'
    return 'illegal'
  }

  private scanIdent(r: string): boolean {
    if ((this.mode & SCAN_IDENT) === 0) return false
    if (this.scanEscaped(r)) this.skip()
    else if (!this.accept(r, this.pos - this.start)) return false
    for (;;) {
      const c = this.read()
      if (c === '') {
        this.unread()
        break
      }
      if (this.scanLbrack(c)) {
        this.unread()
        this.unread()
        break
      }
      if (this.scanEscaped(c)) {
        this.skip()
        continue
      }
      if (!this.accept(c, this.pos - this.start)) {
        this.unread()
        break
      }
    }
    return true
  }

  private scanLbrack(r: string): boolean {
    if ((this.mode & SCAN_LBRACK) === 0) return false
    if (r === '$') {
      if (this.read() === '{') return true
      this.unread()
    }
    return false
  }

  private scanRbrack(r: string): boolean {
    return (this.mode & SCAN_RBRACK) !== 0 && r === '}'
  }

  private scanEscaped(r: string): boolean {
    if ((this.mode & SCAN_ESCAPE) === 0) return false
    if (r === '$' && (this.escapeChars & ESC_DOLLAR) !== 0 && this.peek() === '$') return true
    if (r === '\\' && (this.escapeChars & ESC_BACKSLASH) !== 0) {
      const p = this.peek()
      return p === '/' || p === '\\'
    }
    return false
  }
}

const isLetter = (r: string): boolean => /^\p{L}$/u.test(r)
const isDigit = (r: string): boolean => /^\p{Nd}$/u.test(r)
const acceptIdent: Accept = (r) => isLetter(r) || isDigit(r) || r === '_'
const acceptNotClosing: Accept = (r) => r !== '}'
const rejectColonClose: Accept = (r) => r !== ':' && r !== '}'
const acceptNotSlash: Accept = (r) => r !== '/'

class Parser {
  private readonly s: Scanner
  constructor(text: string) {
    this.s = new Scanner(text)
  }

  parse(): Node {
    return this.parseAny()
  }

  private parseAny(): Node {
    const s = this.s
    s.accept = () => true
    s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE
    s.escapeChars = ESC_DOLLAR
    switch (s.scan()) {
      case 'ident': {
        const left: Node = { t: 'text', value: s.string() }
        const right = this.parseAny()
        return right === EMPTY ? left : { t: 'list', nodes: [left, right] }
      }
      case 'eof':
        return EMPTY
      case 'lbrack': {
        const left = this.parseFunc()
        const right = this.parseAny()
        return right === EMPTY ? left : { t: 'list', nodes: [left, right] }
      }
      case 'rbrack':
      case 'illegal':
        throw new SubstitutionError('bad substitution')
    }
  }

  private parseFunc(): Node {
    const s = this.s
    s.escapeChars = ESC_DOLLAR | ESC_BACKSLASH
    if (s.peek() === '#') return this.parseLen()
    s.accept = acceptIdent
    s.mode = SCAN_IDENT
    if (s.scan() !== 'ident') throw new SubstitutionError('unable to parse variable name')
    const name = s.string()
    switch (s.peek()) {
      case ':':
        return this.parseDefaultOrSubstr(name)
      case '=':
        return this.parseDefault(name)
      case ',':
      case '^':
        return this.parseCasing(name)
      case '/':
        return this.parseReplace(name)
      case '#':
        return this.parseRemove(name, (r, i) => r === '#' && i < 3)
      case '%':
        return this.parseRemove(name, (r, i) => r === '%' && i < 3)
      default:
        break
    }
    s.accept = acceptIdent
    s.mode = SCAN_RBRACK
    if (s.scan() === 'rbrack') return { t: 'func', param: name, name: '', args: [] }
    throw new SubstitutionError('missing closing brace')
  }

  private parseParam(accept: Accept, mode: number): Node {
    const s = this.s
    s.accept = accept
    s.mode = mode | SCAN_LBRACK
    switch (s.scan()) {
      case 'lbrack':
        return this.parseFunc()
      case 'ident':
      case 'rbrack':
        return { t: 'text', value: s.string() }
      case 'eof':
      case 'illegal':
        throw new SubstitutionError('unable to parse substitution within function')
    }
  }

  private parseDefaultOrSubstr(name: string): Node {
    const s = this.s
    s.read()
    const r = s.peek()
    s.unread()
    return r === '=' || r === '-' || r === '?' || r === '+' ? this.parseDefault(name) : this.parseSubstr(name)
  }

  private parseSubstr(name: string): Node {
    const s = this.s
    const node: Node & { t: 'func' } = { t: 'func', param: name, name: '', args: [] }
    s.accept = (r, i) => i === 1 && r === ':'
    s.mode = SCAN_IDENT
    if (s.scan() !== 'ident') throw new SubstitutionError('bad substitution')
    node.name = s.string()
    node.args.push(this.parseParam(rejectColonClose, SCAN_IDENT))
    s.accept = (r) => r === ':'
    s.mode = SCAN_IDENT | SCAN_RBRACK
    const t = s.scan()
    if (t === 'rbrack') return node
    if (t !== 'ident') throw new SubstitutionError('bad substitution')
    node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT))
    this.consumeRbrack()
    return node
  }

  private parseRemove(name: string, accept: Accept): Node {
    const s = this.s
    const node: Node & { t: 'func' } = { t: 'func', param: name, name: '', args: [] }
    s.accept = accept
    s.mode = SCAN_IDENT
    if (s.scan() !== 'ident') throw new SubstitutionError('bad substitution')
    node.name = s.string()
    node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT))
    this.consumeRbrack()
    return node
  }

  private parseReplace(name: string): Node {
    const s = this.s
    const node: Node & { t: 'func' } = { t: 'func', param: name, name: '', args: [] }
    s.accept = (r, i) => (i === 1 && r === '/') || (i === 2 && (r === '/' || r === '#' || r === '%'))
    s.mode = SCAN_IDENT
    if (s.scan() !== 'ident') throw new SubstitutionError('bad substitution')
    node.name = s.string()
    node.args.push(this.parseParam(acceptNotSlash, SCAN_IDENT | SCAN_ESCAPE))
    s.accept = (r) => r === '/'
    s.mode = SCAN_IDENT
    if (s.scan() !== 'ident') throw new SubstitutionError('bad substitution')
    if (s.peek() === '}') {
      this.consumeRbrack()
      return node
    }
    node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT | SCAN_ESCAPE))
    this.consumeRbrack()
    return node
  }

  private parseDefault(name: string): Node {
    const s = this.s
    const node: Node & { t: 'func' } = { t: 'func', param: name, name: '', args: [] }
    s.accept =
      s.peek() === '='
        ? (r, i) => i === 1 && r === '='
        : (r, i) => (i === 1 && r === ':') || (i === 2 && (r === '=' || r === '-' || r === '?' || r === '+'))
    s.mode = SCAN_IDENT
    if (s.scan() !== 'ident') throw new SubstitutionError('unable to parse default function')
    node.name = s.string()
    for (;;) {
      if (s.peek() === '}') {
        this.consumeRbrack()
        return node
      }
      node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT))
    }
  }

  private parseCasing(name: string): Node {
    const s = this.s
    const node: Node & { t: 'func' } = { t: 'func', param: name, name: '', args: [] }
    s.accept = (r, i) => (r === ',' || r === '^') && i < 3
    s.mode = SCAN_IDENT
    if (s.scan() !== 'ident') throw new SubstitutionError('bad substitution')
    node.name = s.string()
    this.consumeRbrack()
    return node
  }

  private parseLen(): Node {
    const s = this.s
    const node: Node & { t: 'func' } = { t: 'func', param: '', name: '', args: [] }
    s.accept = (r, i) => r === '#' && i === 1
    s.mode = SCAN_IDENT
    if (s.scan() !== 'ident') throw new SubstitutionError('bad substitution')
    node.name = s.string()
    s.accept = acceptIdent
    s.mode = SCAN_IDENT
    if (s.scan() !== 'ident') throw new SubstitutionError('bad substitution')
    node.param = s.string()
    this.consumeRbrack()
    return node
  }

  private consumeRbrack(): void {
    this.s.mode = SCAN_RBRACK
    if (this.s.scan() !== 'rbrack') throw new SubstitutionError('bad substitution')
  }
}

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
