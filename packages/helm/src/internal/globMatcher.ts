// Matches a compiled glob (`.Files.Glob`'s gobwas syntax, `.helmignore`'s path.Match) against a name
// by carrying the set of positions each piece can reach, in time linear in the name for a given
// pattern. The RegExp the patterns used to compile to answers the same, but backtracks: each `*`
// multiplies the ways to split a name, and five of them against a name of 255 characters took
// minutes. A single character (a class, `?`) is still matched by a one-character sticky RegExp, so
// classes keep the RegExp's exact meaning.
// git-source's starGlob solves the narrower case (stars only, RegExp pieces with their flags) in
// one leftmost pass; see there why the two stay apart.

/** One piece of a glob, matched at a position of the name. */
export type GlobNode =
  /** This text, literally. */
  | { readonly kind: 'literal'; readonly text: string }
  /** One character, as this sticky RegExp of one character matches it. */
  | { readonly kind: 'char'; readonly re: RegExp }
  /** Any run of characters without `/` (`[^/]*`). */
  | { readonly kind: 'segment' }
  /** Any run of characters (`.*` with the `s` flag). */
  | { readonly kind: 'any' }
  /** One of these sequences (`(?:a|b)`). */
  | { readonly kind: 'alt'; readonly alts: readonly (readonly GlobNode[])[] }

/** A compiled glob: whether a whole name matches. */
export interface GlobMatcher {
  /** Whether `name` matches the whole pattern. */
  readonly test: (name: string) => boolean
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff

/** The length of the character at `p`: a code unit, or with `unicode` a surrogate pair as one. */
function width(text: string, p: number, unicode: boolean): number {
  return unicode && isHigh(text.charCodeAt(p)) && isLow(text.charCodeAt(p + 1)) ? 2 : 1
}

/** Whether `p` falls between characters (with `unicode`, not inside a surrogate pair). */
function boundary(text: string, p: number, unicode: boolean): boolean {
  return !unicode || !(isHigh(text.charCodeAt(p - 1)) && isLow(text.charCodeAt(p)))
}

/** The positions `nodes` reach from the positions in `from` (1 where reached). */
function reach(nodes: readonly GlobNode[], from: Uint8Array, name: { readonly text: string; readonly unicode: boolean }): Uint8Array {
  const { text, unicode } = name
  let cur = from
  for (const node of nodes) {
    const next = new Uint8Array(text.length + 1)
    switch (node.kind) {
      case 'literal':
        for (let p = 0; p <= text.length; p++) {
          if (cur[p] === 1 && text.startsWith(node.text, p) && boundary(text, p + node.text.length, unicode)) next[p + node.text.length] = 1
        }
        break
      case 'char':
        for (let p = 0; p < text.length; p++) {
          if (cur[p] !== 1) continue
          node.re.lastIndex = p
          if (node.re.test(text)) next[node.re.lastIndex] = 1
        }
        break
      case 'segment':
      case 'any': {
        // Every position from a reached one on, up to (for a segment) the next `/`.
        let on = false
        for (let p = 0; p <= text.length; p += p < text.length ? width(text, p, unicode) : 1) {
          if (cur[p] === 1) on = true
          if (on) next[p] = 1
          if (node.kind === 'segment' && text[p] === '/') on = false
        }
        break
      }
      case 'alt':
        for (const alt of node.alts) {
          const r = reach(alt, cur, name)
          for (let p = 0; p <= text.length; p++) if (r[p] === 1) next[p] = 1
        }
        break
    }
    cur = next
  }
  return cur
}

/** A matcher of whole names for `nodes`; `unicode` as the RegExp `u` flag (characters are code points). */
export function globMatcher(nodes: readonly GlobNode[], unicode: boolean): GlobMatcher {
  return {
    test: (name) => {
      const from = new Uint8Array(name.length + 1)
      from[0] = 1
      return reach(nodes, from, { text: name, unicode })[name.length] === 1
    },
  }
}
