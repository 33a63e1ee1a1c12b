// Numbers as kustomize prints them: through Go's JSON encoder and back through go-yaml v2.
import { formatFloat } from '../../go/formatFloat.js'

const INT64_MIN = -(2n ** 63n)
const UINT64_MAX = 2n ** 64n - 1n

/**
 * A number as it comes out of kustomize's round trip through JSON and back through go-yaml v2:
 * Go's JSON encoder writes a float below 1e21 in shortest `%f` form (what `String(n)` gives for an
 * integral JS number), and go-yaml v2 reads that text back as an integer when it fits int64 or
 * uint64. Everything else stays a float, printed in Go's `%g` shortest form. So `1e6` prints as
 * `1000000`, `9.223372036854776e18` as `9223372036854776000`, and `1.5e-7` as `1.5e-07`.
 */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) {
    const text = String(value === 0 ? 0 : value)
    if (Number.isSafeInteger(value)) return text
    const big = BigInt(text)
    if (big >= INT64_MIN && big <= UINT64_MAX) return text
  }
  return formatFloat(value, 'g')
}

export function formatBigInt(value: bigint): string {
  if (value >= INT64_MIN && value <= UINT64_MAX) return value.toString()
  return formatFloat(Number(value), 'g')
}
