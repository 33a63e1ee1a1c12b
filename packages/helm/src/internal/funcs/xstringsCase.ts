// huandu/xstrings' case conversions as Sprig 3.3 calls them (xstrings 1.5): camelcase, snakecase and
// kebabcase. Go decides by rune: unicode.IsUpper is the category Lu, the mappings are one for one.
import { isGoSpace, lowerRune, upperRune } from './goStrings.js'

const upperRe = /^\p{Lu}$/u

/** xstrings.ToSnakeCase (Sprig's snakecase). */
export function snakecase(s: string): string {
  return toDelimited(s, '_')
}

/** xstrings.ToKebabCase (Sprig's kebabcase). */
export function kebabcase(s: string): string {
  return toDelimited(s, '-')
}

/** xstrings' connectors: `-`, `_` and Go spaces. */
function isConnector(c: string): boolean {
  return c === '-' || c === '_' || isGoSpace(c)
}

const letterRe = /^\p{L}$/u
const numberRe = /^\p{N}$/u
const punctRe = /^\p{P}$/u

/** xstrings' alphabet: letters other than the CJK ideographs of its ranges. */
function isAlphabet(c: string): boolean {
  if (!letterRe.test(c)) return false
  const cp = c.codePointAt(0) ?? 0
  if (cp < 0x3400) return true
  return !((cp >= 0x4e00 && cp <= 0x9fcc) || cp <= 0x4d85 || (cp >= 0x20000 && cp <= 0x2b81d))
}

type WordKind = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other'

interface Word {
  readonly kind: WordKind
  readonly text: string
}

/**
 * The words of xstrings' snake and kebab case (huandu/xstrings 1.5, as Sprig 3.3 calls it), read
 * one at a time: a run of connectors, of punctuation, of numbers, of lowercase letters, an
 * uppercase letter with the lowercase ones after it, a run of uppercase letters (less the last when
 * a lowercase letter follows: `HTTPServer` is `HTTP`, `Server`), or of anything else. U+FFFD is
 * Go's invalid rune, skipped when looking ahead.
 */
class Words {
  private at = 0

  constructor(private readonly chars: readonly string[]) {}

  /** Whether every word was read. */
  atEnd(): boolean {
    return this.at >= this.chars.length
  }

  /** The first character from `from` other than U+FFFD and how many it takes to reach it; `prev` when none. */
  private valid(from: number, prev: string): readonly [string, number] {
    let size = 0
    for (let i = from; i < this.chars.length; i++) {
      size++
      const c = this.chars[i] as string
      if (c !== '\ufffd') return [c, size]
    }
    return [prev, size]
  }

  next(): Word {
    const start = this.at
    if (start >= this.chars.length) return { kind: 'invalid', text: '' }
    let [r, size] = this.valid(start, '\ufffd')
    let end = start + size
    const take = (kind: WordKind): Word => {
      this.at = end
      return { kind, text: this.chars.slice(start, end).join('') }
    }
    // Extends the word while the next character passes `ok`.
    const extend = (ok: (c: string) => boolean): void => {
      while (end < this.chars.length) {
        ;[r, size] = this.valid(end, r)
        if (!ok(r)) return
        end += size
      }
    }
    const lowerLetter = (c: string): boolean => isAlphabet(c) && !upperRe.test(c)
    if (r === '\ufffd') return take('invalid')
    if (isConnector(r)) {
      extend(isConnector)
      return take('connector')
    }
    if (punctRe.test(r)) {
      extend((c) => punctRe.test(c))
      return take('punct')
    }
    if (upperRe.test(r)) {
      if (end >= this.chars.length) return take('upper')
      ;[r, size] = this.valid(end, r)
      if (upperRe.test(r)) {
        let lastSize = size
        end += size
        while (end < this.chars.length) {
          ;[r, size] = this.valid(end, r)
          if (!upperRe.test(r)) break
          lastSize = size
          end += size
        }
        if (end < this.chars.length && isAlphabet(r)) end -= lastSize
      } else if (isAlphabet(r)) {
        end += size
        extend(lowerLetter)
      }
      return take('upper')
    }
    if (isAlphabet(r)) {
      extend(lowerLetter)
      return take('alphabet')
    }
    if (numberRe.test(r)) {
      extend((c) => numberRe.test(c))
      return take('number')
    }
    extend((c) => !(isConnector(c) || isAlphabet(c) || numberRe.test(c) || punctRe.test(c)))
    return take('other')
  }
}

/**
 * xstrings' snake and kebab case: words joined by `delim`, uppercase words lowered (unicode.ToLower
 * of the category Lu: a titlecase ǅ stays), connectors turned into `delim` one for one, a number
 * kept with the letters around it (`Bld4Floor3rd` is `bld4_floor_3rd`).
 */
function toDelimited(s: string, delim: string): string {
  let out = ''
  const emit = (kind: WordKind, text: string): void => {
    if (kind !== 'upper' && kind !== 'connector') {
      out += text
      return
    }
    for (const c of text) out += isConnector(c) ? delim : upperRe.test(c) ? lowerRune(c) : c
  }
  const words = new Words(Array.from(s))
  if (words.atEnd()) return ''
  let w = words.next()
  while (!words.atEnd()) {
    if (w.kind !== 'connector') emit(w.kind, w.text)
    const last = w
    w = words.next()
    if (last.kind === 'number') {
      while (w.kind === 'alphabet' || w.kind === 'number') {
        emit(w.kind, w.text)
        w = words.next()
      }
      if (w.kind !== 'invalid' && w.kind !== 'punct' && w.kind !== 'connector') out += delim
    } else if (last.kind === 'connector') {
      emit(last.kind, last.text)
    } else if (last.kind !== 'punct') {
      if (w.kind !== 'number') {
        if (w.kind !== 'connector' && w.kind !== 'punct') out += delim
        continue
      }
      if (words.atEnd()) continue
      const num = w
      w = words.next()
      if (w.kind !== 'alphabet') {
        emit('number', num.text)
        if (w.kind !== 'connector' && w.kind !== 'punct') out += delim
        continue
      }
      // Lowercase letters after a number: the number starts a word (`HTTP2xx` is `http_2xx`).
      out += delim
      emit('number', num.text)
      while (w.kind === 'alphabet' || w.kind === 'number') {
        emit(w.kind, w.text)
        w = words.next()
      }
      if (w.kind !== 'invalid' && w.kind !== 'connector' && w.kind !== 'punct') out += delim
    }
  }
  emit(w.kind, w.text)
  return out
}

/**
 * xstrings.ToCamelCase (Sprig's camelcase): leading connectors (`-`, `_`, Go spaces) kept, the
 * first other character and each one after a connector upper-cased (unicode.ToUpper, one for
 * one), a connector dropped unless another follows it, the last character kept. A text of
 * connectors only keeps its last one twice, as Go's loop writes it.
 */
export function camelcase(s: string): string {
  const chars = Array.from(s)
  if (chars.length === 0) return ''
  let out = ''
  let i = 0
  let r0 = ''
  for (; i < chars.length; ) {
    r0 = chars[i++] as string
    if (!isConnector(r0)) {
      r0 = upperRune(r0)
      break
    }
    out += r0
  }
  if (i >= chars.length) return out + r0
  for (; i < chars.length; i++) {
    const r1 = r0
    r0 = chars[i] as string
    if (isConnector(r0) && isConnector(r1)) out += r1
    else if (isConnector(r1)) r0 = upperRune(r0)
    else out += r1
  }
  return out + r0
}
