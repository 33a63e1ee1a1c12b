// The scanner of Flux's envsubst (github.com/fluxcd/pkg/envsubst, itself from drone/envsubst): it
// reads the text rune by rune in the mode the parser sets (identifiers, brackets, escapes) and
// stops where the parser's accept function says so.

export type Accept = (r: string, i: number) => boolean
export const SCAN_IDENT = 1
export const SCAN_LBRACK = 2
export const SCAN_RBRACK = 4
export const SCAN_ESCAPE = 8
export const ESC_DOLLAR = 1
export const ESC_BACKSLASH = 2

export type Token = 'eof' | 'ident' | 'lbrack' | 'rbrack' | 'illegal'

export class Scanner {
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

export const isLetter = (r: string): boolean => /^\p{L}$/u.test(r)
export const isDigit = (r: string): boolean => /^\p{Nd}$/u.test(r)
export const acceptIdent: Accept = (r) => isLetter(r) || isDigit(r) || r === '_'
export const acceptNotClosing: Accept = (r) => r !== '}'
export const rejectColonClose: Accept = (r) => r !== ':' && r !== '}'
export const acceptNotSlash: Accept = (r) => r !== '/'
