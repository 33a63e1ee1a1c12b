// Shamir's secret sharing over GF(2^8) with the AES polynomial, byte for byte as sops' shamir
// package (adapted by sops from HashiCorp Vault): FORMAT.md §10.
import { randomBytes } from 'node:crypto'

const EXP = new Uint8Array(510)
const LOG = new Uint8Array(256)
{
  // 3 generates the multiplicative group of GF(2^8) modulo x^8+x^4+x^3+x+1.
  let x = 1
  for (let i = 0; i < 255; i++) {
    EXP[i] = x
    LOG[x] = i
    x ^= (x << 1) ^ (x & 0x80 ? 0x11b : 0)
    x &= 0xff
  }
  for (let i = 255; i < 510; i++) EXP[i] = EXP[i - 255] ?? 0
}

function mul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0
  return EXP[(LOG[a] ?? 0) + (LOG[b] ?? 0)] ?? 0
}

function div(a: number, b: number): number {
  if (a === 0) return 0
  return EXP[(LOG[a] ?? 0) + 255 - (LOG[b] ?? 0)] ?? 0
}

/** Evaluates the polynomial with these coefficients (constant first) at x. */
function evaluate(coefficients: Uint8Array, x: number): number {
  let y = 0
  for (let i = coefficients.length - 1; i >= 0; i--) y = mul(y, x) ^ (coefficients[i] ?? 0)
  return y
}

/**
 * Splits `secret` into `parts` shares, any `threshold` of which recover it. Share i holds the
 * polynomial values at x = i + 1 followed by that x.
 */
export function splitSecret(secret: Uint8Array, parts: number, threshold: number): Uint8Array[] {
  if (threshold < 2 || threshold > parts || parts > 255) throw new RangeError('invalid Shamir parameters')
  const shares = Array.from({ length: parts }, (_, i) => {
    const share = new Uint8Array(secret.length + 1)
    share[secret.length] = i + 1
    return share
  })
  for (let b = 0; b < secret.length; b++) {
    const coefficients = new Uint8Array(threshold)
    coefficients[0] = secret[b] ?? 0
    coefficients.set(randomBytes(threshold - 1), 1)
    for (const share of shares) share[b] = evaluate(coefficients, share[secret.length] ?? 0)
  }
  return shares
}

/** Recovers the secret from shares by Lagrange interpolation at x = 0; undefined when invalid. */
export function combineShares(shares: readonly Uint8Array[]): Uint8Array | undefined {
  const first = shares[0]
  if (shares.length < 2 || first === undefined || first.length < 2) return undefined
  const size = first.length - 1
  if (shares.some((s) => s.length !== first.length)) return undefined
  const xs = shares.map((s) => s[size] ?? 0)
  if (new Set(xs).size !== xs.length) return undefined
  const secret = new Uint8Array(size)
  for (let b = 0; b < size; b++) {
    let value = 0
    for (let i = 0; i < shares.length; i++) {
      let basis = 1
      for (let j = 0; j < shares.length; j++) {
        if (i !== j) basis = mul(basis, div(xs[j] ?? 0, (xs[i] ?? 0) ^ (xs[j] ?? 0)))
      }
      value ^= mul(shares[i]?.[b] ?? 0, basis)
    }
    secret[b] = value
  }
  return secret
}
