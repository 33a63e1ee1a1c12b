// .sourceignore patterns matched without one RegExp of a whole line or of a run of lines (V8 fails
// to compile one of some tens of thousands of characters): with the answers of the RegExps
// sourceIgnore.ts compiled them to.
import type { NameTest } from './starGlob.js'

const isHighSurrogate = (c: string): boolean => c >= '\uD800' && c <= '\uDBFF'
const isLowSurrogate = (c: string): boolean => c >= '\uDC00' && c <= '\uDFFF'

// A literal character's source; a low surrogate right after a high one joins it: under the `u` flag
// the two are one code point, matched by one step.
export function pushChar(tokens: string[], source: string): void {
  const previous = tokens[tokens.length - 1]
  if (previous !== undefined && previous.length === 1 && isHighSurrogate(previous) && source.length === 1 && isLowSurrogate(source)) {
    tokens[tokens.length - 1] = previous + source
  } else tokens.push(source)
}

// Characters of a pattern compiled into one RegExp. V8 compiles a RegExp when it first runs it and
// fails there, untyped, on a long one (`Regular expression too large` past about 32,000 literal
// characters, a stack overflow past about 12,000 `[^/]`); go-git matches any length.
export const CHUNK = 1000

/**
 * A glob too long for one RegExp (more than {@link CHUNK} characters), with the answers of
 * `^p0[^/]*p1…$` under the `u` flag for names without `/`: each piece is a run of sticky RegExps of
 * at most `size` characters, each matching a fixed number of code points, tried in turn; the first
 * piece at the start, the last at the end (found by counting its code points back from the end),
 * each piece between at its leftmost place, code point by code point (see starGlob.ts for why the
 * leftmost place is right). Time in the name's length times the pattern's, only for such patterns.
 * Undefined when a character does not compile (the pattern is malformed). Names here are path
 * segments: one holding a `/` is never asked about, and answered false.
 */
export function chunkedGlob(pieces: readonly (readonly string[])[], size: number = CHUNK): NameTest | undefined {
  let compiled: { chunks: readonly RegExp[]; length: number }[]
  try {
    compiled = pieces.map((tokens) => {
      const chunks: RegExp[] = []
      for (let i = 0; i < tokens.length; i += size) {
        const chunk = new RegExp(tokens.slice(i, i + size).join(''), 'uy')
        chunk.test('')
        chunks.push(chunk)
      }
      return { chunks, length: tokens.length }
    })
  } catch {
    // A character that is no valid RegExp on its own (a class `[z-a]`): malformed, as in one RegExp.
    return undefined
  }
  // The end of the piece matched at `at`, or -1.
  const matchAt = (piece: { chunks: readonly RegExp[] }, name: string, at: number): number => {
    let end = at
    for (const chunk of piece.chunks) {
      chunk.lastIndex = end
      if (!chunk.test(name)) return -1
      end = chunk.lastIndex
    }
    return end
  }
  const nextCodePoint = (name: string, at: number): number => at + ((name.codePointAt(at) ?? 0) > 0xffff ? 2 : 1)
  return (name) => {
    if (name.includes('/')) return false
    const first = compiled[0] as { chunks: readonly RegExp[]; length: number }
    let at = matchAt(first, name, 0)
    if (at < 0) return false
    if (compiled.length === 1) return at === name.length
    for (let k = 1; k < compiled.length - 1; k++) {
      const piece = compiled[k] as { chunks: readonly RegExp[] }
      let found = -1
      for (let start = at; start <= name.length && found < 0; start = nextCodePoint(name, start)) found = matchAt(piece, name, start)
      if (found < 0) return false
      at = found
    }
    // The last piece's start: its length in code points back from the end, a pair counting once.
    const last = compiled[compiled.length - 1] as { chunks: readonly RegExp[]; length: number }
    let start = name.length
    for (let n = 0; n < last.length; n++) {
      if (start <= at) return false
      start -= start >= 2 && isLowSurrogate(name[start - 1] as string) && isHighSurrogate(name[start - 2] as string) ? 2 : 1
    }
    return start >= at && matchAt(last, name, start) === name.length
  }
}

/**
 * Whether a name is one of `exacts` or ends with one of `suffixes`: a set lookup per distinct suffix
 * length. (One RegExp joining them all, `^a$|b$|…`, is compiled when first run, and V8 fails there,
 * untyped, past about 32,000 characters: a single long line of a `.sourceignore` was enough.)
 */
export function namesTest(exacts: readonly string[], suffixes: readonly string[]): NameTest {
  const exact = new Set(exacts)
  const byLength = new Map<number, Set<string>>()
  for (const suffix of suffixes) {
    const set = byLength.get(suffix.length) ?? new Set<string>()
    set.add(suffix)
    byLength.set(suffix.length, set)
  }
  const lengths = [...byLength]
  return (name) => {
    if (exact.has(name)) return true
    for (const [length, set] of lengths) if (length <= name.length && set.has(name.slice(name.length - length))) return true
    return false
  }
}
