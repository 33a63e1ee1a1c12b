// Sprig's addf, subf, mulf and divf: shopspring/decimal arithmetic on each operand's shortest
// decimal text (NewFromFloat), the result read back as the nearest float64 (0.1 + 0.2 is 0.3).
import { FuncError } from '../template/values.js'

/** A decimal: coef × 10^exp. */
interface Decimal {
  readonly coef: bigint
  readonly exp: number
}

/** shopspring's DivisionPrecision: a quotient is rounded to 16 places after the point. */
const divisionPrecision = 16

/** NewFromFloat: the shortest decimal that reads back as `f`; it panics on NaN and infinities. */
function fromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) throw new FuncError(`Cannot create a Decimal from ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'}`)
  // toExponential() without digits gives the shortest round-trip digits, as Go's strconv does.
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(f.toExponential())
  if (m === null) return { coef: 0n, exp: 0 }
  const fraction = m[3] ?? ''
  return { coef: BigInt(`${m[1] ?? ''}${m[2] ?? '0'}${fraction}`), exp: Number(m[4]) - fraction.length }
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n)
}

function add(a: Decimal, b: Decimal): Decimal {
  const exp = Math.min(a.exp, b.exp)
  return { coef: a.coef * pow10(a.exp - exp) + b.coef * pow10(b.exp - exp), exp }
}

/** DivRound(b, 16): the quotient to 16 places, a 5 rounded away from zero. */
function div(a: Decimal, b: Decimal): Decimal {
  if (b.coef === 0n) throw new FuncError('decimal division by 0')
  const shift = a.exp - b.exp + divisionPrecision
  const num = shift >= 0 ? a.coef * pow10(shift) : a.coef
  const den = shift >= 0 ? b.coef : b.coef * pow10(-shift)
  let q = num / den
  const rem = num % den
  const abs = (x: bigint): bigint => (x < 0n ? -x : x)
  if (2n * abs(rem) >= abs(den)) q += (num < 0n) !== (den < 0n) ? -1n : 1n
  return { coef: q, exp: -divisionPrecision }
}

/** The four operations of Sprig's float functions. */
export type DecimalOp = 'add' | 'sub' | 'mul' | 'div'

const ops: Readonly<Record<DecimalOp, (a: Decimal, b: Decimal) => Decimal>> = {
  add: add,
  sub: (a, b) => add(a, { coef: -b.coef, exp: b.exp }),
  mul: (a, b) => ({ coef: a.coef * b.coef, exp: a.exp + b.exp }),
  div: div,
}

/** Sprig's execDecimalOp: `first` then each of `rest` through `op`, each made a decimal as it comes. */
export function decimalOp(op: DecimalOp, first: number, rest: readonly number[]): number {
  let acc = fromFloat(first)
  for (const x of rest) acc = ops[op](acc, fromFloat(x))
  return Number(`${acc.coef}e${acc.exp}`)
}
