// The parser of Flux's envsubst (github.com/fluxcd/pkg/envsubst): `${...}` expressions and the text
// between them become a tree of text, list and function nodes, following that package's grammar.

import { ESC_BACKSLASH, ESC_DOLLAR, SCAN_ESCAPE, SCAN_IDENT, SCAN_LBRACK, SCAN_RBRACK, Scanner, acceptIdent, acceptNotClosing, acceptNotSlash, rejectColonClose } from './scan.js'
import type { Accept } from './scan.js'

export type Node = { t: 'text'; value: string } | { t: 'func'; param: string; name: string; args: Node[] } | { t: 'list'; nodes: Node[] }

export const EMPTY: Node = { t: 'text', value: '' }

export class SubstitutionError extends Error {
  override readonly name = 'SubstitutionError'
}

export class Parser {
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
