// go-yaml v2's key order (sorter.go, keyList.Less) for string keys: rune by rune, letters before
// non-letters, and runs of digits compared as numbers, so `a2` sorts before `a10`.

// Created on first use (a non-ASCII key), not at load: V8 parses a regular expression when it
// creates it, and Unicode property classes cost about 1.7M instructions at every start.
let letter: RegExp | undefined
let digit: RegExp | undefined

function isLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)
  letter ??= /\p{L}/u
  return letter.test(String.fromCodePoint(cp))
}

function isDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39
  digit ??= /\p{Nd}/u
  return digit.test(String.fromCodePoint(cp))
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

function runes(s: string): number[] {
  const out: number[] = []
  for (const c of s) out.push(c.codePointAt(0) ?? 0)
  return out
}

function asciiRunes(s: string): number[] {
  const out = new Array<number>(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

function less(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const ai0 = a[i] as number
    const bi0 = b[i] as number
    if (ai0 === bi0) continue
    const al = isLetter(ai0)
    const bl = isLetter(bi0)
    if (al && bl) return ai0 < bi0
    if (al || bl) return bl
    let an = 0n
    let bn = 0n
    if (ai0 === 0x30 || bi0 === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(a[j] as number); j--) {
        if (a[j] !== 0x30) {
          an = 1n
          bn = 1n
          break
        }
      }
    }
    let ai = i
    for (; ai < a.length && isDigit(a[ai] as number); ai++) an = BigInt.asIntN(64, an * 10n + BigInt((a[ai] as number) - 0x30))
    let bi = i
    for (; bi < b.length && isDigit(b[bi] as number); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt((b[bi] as number) - 0x30))
    if (an !== bn) return an < bn
    if (ai !== bi) return ai < bi
    return ai0 < bi0
  }
  return a.length < b.length
}

/**
 * {@link less} on the UTF-16 units of two ASCII strings (one code point each), without arrays of
 * runes or BigInt: digit runs of up to 15 digits are exact as numbers and never wrap as int64 does;
 * a longer run takes {@link less}. Most pairs differ at a letter or another non-digit first.
 */
function lessAscii(a: string, b: string): boolean {
  const n = a.length < b.length ? a.length : b.length
  for (let i = 0; i < n; i++) {
    const ai0 = a.charCodeAt(i)
    const bi0 = b.charCodeAt(i)
    if (ai0 === bi0) continue
    const al = (ai0 >= 0x41 && ai0 <= 0x5a) || (ai0 >= 0x61 && ai0 <= 0x7a)
    const bl = (bi0 >= 0x41 && bi0 <= 0x5a) || (bi0 >= 0x61 && bi0 <= 0x7a)
    if (al && bl) return ai0 < bi0
    if (al || bl) return bl
    const ad = ai0 >= 0x30 && ai0 <= 0x39
    const bd = bi0 >= 0x30 && bi0 <= 0x39
    // Neither starts a digit run: both numbers stay equal (0 or 1) and the runs empty.
    if (!ad && !bd) return ai0 < bi0
    let an = 0
    let bn = 0
    if (ai0 === 0x30 || bi0 === 0x30) {
      for (let j = i - 1; j >= 0; j--) {
        const c = a.charCodeAt(j)
        if (c < 0x30 || c > 0x39) break
        if (c !== 0x30) {
          an = 1
          bn = 1
          break
        }
      }
    }
    let ai = i
    for (; ai < a.length; ai++) {
      const c = a.charCodeAt(ai)
      if (c < 0x30 || c > 0x39) break
      an = an * 10 + (c - 0x30)
    }
    let bi = i
    for (; bi < b.length; bi++) {
      const c = b.charCodeAt(bi)
      if (c < 0x30 || c > 0x39) break
      bn = bn * 10 + (c - 0x30)
    }
    if (ai - i > 15 || bi - i > 15) return less(asciiRunes(a), asciiRunes(b))
    if (an !== bn) return an < bn
    if (ai !== bi) return ai < bi
    return ai0 < bi0
  }
  return a.length < b.length
}

function compareAscii(a: string, b: string): number {
  return a === b ? 0 : lessAscii(a, b) ? -1 : lessAscii(b, a) ? 1 : 0
}

/**
 * Sorts mapping keys in place in go-yaml v2's order. For keys whose digit runs have leading zeros
 * the comparison is not transitive (`a010` < `a01b` < `a10` < `a010`), and kustomize then prints
 * them in an order that changes from run to run (seen with kubectl v1.32); this sort is at least
 * deterministic.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function sortKeysV2(keys: string[]): void {
  if (keys.every(isPlainAsciiKey)) {
    // Keys of letters only (the usual field names) compare by code unit: the digit rules never apply.
    keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    return
  }
  if (keys.every(isAscii)) {
    // Keys already in order (as generated manifests are written) are left as they are, which is
    // what the sort would do: its first run covers the whole array when no neighbour compares lower.
    let sorted = true
    for (let i = 1; i < keys.length && sorted; i++) sorted = compareAscii(keys[i] as string, keys[i - 1] as string) >= 0
    if (!sorted) keys.sort(compareAscii)
    return
  }
  const prepared = keys.map((k) => ({ k, r: isAscii(k) ? asciiRunes(k) : runes(k) }))
  prepared.sort((a, b) => (a.k === b.k ? 0 : less(a.r, b.r) ? -1 : less(b.r, a.r) ? 1 : 0))
  for (let i = 0; i < keys.length; i++) keys[i] = (prepared[i] as { k: string }).k
}

/** go-yaml v2's order of two keys (-1, 0 or 1), as {@link sortKeysV2} sorts them; for tests. */
export function compareKeysV2(a: string, b: string): number {
  if (isAscii(a) && isAscii(b)) return compareAscii(a, b)
  const ar = runes(a)
  const br = runes(b)
  return a === b ? 0 : less(ar, br) ? -1 : less(br, ar) ? 1 : 0
}

/** {@link compareKeysV2} through the rune arrays for every pair; for tests. */
export function compareKeysV2Runes(a: string, b: string): number {
  const ar = runes(a)
  const br = runes(b)
  return a === b ? 0 : less(ar, br) ? -1 : less(br, ar) ? 1 : 0
}

const lettersOnly = /^[A-Za-z]+$/

function isPlainAsciiKey(key: string): boolean {
  return lettersOnly.test(key)
}
