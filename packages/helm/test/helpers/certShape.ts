// A certificate reduced to what does not depend on chance or the second it was made: every DER field
// of the TBSCertificate in hex, except the serial (its size and sign), the validity (its length in
// seconds and encodings), a fresh public key (algorithm and size) and the key identifiers (checked
// against the keys they name). Two generators that make the same choices give equal shapes.
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto'

/** One DER element: tag, content and whole encoding (a reader of its own, apart from the SDK's). */
interface DerElement {
  readonly tag: number
  readonly content: Buffer
  readonly raw: Buffer
}

function readElement(buf: Buffer, at = 0): DerElement | undefined {
  const tag = buf[at]
  const first = buf[at + 1]
  if (tag === undefined || first === undefined) return undefined
  let len = first
  let head = 2
  if (first & 0x80) {
    len = 0
    for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + (buf[at + 2 + i] ?? 0)
    head += first & 0x7f
  }
  if (at + head + len > buf.length) return undefined
  return { tag, content: buf.subarray(at + head, at + head + len), raw: buf.subarray(at, at + head + len) }
}

function children(content: Buffer): DerElement[] | undefined {
  const out: DerElement[] = []
  for (let at = 0; at < content.length; ) {
    const e = readElement(content, at)
    if (e === undefined) return undefined
    out.push(e)
    at += e.raw.length
  }
  return out
}

function parts(e: DerElement | undefined): DerElement[] {
  return children(e?.content ?? Buffer.alloc(0)) ?? []
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}

function time(e: DerElement | undefined): number {
  const s = e?.content.toString('ascii') ?? ''
  const full = e?.tag === 0x17 ? `${Number(s.slice(0, 2)) < 50 ? '20' : '19'}${s}` : s
  return Date.UTC(Number(full.slice(0, 4)), Number(full.slice(4, 6)) - 1, Number(full.slice(6, 8)), Number(full.slice(8, 10)), Number(full.slice(10, 12)), Number(full.slice(12, 14))) / 1000
}

function keyBits(spki: Buffer): string {
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' })
  const d = key.asymmetricKeyDetails
  return `${key.asymmetricKeyType ?? ''}/${d?.modulusLength ?? d?.namedCurve ?? ''}`
}

function ski(spki: Buffer): string {
  const bits = parts(readElement(spki))[1]?.content.subarray(1) ?? Buffer.alloc(0)
  return createHash('sha256').update(bits).digest().subarray(0, 20).toString('hex')
}

/** The shape of `certPem`, issued by `issuerPem`; `fixedKey` keeps the public key itself in the shape. */
export function certShape(certPem: string, issuerPem: string, fixedKey: boolean): Record<string, unknown> {
  const der = pemBody(certPem)
  const [tbs, sigAlg] = parts(readElement(der))
  const [version, serial, alg, issuer, validity, subject, spki, exts] = parts(tbs)
  const [notBefore, notAfter] = parts(validity)
  const issuerCert = new X509Certificate(issuerPem)
  const issuerSpki = issuerCert.publicKey.export({ format: 'der', type: 'spki' })
  const extensions = parts(parts(exts)[0]).map((ext) => {
    const [id, ...rest] = parts(ext)
    const value = rest[rest.length - 1]?.content ?? Buffer.alloc(0)
    const idHex = id?.raw.toString('hex') ?? ''
    const head = rest.length > 1 ? rest[0]?.raw.toString('hex') : ''
    if (idHex === '0603551d0e') return { id: idHex, head, subjectKeyIdOfKey: readElement(value)?.content.toString('hex') === ski(spki?.raw ?? Buffer.alloc(0)) }
    if (idHex === '0603551d23') return { id: idHex, head, authorityKeyIdOfIssuer: parts(readElement(value))[0]?.content.toString('hex') === ski(issuerSpki) }
    return { id: idHex, head, value: value.toString('hex') }
  })
  const serialBytes = serial?.content ?? Buffer.alloc(0)
  return {
    version: version?.raw.toString('hex'),
    serial: { positive: ((serialBytes[0] ?? 0) & 0x80) === 0, atMost128Bits: serialBytes.length <= 17 },
    algorithm: alg?.raw.toString('hex'),
    outerAlgorithmSame: sigAlg?.raw.equals(alg?.raw ?? Buffer.alloc(0)),
    issuer: issuer?.raw.toString('hex'),
    validity: { tags: [notBefore?.tag, notAfter?.tag], seconds: time(notAfter) - time(notBefore), startsNow: Math.abs(time(notBefore) - Date.now() / 1000) < 600 },
    subject: subject?.raw.toString('hex'),
    publicKey: fixedKey ? spki?.raw.toString('hex') : keyBits(spki?.raw ?? Buffer.alloc(0)),
    extensions,
    verifiesWithIssuer: new X509Certificate(certPem).verify(issuerCert.publicKey),
  }
}

/** A PEM private key's shape: its label, type and size, and whether it is the certificate's. */
export function keyShape(keyPem: string, certPem?: string): Record<string, unknown> {
  const key = createPrivateKey(keyPem)
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  const d = key.asymmetricKeyDetails
  return {
    label: /^-----BEGIN ([^-]+)-----/.exec(keyPem)?.[1],
    type: key.asymmetricKeyType,
    size: d?.modulusLength ?? d?.namedCurve,
    divisor: d?.divisorLength,
    ofCertificate: certPem === undefined ? undefined : new X509Certificate(certPem).publicKey.export({ format: 'der', type: 'spki' }).equals(spki),
  }
}
