// A glob of several stars (`a*b*c`), matched in time linear in the name. Compiled to one RegExp,
// `^a[^/]*b[^/]*c$`, V8's backtracking matcher tries every way of sharing the name among the stars:
// with k stars a near miss costs about n^k steps (`*a*a*a*a*a*b` against 4 KB of `a` ran for
// hours). Matched here the classic way: the text before the first star must start the name, the
// text after the last star must end it, and each piece in between is placed at its leftmost
// occurrence after the previous one. Each piece has a fixed length and the stars match anything,
// so the leftmost placement never loses a match another placement would find, and the answer is
// the RegExp's.
// Not helm's globMatcher (packages/helm/src/internal/globMatcher.ts), though both match globs
// without backtracking: that one carries the set of reachable positions through structured nodes
// (O(name × pattern), an array per node per name), literals compared exactly; this one takes the
// pieces as RegExp sources with their flags (`u` for .sourceignore), places each leftmost in one
// pass, and leaves a name the star cannot span to the RegExp. Sharing one would need a star that
// stops at `/` in globMatcher, and would match .sourceignore's many-star segments in
// O(name × pattern) instead of O(name) (review of 2026-12-07).

/** Tests a name against a glob. */
export type NameTest = (name: string) => boolean

/**
 * A test of `^p0 S p1 S … pk$` (`pieces` are RegExp sources without quantifiers, each matching a
 * fixed number of characters; `S` is a star, `star` its RegExp source, such as `[^/]*`), with the
 * answers of `whole`, the RegExp it is compiled to, in time linear in the name. `flags` are those
 * of `whole`. `pieces` holds two or more (a star or more; the caller passes three or more, as it
 * keeps a glob of one star to `whole`, which backtracks at most once per character). A star matches
 * any character but those `notInStar` finds (a `/`), where the leftmost placement no longer holds:
 * a name holding one is left to `whole`, which backtracks. The caller asserts that never happens:
 * `.sourceignore` tests path segments (the path split on `/`).
 */
export function starGlob(pieces: readonly string[], whole: RegExp, notInStar: RegExp): NameTest {
  const flags = whole.flags.replace(/[gy]/g, '')
  const first = new RegExp(`^(?:${pieces[0] as string})`, flags)
  const middle = pieces.slice(1, -1).map((p) => new RegExp(p, `${flags}g`))
  const last = new RegExp(`(?:${pieces[pieces.length - 1] as string})$`, `${flags}g`)
  return (name) => {
    if (notInStar.test(name)) return whole.test(name)
    const head = first.exec(name)
    if (head === null) return false
    let at = head[0].length
    for (const piece of middle) {
      piece.lastIndex = at
      const found = piece.exec(name)
      if (found === null) return false
      at = found.index + found[0].length
    }
    last.lastIndex = at
    return last.exec(name) !== null
  }
}
