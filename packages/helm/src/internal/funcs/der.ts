// The few DER (ASN.1) pieces the certificate functions write and read: Node has X.509 parsing but no
// certificate builder, and the builders on npm sign through WebCrypto, which is asynchronous while a
// template function is not. Encodings follow Go's encoding/asn1 where it has a choice (minimal
// INTEGERs, PrintableString when the text allows it, UTCTime for 1950-2049).

/** One encoded element. */
export type Der = Buffer

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** An element of tag `tag` around `content`. */
export function tlv(tag: number, content: Buffer): Der {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content])
}

export const sequence = (...items: Der[]): Der => tlv(0x30, Buffer.concat(items))
export const set = (...items: Der[]): Der => tlv(0x31, Buffer.concat(items))
export const octetString = (b: Buffer): Der => tlv(0x04, b)
export const explicit = (n: number, inner: Der): Der => tlv(0xa0 + n, inner)
export const nullValue = (): Der => Buffer.from([0x05, 0x00])
export const boolean = (v: boolean): Der => Buffer.from([0x01, 0x01, v ? 0xff : 0x00])

/** A non-negative or negative INTEGER in two's complement, minimal as DER asks. */
export function integer(v: bigint): Der {
  if (v === 0n) return Buffer.from([0x02, 0x01, 0x00])
  const bytes: number[] = []
  let x = v
  for (;;) {
    bytes.unshift(Number(BigInt.asUintN(8, x)))
    x >>= 8n
    const top = bytes[0] ?? 0
    if ((x === 0n && (top & 0x80) === 0) || (x === -1n && (top & 0x80) !== 0)) break
  }
  return tlv(0x02, Buffer.from(bytes))
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Der {
  const parts = dotted.split('.').map((p) => BigInt(p))
  const [a = 0n, b = 0n, ...rest] = parts
  const out: number[] = []
  for (const arc of [a * 40n + b, ...rest]) {
    const group: number[] = [Number(arc & 0x7fn)]
    for (let x = arc >> 7n; x > 0n; x >>= 7n) group.unshift(Number(x & 0x7fn) | 0x80)
    out.push(...group)
  }
  return tlv(0x06, Buffer.from(out))
}

/** A BIT STRING of whole bytes, or of `bitLength` bits (the rest of the last byte unused). */
export function bitString(bytes: Buffer, bitLength: number = bytes.length * 8): Der {
  return tlv(0x03, Buffer.concat([Buffer.from([bytes.length * 8 - bitLength]), bytes]))
}

const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/

/** A string as Go's asn1 marshals an untagged one: PrintableString when it can, else UTF8String. */
export function goString(s: string): Der {
  return tlv(printable.test(s) ? 0x13 : 0x0c, Buffer.from(s, 'utf8'))
}

/** UTCTime for 1950-2049, GeneralizedTime otherwise, to the second, in UTC (Go's choice). */
export function goTime(unixSeconds: bigint): Der {
  const d = new Date(Number(unixSeconds) * 1000)
  const year = d.getUTCFullYear()
  const two = (n: number): string => String(n).padStart(2, '0')
  const rest = `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(`${two(year % 100)}${rest}`))
  return tlv(0x18, Buffer.from(`${String(year).padStart(4, '0')}${rest}`))
}

/** One element read back: its tag, content and the whole encoding. */
export interface DerElement {
  readonly tag: number
  readonly content: Buffer
  readonly raw: Buffer
}

/** Reads the element at `at`; undefined when the bytes are not DER. */
export function readElement(buf: Buffer, at = 0): DerElement | undefined {
  const tag = buf[at]
  const first = buf[at + 1]
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) return undefined
  let len = first
  let head = 2
  if (first & 0x80) {
    const n = first & 0x7f
    if (n === 0 || n > 4) return undefined
    len = 0
    for (let i = 0; i < n; i++) {
      const b = buf[at + 2 + i]
      if (b === undefined) return undefined
      len = len * 256 + b
    }
    head += n
  }
  const end = at + head + len
  if (end > buf.length) return undefined
  return { tag, content: buf.subarray(at + head, end), raw: buf.subarray(at, end) }
}

/** The elements inside a constructed element's content; undefined when any is malformed. */
export function children(content: Buffer): DerElement[] | undefined {
  const out: DerElement[] = []
  for (let at = 0; at < content.length; ) {
    const e = readElement(content, at)
    if (e === undefined) return undefined
    out.push(e)
    at += e.raw.length
  }
  return out
}

/** An INTEGER's value. */
export function integerValue(e: DerElement): bigint {
  let v = 0n
  for (const b of e.content) v = (v << 8n) | BigInt(b)
  const first = e.content[0] ?? 0
  return first & 0x80 ? v - (1n << BigInt(e.content.length * 8)) : v
}

/** PEM armour as Go's pem.Encode writes it: 64 base64 characters a line. */
export function pemEncode(type: string, der: Buffer): string {
  const b64 = der.toString('base64')
  const lines: string[] = []
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64))
  return `-----BEGIN ${type}-----\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}-----END ${type}-----\n`
}

const BEGIN = '-----BEGIN '
const END = '-----END '
const DASHES = '-----'

/** The end of a PEM type label starting at `from`: the first `-` or line feed, or the text's end. */
function labelEnd(text: string, from: number): number {
  let i = from
  while (i < text.length && text[i] !== '-' && text[i] !== '\n') i++
  return i
}

/**
 * The matches of `/-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g`, found in linear time:
 * the pattern retried its lazy body from every BEGIN line to the end of the text (a megabyte of BEGIN
 * lines took seconds). A label holds no `-`, so each BEGIN and END line has one label; a block ends
 * at the first END line of its label after its body starts.
 */
function* pemBlocks(text: string): Generator<{ readonly type: string; readonly body: string }> {
  const ends = new Map<string, { readonly at: number[]; next: number }>()
  for (let e = text.indexOf(END); e >= 0; e = text.indexOf(END, e + 1)) {
    const stop = labelEnd(text, e + END.length)
    if (!text.startsWith(DASHES, stop)) continue
    const label = text.slice(e + END.length, stop)
    const list = ends.get(label) ?? { at: [], next: 0 }
    list.at.push(e)
    ends.set(label, list)
  }
  let from = 0
  for (let b = text.indexOf(BEGIN); b >= 0; b = text.indexOf(BEGIN, Math.max(b + 1, from))) {
    const stop = labelEnd(text, b + BEGIN.length)
    if (!text.startsWith(DASHES, stop)) continue
    let bodyStart = stop + DASHES.length
    if (text[bodyStart] === '\r' && text[bodyStart + 1] === '\n') bodyStart += 2
    else if (text[bodyStart] === '\n') bodyStart += 1
    else continue
    const type = text.slice(b + BEGIN.length, stop)
    const list = ends.get(type)
    if (list === undefined) continue
    // Candidates only move forward, so each label's END lines are passed over once.
    while (list.next < list.at.length && (list.at[list.next] ?? 0) < bodyStart) list.next++
    const end = list.at[list.next]
    if (end === undefined) continue
    from = end + END.length + type.length + DASHES.length
    yield { type, body: text.slice(bodyStart, end) }
  }
}

/** The first PEM block of `text`, as Go's pem.Decode finds it (headers are not supported). */
export function pemDecode(text: string): { readonly type: string; readonly bytes: Buffer } | undefined {
  for (const block of pemBlocks(text)) {
    const body = block.body.replace(/[\r\n \t]/g, '')
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) continue
    if (/^[^\n]*:/.test(block.body)) continue
    return { type: block.type, bytes: Buffer.from(body, 'base64') }
  }
  return undefined
}
