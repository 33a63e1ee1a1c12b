// A certificate authority and a serving certificate made at start, so the server speaks HTTPS the way a
// cluster does. Node can make keys and signatures but not certificates, so the X.509 structures
// (RFC 5280) are written here with a minimal DER encoder: ECDSA P-256 keys, SHA-256 signatures, a CA
// with basicConstraints CA:TRUE, and a leaf for 127.0.0.1 and localhost that Go's verifier accepts.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

/** PEM texts of the generated CA and serving certificate. */
export interface ServingCertificates {
  readonly caCertPem: string
  readonly certPem: string
  readonly keyPem: string
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  return Buffer.concat([Buffer.from([tag]), length(body.length), body])
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, ...items)
const set = (...items: Buffer[]): Buffer => tlv(0x31, ...items)
const octets = (data: Buffer): Buffer => tlv(0x04, data)
const bits = (data: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), data)
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'))
const bool = (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0]))
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner)

function integer(value: Buffer): Buffer {
  let v = value
  while (v.length > 1 && v[0] === 0 && ((v[1] ?? 0) & 0x80) === 0) v = v.subarray(1)
  if (((v[0] ?? 0) & 0x80) !== 0) v = Buffer.concat([Buffer.from([0]), v])
  return tlv(0x02, v)
}

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number)
  const out = [40 * a + b]
  for (const n of rest) {
    const chunk = [n & 0x7f]
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80)
    out.push(...chunk)
  }
  return tlv(0x06, Buffer.from(out))
}

function time(date: Date): Buffer {
  const iso = date.toISOString()
  const compact = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'
  // UTCTime until 2049, GeneralizedTime from 2050 on (RFC 5280 §4.1.2.5).
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(compact.slice(2))) : tlv(0x18, Buffer.from(compact))
}

const name = (commonName: string): Buffer => sequence(set(sequence(oid('2.5.4.3'), utf8(commonName))))
const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'))
const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  sequence(oid(id), ...(critical ? [bool(true)] : []), octets(value))

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest()
}

interface CertificateInit {
  readonly subject: string
  readonly issuer: string
  readonly publicKey: KeyObject
  readonly signer: KeyObject
  readonly issuerKeyId: Buffer
  readonly extensions: readonly Buffer[]
  readonly now: Date
  readonly validityDays: number
}

function certificate(init: CertificateInit): Buffer {
  const serial = randomBytes(16)
  serial[0] = ((serial[0] ?? 1) & 0x7f) | 0x01
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name(init.issuer),
    sequence(time(new Date(init.now.getTime() - 3_600_000)), time(new Date(init.now.getTime() + init.validityDays * 86_400_000))),
    name(init.subject),
    init.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...init.extensions, extension('2.5.29.35', false, sequence(tlv(0x80, init.issuerKeyId))))),
  )
  return sequence(tbs, ecdsaWithSha256, bits(sign('sha256', tbs, init.signer)))
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/**
 * Makes a fresh CA and a certificate for 127.0.0.1, localhost and `dnsNames` signed by it, valid
 * for `validityDays` (365 by default) from an hour before `now`.
 */
export function createServingCertificates(now: Date, options: { dnsNames?: readonly string[]; validityDays?: number } = {}): ServingCertificates {
  const dnsNames = options.dnsNames ?? []
  const validityDays = options.validityDays ?? 365
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const caKeyId = keyId(ca.publicKey)
  const caDer = certificate({
    subject: 'gitops-sdk-apiserver-ca',
    issuer: 'gitops-sdk-apiserver-ca',
    publicKey: ca.publicKey,
    signer: ca.privateKey,
    issuerKeyId: caKeyId,
    now,
    validityDays,
    extensions: [
      extension('2.5.29.19', true, sequence(bool(true))),
      // digitalSignature, keyCertSign, cRLSign
      extension('2.5.29.15', true, bits(Buffer.from([0x86]), 1)),
      extension('2.5.29.14', false, octets(caKeyId)),
    ],
  })
  const leafDer = certificate({
    subject: 'gitops-sdk-apiserver',
    issuer: 'gitops-sdk-apiserver-ca',
    publicKey: leaf.publicKey,
    signer: ca.privateKey,
    issuerKeyId: caKeyId,
    now,
    validityDays,
    extensions: [
      extension('2.5.29.19', true, sequence()),
      extension('2.5.29.15', true, bits(Buffer.from([0x80]), 7)),
      extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))),
      extension('2.5.29.17', false, sequence(tlv(0x87, Buffer.from([127, 0, 0, 1])), ...['localhost', ...dnsNames].map((n) => tlv(0x82, Buffer.from(n))))),
    ],
  })
  return {
    caCertPem: pem('CERTIFICATE', caDer),
    certPem: pem('CERTIFICATE', leafDer),
    keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
}
