// Bech32 (BIP 173) without the 90-character limit, as age encodes its keys.
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]

function polymod(values: readonly number[]): number {
  let chk = 1
  for (const v of values) {
    const top = chk >>> 25
    chk = ((chk & 0x1ffffff) << 5) ^ v
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GENERATOR[i] ?? 0
  }
  return chk >>> 0
}

function expand(hrp: string): number[] {
  const codes = Array.from({ length: hrp.length }, (_, i) => hrp.charCodeAt(i))
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)]
}

function convert(data: ArrayLike<number>, [from, to]: readonly [number, number], pad: boolean): number[] | undefined {
  let acc = 0
  let bits = 0
  const out: number[] = []
  const max = (1 << to) - 1
  for (let i = 0; i < data.length; i++) {
    acc = (acc << from) | (data[i] ?? 0)
    bits += from
    while (bits >= to) {
      bits -= to
      out.push((acc >> bits) & max)
    }
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & max)
  } else if (bits >= from || ((acc << (to - bits)) & max) !== 0) {
    return undefined
  }
  return out
}

/** Decodes a bech32 string (all upper or all lower case) into its prefix and bytes. */
export function bech32Decode(text: string): { prefix: string; bytes: Uint8Array } | undefined {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return undefined
  const s = text.toLowerCase()
  const sep = s.lastIndexOf('1')
  if (sep < 1 || sep + 7 > s.length) return undefined
  const prefix = s.slice(0, sep)
  const data: number[] = []
  for (const c of s.slice(sep + 1)) {
    const v = CHARSET.indexOf(c)
    if (v < 0) return undefined
    data.push(v)
  }
  if (polymod([...expand(prefix), ...data]) !== 1) return undefined
  const bytes = convert(data.slice(0, -6), [5, 8], false)
  return bytes === undefined ? undefined : { prefix, bytes: new Uint8Array(bytes) }
}

/** Encodes bytes as a lower-case bech32 string with this prefix. */
export function bech32Encode(prefix: string, bytes: Uint8Array): string {
  const data = convert(bytes, [8, 5], true) ?? []
  const mod = polymod([...expand(prefix), ...data, 0, 0, 0, 0, 0, 0]) ^ 1
  const checksum = Array.from({ length: 6 }, (_, i) => (mod >>> (5 * (5 - i))) & 31)
  return `${prefix}1${[...data, ...checksum].map((v) => CHARSET[v] ?? '').join('')}`
}
