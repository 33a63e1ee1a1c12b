// The lexer of Go's text/template, rewritten for TypeScript from the behaviour of Go 1.24's
// text/template/parse/lex.go: same items, trim markers, comments and error texts.


import { type Item, type ItemType, formatUnicode, goQuote, isAlphaNumeric, isSpace, keywords, scanNumberAt } from './items.js'

export type { Item, ItemType } from './items.js'
export { formatUnicode, goQuote, isKeyword, itemString } from './items.js'

const leftDelim = '{{'
const rightDelim = '}}'
const leftComment = '/*'
const rightComment = '*/'

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s[at] === '-' && isSpace(s[at + 1])
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s[at]) && s[at + 1] === '-'
}

/** Lexes a whole template into items; the last is EOF or an error. */
export function lex(input: string): Item[] {
  const items: Item[] = []
  let pos = 0
  let start = 0
  let line = 1
  let startLine = 1
  let parenDepth = 0
  const mode = { insideAction: false }

  const emit = (typ: ItemType): void => {
    items.push({ typ, pos: start, val: input.slice(start, pos), line: startLine })
    start = pos
    startLine = line
  }
  const ignore = (): void => {
    line += countNewlines(input.slice(start, pos))
    start = pos
    startLine = line
  }
  const errorf = (message: string): false => {
    items.push({ typ: 'error', pos: start, val: message, line: startLine })
    return false
  }
  const advance = (to: number): void => {
    line += countNewlines(input.slice(pos, to))
    pos = to
  }
  const next = (): string | undefined => {
    if (pos >= input.length) return undefined
    // An ASCII character is its own one-character string (V8 keeps those interned).
    const c = input.charCodeAt(pos) < 0x80 ? (input[pos] as string) : String.fromCodePoint(input.codePointAt(pos) ?? 0)
    pos += c.length
    if (c === '\n') line++
    return c
  }
  const backup = (c: string | undefined): void => {
    if (c === undefined) return
    pos -= c.length
    if (c === '\n') line--
  }
  const peek = (): string | undefined => {
    if (pos >= input.length) return undefined
    return input.charCodeAt(pos) < 0x80 ? input[pos] : String.fromCodePoint(input.codePointAt(pos) ?? 0)
  }

  // Returns false when lexing must stop.
  const lexText = (): boolean => {
    const x = input.indexOf(leftDelim, pos)
    if (x < 0) {
      advance(input.length)
      if (pos > start) emit('text')
      items.push({ typ: 'EOF', pos, val: '', line })
      return false
    }
    const trimAfter = x + leftDelim.length
    let textEnd = x
    if (hasLeftTrimMarker(input, trimAfter)) {
      while (textEnd > start && isSpace(input[textEnd - 1])) textEnd--
    }
    advance(textEnd)
    if (pos > start) emit('text')
    advance(x)
    ignore()
    return lexLeftDelim()
  }

  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(rightDelim, pos + 2)) return { delim: true, trim: true }
    if (input.startsWith(rightDelim, pos)) return { delim: true, trim: false }
    return { delim: false, trim: false }
  }

  const lexLeftDelim = (): boolean => {
    advance(pos + leftDelim.length)
    const trimSpace = hasLeftTrimMarker(input, pos)
    const afterMarker = trimSpace ? 2 : 0
    if (input.startsWith(leftComment, pos + afterMarker)) {
      advance(pos + afterMarker)
      ignore()
      return lexComment()
    }
    emit('leftDelim')
    advance(pos + afterMarker)
    ignore()
    parenDepth = 0
    mode.insideAction = true
    return true
  }

  const lexComment = (): boolean => {
    advance(pos + leftComment.length)
    const x = input.indexOf(rightComment, pos)
    if (x < 0) return errorf('unclosed comment')
    advance(x + rightComment.length)
    const { delim, trim } = atRightDelim()
    if (!delim) return errorf('comment ends before closing delimiter')
    emit('comment')
    if (trim) advance(pos + 2)
    advance(pos + rightDelim.length)
    if (trim) {
      let p = pos
      while (p < input.length && isSpace(input[p])) p++
      advance(p)
    }
    ignore()
    return true
  }

  const lexRightDelim = (trim: boolean): boolean => {
    if (trim) {
      advance(pos + 2)
      ignore()
    }
    advance(pos + rightDelim.length)
    emit('rightDelim')
    if (trim) {
      let p = pos
      while (p < input.length && isSpace(input[p])) p++
      advance(p)
      ignore()
    }
    mode.insideAction = false
    return true
  }

  const lexInsideAction = (): boolean => {
    const { delim, trim } = atRightDelim()
    if (delim) {
      if (parenDepth === 0) return lexRightDelim(trim)
      return errorf('unclosed left paren')
    }
    const r = next()
    if (r === undefined) return errorf('unclosed action')
    if (isSpace(r)) {
      backup(r)
      return lexSpace()
    }
    if (r === '=') {
      emit('assign')
      return true
    }
    if (r === ':') {
      if (next() !== '=') return errorf('expected :=')
      emit('declare')
      return true
    }
    if (r === '|') {
      emit('pipe')
      return true
    }
    if (r === '"') return lexQuote()
    if (r === '`') return lexRawQuote()
    if (r === '$') return lexVariable()
    if (r === "'") return lexChar()
    if (r === '.') {
      const c = peek()
      if (c === undefined || c < '0' || c > '9') return lexField()
      backup(r)
      return lexNumber()
    }
    if (r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      backup(r)
      return lexNumber()
    }
    if (isAlphaNumeric(r)) {
      backup(r)
      return lexIdentifier()
    }
    if (r === '(') {
      emit('leftParen')
      parenDepth++
      return true
    }
    if (r === ')') {
      parenDepth--
      if (parenDepth < 0) return errorf('unexpected right paren')
      emit('rightParen')
      return true
    }
    const cp = r.codePointAt(0) ?? 0
    if (cp <= 0x7f && /[\x21-\x7e]/.test(r)) {
      emit('char')
      return true
    }
    return errorf(`unrecognized character in action: ${formatUnicode(cp)}`)
  }

  const lexSpace = (): boolean => {
    let numSpaces = 0
    while (isSpace(peek())) {
      next()
      numSpaces++
    }
    // A space directly before "-}}" belongs to the trim marker.
    if (hasRightTrimMarker(input, pos - 1) && input.startsWith(rightDelim, pos + 1)) {
      backup(input[pos - 1])
      if (numSpaces === 1) return lexInsideAction()
    }
    emit('space')
    return true
  }

  const lexIdentifier = (): boolean => {
    for (;;) {
      const r = next()
      if (isAlphaNumeric(r)) continue
      backup(r)
      const word = input.slice(start, pos)
      if (!atTerminator()) return errorf(`bad character ${formatUnicode(r?.codePointAt(0) ?? 0)}`)
      const kw = keywords.get(word)
      if (kw !== undefined && word !== '.') emit(kw)
      else if (word[0] === '.') emit('field')
      else if (word === 'true' || word === 'false') emit('bool')
      else emit('identifier')
      return true
    }
  }

  const lexField = (): boolean => lexFieldOrVariable('field')
  const lexVariable = (): boolean => {
    if (atTerminator()) {
      emit('variable')
      return true
    }
    return lexFieldOrVariable('variable')
  }

  const lexFieldOrVariable = (typ: 'field' | 'variable'): boolean => {
    if (atTerminator()) {
      emit(typ === 'variable' ? 'variable' : 'dot')
      return true
    }
    let r: string | undefined
    for (;;) {
      r = next()
      if (!isAlphaNumeric(r)) {
        backup(r)
        break
      }
    }
    if (!atTerminator()) return errorf(`bad character ${formatUnicode(r?.codePointAt(0) ?? 0)}`)
    emit(typ)
    return true
  }

  const atTerminator = (): boolean => {
    const r = peek()
    if (isSpace(r)) return true
    switch (r) {
      case undefined:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true
      default:
        return input.startsWith(rightDelim, pos)
    }
  }

  const lexChar = (): boolean => {
    for (;;) {
      const r = next()
      if (r === '\\') {
        const n = next()
        if (n !== undefined && n !== '\n') continue
        return errorf('unterminated character constant')
      }
      if (r === undefined || r === '\n') return errorf('unterminated character constant')
      if (r === "'") break
    }
    emit('charConstant')
    return true
  }

  const lexNumber = (): boolean => {
    if (!scanNumber()) return errorf(`bad number syntax: ${goQuote(input.slice(start, pos))}`)
    const sign = peek()
    if (sign === '+' || sign === '-') {
      // Complex: 1+2i; no spaces, must end in 'i'.
      if (!scanNumber() || input[pos - 1] !== 'i') {
        return errorf(`bad number syntax: ${goQuote(input.slice(start, pos))}`)
      }
      emit('complex')
      return true
    }
    emit('number')
    return true
  }

  const scanNumber = (): boolean => {
    // A number holds no newline, so only the position moves.
    const r = scanNumberAt(input, pos)
    pos = r.end
    return r.ok
  }

  const lexQuote = (): boolean => {
    for (;;) {
      const r = next()
      if (r === '\\') {
        const n = next()
        if (n !== undefined && n !== '\n') continue
        return errorf('unterminated quoted string')
      }
      if (r === undefined || r === '\n') return errorf('unterminated quoted string')
      if (r === '"') break
    }
    emit('string')
    return true
  }

  const lexRawQuote = (): boolean => {
    const x = input.indexOf('`', pos)
    if (x < 0) return errorf('unterminated raw quoted string')
    advance(x + 1)
    emit('rawString')
    return true
  }

  for (;;) {
    const ok = mode.insideAction ? lexInsideAction() : lexText()
    if (!ok) break
  }
  return items
}

function countNewlines(s: string): number {
  let n = 0
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++
  return n
}
