// A small seeded PRNG (mulberry32) for the randomised tests, so that a failure can be replayed from
// its seed.

/** Numbers in [0, 1) from `seed`, the same sequence for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
