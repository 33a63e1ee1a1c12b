/**
 * `strconv.FormatFloat(value, 'g', -1, 64)`: Go's shortest representation, in `%e` form when the
 * decimal exponent is below -4 or at least 6 (with at least two exponent digits), else in `%f` form.
 * JavaScript and Go both pick the shortest digit string that reads back as the same double, so only
 * the layout differs.
 */
export function goFormatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  const negative = value < 0
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e')
  const digits = mantissa.replace('.', '')
  const exp = Number(exponentText)
  let body: string
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : ''
    const absExp = Math.abs(exp)
    body = `${digits[0] ?? ''}${frac}e${exp < 0 ? '-' : '+'}${absExp < 10 ? '0' : ''}${absExp}`
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`
  } else if (digits.length <= exp + 1) {
    body = digits + '0'.repeat(exp + 1 - digits.length)
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
  }
  return negative ? `-${body}` : body
}
