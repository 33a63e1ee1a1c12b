// Go's shortest float formatting (strconv.FormatFloat with precision -1, 64 bits). JavaScript and Go
// both pick the shortest digit string that reads back as the same float64 (Ryū-style), so only the
// layout differs between them; this file does the layout.

/**
 * The `fmt` byte of `strconv.FormatFloat` this module supports.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G'

interface Digits {
  readonly negative: boolean
  /** Shortest decimal digits that read back as the same float64, no leading or trailing zeros. */
  readonly digits: string
  /** Decimal exponent of the first digit: value = 0.d1d2… × 10^point. */
  readonly point: number
}

function shortestDigits(value: number, bitSize: 32 | 64): Digits {
  const negative = value < 0 || Object.is(value, -0)
  if (value === 0) return { negative, digits: '0', point: 1 }
  let [mantissa = '', exponent = '0'] = Math.abs(value).toExponential().split('e')
  if (bitSize === 32) {
    // The fewest digits that read back as the same float32 (at most 9 are ever needed).
    const f = Math.fround(Math.abs(value))
    for (let precision = 1; precision <= 9; precision++) {
      const text = f.toExponential(precision - 1)
      if (Math.fround(Number(text)) === f) {
        ;[mantissa = '', exponent = '0'] = text.split('e')
        break
      }
    }
    mantissa = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa
  }
  return { negative, digits: mantissa.replace('.', ''), point: Number(exponent) + 1 }
}

function fixed({ digits, point }: Digits): string {
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length)
  return `${digits.slice(0, point)}.${digits.slice(point)}`
}

function exponential({ digits, point }: Digits, e: 'e' | 'E'): string {
  const exp = point - 1
  const mantissa = digits.length === 1 ? digits : `${digits[0] ?? ''}.${digits.slice(1)}`
  const abs = Math.abs(exp)
  return `${mantissa}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`
}

/**
 * `strconv.FormatFloat(value, format, -1, 64)`: the shortest decimal that reads back as `value`.
 * `'f'` never uses an exponent; `'e'`/`'E'` always do, with at least two exponent digits; `'g'`/`'G'`
 * (what `%v` prints for a float64) use the exponent form when the decimal exponent is below -4 or at
 * least 6 (ftoa.go: for the shortest precision, `eprec = 6`). Infinities are `+Inf`/`-Inf`, NaN `NaN`.
 * `bitSize` 32 rounds to a float32 first and prints the fewest digits that read back as that float32
 * (`FormatFloat(f, 'g', -1, 32)`: 1.23456789012 → `1.2345679`).
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function formatFloat(value: number, format: FloatFormat, bitSize: 32 | 64 = 64): string {
  if (Number.isNaN(value)) return 'NaN'
  const rounded = bitSize === 32 ? Math.fround(value) : value
  if (rounded === Number.POSITIVE_INFINITY) return '+Inf'
  if (rounded === Number.NEGATIVE_INFINITY) return '-Inf'
  const d = shortestDigits(value, bitSize)
  const sign = d.negative ? '-' : ''
  switch (format) {
    case 'f':
      return sign + fixed(d)
    case 'e':
    case 'E':
      return sign + exponential(d, format)
    case 'g':
    case 'G': {
      const exp = d.point - 1
      return sign + (exp < -4 || exp >= 6 ? exponential(d, format === 'g' ? 'e' : 'E') : fixed(d))
    }
  }
}

/**
 * A float64 as Go's `encoding/json` writes it: `'f'` form, except `'e'` form below 1e-6 and from
 * 1e21 with a one-digit negative exponent written without its zero (`1e-7`, `1e+21`). JSON cannot
 * carry NaN or infinities: like `json.Marshal`, this refuses them.
 *
 * @throws `RangeError` for NaN and infinities (`json: unsupported value: NaN`).
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function formatJsonFloat(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`json: unsupported value: ${formatFloat(value, 'g')}`)
  const abs = Math.abs(value)
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return formatFloat(value, 'e').replace(/e-0(\d)$/, 'e-$1')
  return formatFloat(value, 'f')
}
