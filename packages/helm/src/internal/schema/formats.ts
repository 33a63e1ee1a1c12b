// The `format` checks santhosh-tekuri/jsonschema v6 asserts for drafts up to 7 (later drafts only
// annotate), with its reasons. Formats not listed here pass, as unknown formats do there.

const hostnameChar = /^[A-Za-z0-9-]$/

function hostname(s: string): string | undefined {
  const h = s.endsWith('.') ? s.slice(0, -1) : s
  if (Buffer.byteLength(h) > 253) return 'more than 253 characters long'
  for (const label of h.split('.')) {
    const len = Buffer.byteLength(label)
    if (len < 1 || len > 63) return 'label must be 1 to 63 characters long'
    if (label.startsWith('-')) return 'label starts with hyphen'
    if (label.endsWith('-')) return 'label ends with hyphen'
    for (const ch of label) if (!hostnameChar.test(ch)) return `invalid character ${goRune(ch)}`
  }
  return undefined
}

function goRune(ch: string): string {
  if (ch === "'") return "'\\''"
  if (ch === '\\') return "'\\\\'"
  const cp = ch.codePointAt(0) ?? 0
  if (cp < 0x20 || cp === 0x7f) return `'\\x${cp.toString(16).padStart(2, '0')}'`
  return `'${ch}'`
}

function ipv4(s: string): string | undefined {
  const groups = s.split('.')
  if (groups.length !== 4) return 'expected four decimals'
  for (const g of groups) {
    if (g.length > 1 && g.startsWith('0')) return 'leading zeros'
    if (!/^[+-]?\d+$/.test(g)) return `strconv.Atoi: parsing ${JSON.stringify(g)}: invalid syntax`
    const n = Number(g)
    if (n < 0 || n > 255) return 'decimal must be between 0 and 255'
  }
  return undefined
}

const localChars = ".!#$%&'*+-/=?^_`{|}~"

function email(s: string): string | undefined {
  if (Buffer.byteLength(s) > 254) return 'more than 255 characters long'
  const at = s.lastIndexOf('@')
  if (at < 0) return 'missing @'
  const local = s.slice(0, at)
  const domain = s.slice(at + 1)
  if (Buffer.byteLength(local) > 64) return 'local part more than 64 characters long'
  if (local.length > 1 && local.startsWith('"')) {
    const inner = local.slice(1, -1)
    if (inner.includes('\\') || inner.includes('"')) return 'backslash and quote are not allowed within quoted local part'
  } else {
    if (local.startsWith('.')) return 'starts with dot'
    if (local.endsWith('.')) return 'ends with dot'
    if (local.includes('..')) return 'consecutive dots'
    for (const ch of local) if (!/^[A-Za-z0-9]$/.test(ch) && !localChars.includes(ch)) return `invalid character ${goRune(ch)}`
  }
  if (domain.startsWith('[') && domain.endsWith(']')) {
    const inner = domain.slice(1, -1)
    if (inner.startsWith('IPv6:')) return undefined
    const r = ipv4(inner)
    return r === undefined ? undefined : `invalid ipv4 address: ${r}`
  }
  const r = hostname(domain)
  return r === undefined ? undefined : `invalid domain: ${r}`
}

function dateTime(s: string): string | undefined {
  if (Buffer.byteLength(s) < 20) return 'less than 20 characters long'
  if (s[10] !== 't' && s[10] !== 'T') return '11th character must be t or T'
  return undefined
}

/** Why `s` is not a valid `format`, or undefined when it is (or the format is not checked). */
export function checkFormat(format: string, s: string): string | undefined {
  switch (format) {
    case 'email':
      return email(s)
    case 'hostname':
      return hostname(s)
    case 'ipv4':
      return ipv4(s)
    case 'ipv6':
      return s.includes(':') ? undefined : 'missing colon'
    case 'date-time':
      return dateTime(s)
    default:
      return undefined
  }
}
