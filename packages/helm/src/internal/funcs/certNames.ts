// The subject alternative names Sprig's certificate functions take: IPs read as Go's net.ParseIP
// reads them and DNS names, each checked to be a string with Sprig's error messages.
import { FuncError, type GoValue } from '../template/values.js'
import { sprintV } from './convert.js'

// Go's net.ParseIP: dotted IPv4 without leading zeros, IPv6 (with an IPv4 tail), no zone.
function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.')
  if (parts.length !== 4) return undefined
  const out: number[] = []
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined
    out.push(Number(p))
  }
  return out
}

function parseIPv6(s: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined
  let text = s
  if (text.includes('.')) {
    // An IPv4 tail stands for the last two groups.
    const lastColon = text.lastIndexOf(':')
    const v4 = parseIPv4(text.slice(lastColon + 1))
    if (v4 === undefined || lastColon < 0) return undefined
    const [a = 0, b = 0, c = 0, d = 0] = v4
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const groups = (h: string): number[] | undefined => {
    if (h === '') return []
    const out: number[] = []
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined
      const n = parseInt(g, 16)
      out.push(n >> 8, n & 0xff)
    }
    return out
  }
  const head = groups(halves[0] ?? '')
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : []
  if (head === undefined || rest === undefined) return undefined
  const bytes = halves.length === 2 ? [...head, ...new Array<number>(16 - head.length - rest.length).fill(0), ...rest] : head
  if (bytes.length !== 16 || (halves.length === 2 && head.length + rest.length > 14)) return undefined
  return bytes
}

/** An IP as x509 writes it in a SAN: 4 bytes for IPv4 and IPv4-mapped IPv6, else 16. */
function ipBytes(s: string): Buffer | undefined {
  const v4 = parseIPv4(s)
  if (v4 !== undefined) return Buffer.from(v4)
  const v6 = parseIPv6(s)
  if (v6 === undefined) return undefined
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff
  return Buffer.from(mapped ? v6.slice(12) : v6)
}

export function netIPs(ips: GoValue): Buffer[] {
  const list = Array.isArray(ips) ? ips : []
  return list.map((ip) => {
    if (typeof ip !== 'string') throw new FuncError(`error parsing ip: ${sprintV(ip)} is not a string`)
    const b = ipBytes(ip)
    if (b === undefined) throw new FuncError(`error parsing ip: ${ip}`)
    return b
  })
}

export function dnsNames(names: GoValue): string[] {
  const list = Array.isArray(names) ? names : []
  return list.map((n) => {
    if (typeof n !== 'string') throw new FuncError(`error processing alternate dns name: ${sprintV(n)} is not a string`)
    return n
  })
}
