// The lexer of Go's text/template, rewritten for TypeScript from the behaviour of Go 1.24's
// text/template/parse/lex.go: same items, trim markers, comments and error texts.
//
// One loop over character codes, one token per turn, with no closure or string made per character:
// `gitops template` runs this once per process, mostly before V8 has optimised it, so the work per
// character is what counts. An item's line is the line its first character is on, as Go reports it.
import { type Item, type ItemType, formatUnicode, goQuote, isAlphaNumeric, keywords, scanNumberAt } from './items.js'

export type { Item, ItemType } from './items.js'
export { canBackquote, formatUnicode, goQuote, isKeyword, itemString } from './items.js'

const SPACE = 0x20
const TAB = 0x09
const CR = 0x0d
const LF = 0x0a
const DASH = 0x2d
const BRACE = 0x7d

/** Go's isSpace in the lexer: space, tab, CR, LF (NaN, past the end, is not). */
function isSpaceCode(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR
}

// ASCII letters, digits and `_`, by code: one load per character instead of a call (the lexer runs
// cold, where a call per character is most of the cost of reading a word).
const asciiWord = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  asciiWord[c] = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f ? 1 : 0
}

/** The end of the run of letters, digits and `_` from `p` (Unicode ones too, as Go's lexer reads). */
function alphaNumericEnd(input: string, p: number): number {
  const n = input.length
  while (p < n) {
    const c = input.charCodeAt(p)
    if (c < 0x80) {
      if (asciiWord[c] === 0) return p
      p++
      continue
    }
    const ch = String.fromCodePoint(input.codePointAt(p) ?? 0)
    if (!isAlphaNumeric(ch)) return p
    p += ch.length
  }
  return p
}

/** Whether `p` may end an identifier, field or variable (Go's atTerminator). */
function atTerminator(input: string, p: number): boolean {
  if (p >= input.length) return true
  const c = input.charCodeAt(p)
  switch (c) {
    case SPACE:
    case TAB:
    case CR:
    case LF:
    case 0x2e: // .
    case 0x2c: // ,
    case 0x7c: // |
    case 0x3a: // :
    case 0x29: // )
    case 0x28: // (
      return true
    default:
      return c === BRACE && input.charCodeAt(p + 1) === BRACE
  }
}

/** `{{- ` at `at`: a dash and a space. */
function hasLeftTrimMarker(input: string, at: number): boolean {
  return input.charCodeAt(at) === DASH && isSpaceCode(input.charCodeAt(at + 1))
}

/** The character at `p` as Go's %#U prints it in "bad character" messages. */
function unicodeAt(input: string, p: number): string {
  return formatUnicode(input.codePointAt(p) ?? 0)
}

/** Lexes a whole template into items; the last is EOF or an error. */
export function lex(input: string): Item[] {
  const items: Item[] = []
  const n = input.length
  // Lines are counted once, as items are made in order of position.
  let lineFrom = 0
  let line = 1
  const lineAt = (at: number): number => {
    for (let i = input.indexOf('\n', lineFrom); i >= 0 && i < at; i = input.indexOf('\n', i + 1)) line++
    if (at > lineFrom) lineFrom = at
    return line
  }
  const item = (typ: ItemType, from: number, to: number): void => {
    items.push({ typ, pos: from, val: input.slice(from, to), line: lineAt(from) })
  }
  const error = (at: number, message: string): Item[] => {
    items.push({ typ: 'error', pos: at, val: message, line: lineAt(at) })
    return items
  }

  let pos = 0
  let parenDepth = 0
  let inside = false
  for (;;) {
    if (!inside) {
      // Text up to the next action (or the end), its trailing space trimmed by `{{- `.
      const start = pos
      const x = input.indexOf('{{', pos)
      if (x < 0) {
        if (n > start) item('text', start, n)
        items.push({ typ: 'EOF', pos: n, val: '', line: lineAt(n) })
        return items
      }
      let textEnd = x
      if (hasLeftTrimMarker(input, x + 2)) {
        while (textEnd > start && isSpaceCode(input.charCodeAt(textEnd - 1))) textEnd--
      }
      if (textEnd > start) item('text', start, textEnd)
      pos = x + 2
      const afterMarker = hasLeftTrimMarker(input, pos) ? 2 : 0
      if (input.startsWith('/*', pos + afterMarker)) {
        const commentStart = pos + afterMarker
        const close = input.indexOf('*/', commentStart + 2)
        if (close < 0) return error(commentStart, 'unclosed comment')
        pos = close + 2
        const trim = isSpaceCode(input.charCodeAt(pos)) && input.charCodeAt(pos + 1) === DASH && input.startsWith('}}', pos + 2)
        if (!trim && !input.startsWith('}}', pos)) return error(commentStart, 'comment ends before closing delimiter')
        item('comment', commentStart, pos)
        pos += trim ? 4 : 2
        if (trim) while (pos < n && isSpaceCode(input.charCodeAt(pos))) pos++
        continue
      }
      item('leftDelim', x, x + 2)
      pos += afterMarker
      parenDepth = 0
      inside = true
      continue
    }

    // Inside an action: one item per turn.
    const c = input.charCodeAt(pos)
    const trimDelim = isSpaceCode(c) && input.charCodeAt(pos + 1) === DASH && input.startsWith('}}', pos + 2)
    if (trimDelim || (c === BRACE && input.charCodeAt(pos + 1) === BRACE)) {
      if (parenDepth !== 0) return error(pos, 'unclosed left paren')
      if (trimDelim) pos += 2
      item('rightDelim', pos, pos + 2)
      pos += 2
      if (trimDelim) while (pos < n && isSpaceCode(input.charCodeAt(pos))) pos++
      inside = false
      continue
    }
    if (pos >= n) return error(pos, 'unclosed action')
    const start = pos
    switch (c) {
      case SPACE:
      case TAB:
      case CR:
      case LF: {
        let p = pos + 1
        while (p < n && isSpaceCode(input.charCodeAt(p))) p++
        // A space directly before "-}}" belongs to the trim marker.
        if (input.charCodeAt(p) === DASH && input.startsWith('}}', p + 1)) p--
        if (p > start) {
          item('space', start, p)
          pos = p
        }
        continue
      }
      case 0x3d: // =
        item('assign', start, start + 1)
        pos = start + 1
        continue
      case 0x3a: // :
        if (input.charCodeAt(start + 1) !== 0x3d) return error(start, 'expected :=')
        item('declare', start, start + 2)
        pos = start + 2
        continue
      case 0x7c: // |
        item('pipe', start, start + 1)
        pos = start + 1
        continue
      case 0x22: // "
      case 0x27: {
        // ': a quoted string or a character constant; escapes skip the next character.
        const isString = c === 0x22
        let p = start + 1
        for (;;) {
          const d = input.charCodeAt(p)
          if (d === 0x5c) {
            const e = input.charCodeAt(p + 1)
            if (p + 1 >= n || e === LF) return error(start, isString ? 'unterminated quoted string' : 'unterminated character constant')
            p += 2
            continue
          }
          if (p >= n || d === LF) return error(start, isString ? 'unterminated quoted string' : 'unterminated character constant')
          p++
          if (d === c) break
        }
        item(isString ? 'string' : 'charConstant', start, p)
        pos = p
        continue
      }
      case 0x60: {
        // `
        const close = input.indexOf('`', start + 1)
        if (close < 0) return error(start, 'unterminated raw quoted string')
        item('rawString', start, close + 1)
        pos = close + 1
        continue
      }
      case 0x24: // $
      case 0x2e: {
        // .: a field, or a number such as .5
        const isVariable = c === 0x24
        if (!isVariable) {
          const d = input.charCodeAt(start + 1)
          if (d >= 0x30 && d <= 0x39) break
        }
        if (atTerminator(input, start + 1)) {
          item(isVariable ? 'variable' : 'dot', start, start + 1)
          pos = start + 1
          continue
        }
        const end = alphaNumericEnd(input, start + 1)
        if (!atTerminator(input, end)) return error(start, `bad character ${unicodeAt(input, end)}`)
        item(isVariable ? 'variable' : 'field', start, end)
        pos = end
        continue
      }
      case 0x28: // (
        item('leftParen', start, start + 1)
        parenDepth++
        pos = start + 1
        continue
      case 0x29: // )
        parenDepth--
        if (parenDepth < 0) return error(start, 'unexpected right paren')
        item('rightParen', start, start + 1)
        pos = start + 1
        continue
      default:
        break
    }
    if (c === 0x2b || c === DASH || (c >= 0x30 && c <= 0x39) || c === 0x2e) {
      const first = scanNumberAt(input, start)
      if (!first.ok) return error(start, `bad number syntax: ${goQuote(input.slice(start, first.end))}`)
      const sign = input.charCodeAt(first.end)
      if (sign === 0x2b || sign === DASH) {
        // Complex: 1+2i; no spaces, must end in 'i'.
        const second = scanNumberAt(input, first.end)
        if (!second.ok || input.charCodeAt(second.end - 1) !== 0x69) return error(start, `bad number syntax: ${goQuote(input.slice(start, second.end))}`)
        item('complex', start, second.end)
        pos = second.end
        continue
      }
      item('number', start, first.end)
      pos = first.end
      continue
    }
    const end = alphaNumericEnd(input, start)
    if (end > start) {
      if (!atTerminator(input, end)) return error(start, `bad character ${unicodeAt(input, end)}`)
      const word = input.slice(start, end)
      const kw = keywords.get(word)
      items.push({ typ: kw ?? (word === 'true' || word === 'false' ? 'bool' : 'identifier'), pos: start, val: word, line: lineAt(start) })
      pos = end
      continue
    }
    if (c > 0x20 && c < 0x7f) {
      item('char', start, start + 1)
      pos = start + 1
      continue
    }
    return error(start, `unrecognized character in action: ${unicodeAt(input, start)}`)
  }
}
