// Go's strconv.FormatFloat for float64 ('e', 'E', 'f', 'g', 'G', shortest or fixed precision),
// computed on the exact decimal expansion of the double so ties round half to even as Go does.

interface Digits {
  /** Decimal digits without leading zeros ('' for zero). */
  d: string
  /** Position of the decimal point relative to the digits. */
  dp: number
}

/** The exact decimal expansion of a finite, non-negative double. */
function exactDigits(v: number): Digits {
  if (v === 0) return { d: '', dp: 0 }
  const buf = new DataView(new ArrayBuffer(8))
  buf.setFloat64(0, v)
  const hi = buf.getUint32(0)
  const lo = buf.getUint32(4)
  const exp = (hi >>> 20) & 0x7ff
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  let e: number
  if (exp === 0) e = -1074
  else {
    mant |= 1n << 52n
    e = exp - 1075
  }
  let digits: string
  let dp: number
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString()
    dp = digits.length
  } else {
    digits = (mant * 5n ** BigInt(-e)).toString()
    dp = digits.length + e
  }
  const trimmed = digits.replace(/0+$/, '')
  return { d: trimmed, dp }
}

/** Shortest digits that read back as the same double (what JavaScript prints too). */
function shortestDigits(v: number): Digits {
  if (v === 0) return { d: '', dp: 0 }
  const [mant = '', exp = '0'] = v.toExponential().split('e')
  const d = mant.replace('.', '').replace(/0+$/, '')
  return { d, dp: Number(exp) + 1 }
}

/** Rounds exact digits to `nd` significant digits, half to even. */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: x.dp }
  if (x.d.length <= nd) return x
  const next = x.d.charCodeAt(nd) - 48
  let up: boolean
  if (next > 5) up = true
  else if (next < 5) up = false
  else if (x.d.length > nd + 1) up = true
  else up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1
  let d = x.d.slice(0, nd)
  let dp = x.dp
  if (up) {
    const arr = d.split('').map(Number)
    let i = arr.length - 1
    while (i >= 0 && arr[i] === 9) {
      arr[i] = 0
      i--
    }
    if (i < 0) {
      arr.unshift(1)
      arr.pop()
      dp++
      if (arr.length === 0) arr.push(1)
    } else arr[i] = (arr[i] ?? 0) + 1
    d = arr.join('')
  }
  return { d: d.replace(/0+$/, ''), dp }
}

function digitAt(x: Digits, i: number): string {
  return i >= 0 && i < x.d.length ? (x.d[i] ?? '0') : '0'
}

function fmtE(x: Digits, prec: number, fmt: 'e' | 'E'): string {
  let s = x.d === '' ? '0' : digitAt(x, 0)
  if (prec > 0) {
    s += '.'
    for (let i = 1; i <= prec; i++) s += digitAt(x, i)
  }
  const exp = x.d === '' ? 0 : x.dp - 1
  const sign = exp < 0 ? '-' : '+'
  const abs = Math.abs(exp)
  return `${s}${fmt}${sign}${abs < 10 ? `0${abs}` : abs}`
}

function fmtF(x: Digits, prec: number): string {
  let s = ''
  if (x.dp > 0) {
    for (let i = 0; i < x.dp; i++) s += digitAt(x, i)
  } else s = '0'
  if (prec > 0) {
    s += '.'
    for (let i = 0; i < prec; i++) s += digitAt(x, x.dp + i)
  }
  return s
}

/** Go's `strconv.FormatFloat(v, fmt, prec, 64)`. */
export function formatFloat(v: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  // The common case of a chart (`{{ .Values.replicas }}`, a port): a whole number below 1e6 prints
  // as its decimal digits in the shortest %g, %G and %f (%g's exponent form starts at 1e+06), as
  // JavaScript prints it; -0 keeps its sign in Go and takes the full path.
  if (prec < 0 && fmt !== 'e' && fmt !== 'E' && Number.isInteger(v) && v > -1e6 && v < 1e6 && !Object.is(v, -0)) return String(v)
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  const neg = v < 0 || Object.is(v, -0)
  const a = Math.abs(v)
  const shortest = prec < 0
  let x: Digits
  if (shortest) {
    x = shortestDigits(a)
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(x.d.length - 1, 0)
        break
      case 'f':
        prec = Math.max(x.d.length - x.dp, 0)
        break
      case 'g':
      case 'G':
        prec = x.d.length
        break
    }
  } else {
    const exact = exactDigits(a)
    switch (fmt) {
      case 'e':
      case 'E':
        x = roundDigits(exact, 1 + prec)
        break
      case 'f':
        x = roundDigits(exact, exact.dp + prec)
        break
      case 'g':
      case 'G':
        if (prec === 0) prec = 1
        x = roundDigits(exact, prec)
    }
  }
  let out: string
  if (fmt === 'e' || fmt === 'E') out = fmtE(x, prec, fmt)
  else if (fmt === 'f') out = fmtF(x, prec)
  else {
    let eprec = prec
    if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length
    if (shortest) eprec = 6
    const exp = x.dp - 1
    if (x.d !== '' && (exp < -4 || exp >= eprec)) {
      if (prec > x.d.length) prec = x.d.length
      out = fmtE(x, Math.max(prec - 1, 0), fmt === 'g' ? 'e' : 'E')
    } else {
      if (prec > x.dp) prec = x.d.length
      out = fmtF(x, Math.max(prec - x.dp, 0))
    }
  }
  return neg ? `-${out}` : out
}

/** Go's `strconv.FormatFloat(v, 'x' | 'X', prec, 64)`: `0x1.8p+00`, shortest digits when prec < 0. */
export function formatHexFloat(v: number, fmt: 'x' | 'X', prec: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  const neg = v < 0 || Object.is(v, -0)
  const buf = new DataView(new ArrayBuffer(8))
  buf.setFloat64(0, Math.abs(v))
  const hi = buf.getUint32(0)
  const lo = buf.getUint32(4)
  let exp = (hi >>> 20) & 0x7ff
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  if (exp === 0 && mant === 0n) {
    exp = 0
  } else if (exp === 0) {
    // Subnormal: shift until the leading bit sits where a normal number keeps it.
    exp = -1022
    while ((mant & (1n << 52n)) === 0n) {
      mant <<= 1n
      exp--
    }
    mant &= (1n << 52n) - 1n
  } else {
    exp -= 1023
  }
  const isZero = v === 0
  let frac = mant.toString(16).padStart(13, '0')
  let lead = isZero ? 0n : 1n
  if (prec < 0) frac = frac.replace(/0+$/, '')
  else if (prec < 13) {
    // Round half to even at the requested number of hex digits.
    const full = (lead << 52n) | mant
    const shift = BigInt(4 * (13 - prec))
    let q = full >> shift
    const rem = full & ((1n << shift) - 1n)
    const half = 1n << (shift - 1n)
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n
    if (q >> BigInt(4 * prec) >= 2n) {
      q >>= 1n
      exp++
    }
    lead = q >> BigInt(4 * prec)
    frac = prec === 0 ? '' : (q & ((1n << BigInt(4 * prec)) - 1n)).toString(16).padStart(prec, '0')
  } else frac = frac.padEnd(prec, '0')
  const e = isZero ? 0 : exp
  const sign = e < 0 ? '-' : '+'
  const abs = Math.abs(e)
  let out = `0x${lead}${frac === '' ? '' : `.${frac}`}p${sign}${abs < 10 ? `0${abs}` : abs}`
  if (fmt === 'X') out = out.toUpperCase()
  return neg ? `-${out}` : out
}
