// Sprig's certificate functions (genCA, genSelfSignedCert, genSignedCert, their WithKey forms and
// buildCustomCert) as Helm 4 runs them: X.509 v3 certificates shaped as Go's x509.CreateCertificate
// writes Sprig's template (random 128-bit serial, validity from now, key usage digitalSignature and
// keyEncipherment plus certSign for a CA, serverAuth and clientAuth, critical basic constraints, a
// subject key id of truncated SHA-256 for a CA as Go 1.25 makes it, the CA's key id as authority key
// id), fresh keys RSA 2048, and Go's error messages.
import type { X509Certificate } from 'node:crypto'
import { nodeCrypto } from '../lazy.js'
import type { Clock } from '@gitops-sdk/core'
import { FuncError, type GoFunc, GoStruct, type GoValue, goFunc } from '../template/values.js'
import { toInt64 } from './convert.js'
import { dnsNames, netIPs } from './certNames.js'
import { type PrivateKey, parsePrivateKeyPem, privateKeyPem, rsaKey } from './certKeys.js'
import {
  type DerElement,
  bitString,
  boolean,
  children,
  explicit,
  goString,
  goTime,
  integer,
  nullValue,
  octetString,
  oid,
  pemDecode,
  pemEncode,
  readElement,
  sequence,
  set,
  tlv,
} from './der.js'

const certificateType = 'sprig.certificate'

/** Sprig's certificate struct: `.Cert` and `.Key`, both PEM. */
function certificate(cert: string, key: string): GoStruct {
  return new GoStruct(certificateType, { fields: new Map<string, GoValue>([['Cert', cert], ['Key', key]]) })
}

function certificateParts(v: GoValue): { cert: string; key: string } {
  const s = v instanceof GoStruct ? v : undefined
  const text = (v: GoValue): string => (typeof v === 'string' ? v : '')
  return { cert: text(s?.fields.get('Cert')), key: text(s?.fields.get('Key')) }
}

/** Go's `time.Hour * 24 * time.Duration(days)`, which wraps around as int64 does. */
function validityNanos(days: bigint): bigint {
  return BigInt.asIntN(64, 86_400_000_000_000n * days)
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}

interface Template {
  readonly subject: Buffer
  readonly serial: bigint
  readonly notBefore: bigint
  readonly notAfter: bigint
  readonly ips: readonly Buffer[]
  readonly dns: readonly string[]
  readonly isCA: boolean
}

/** The arguments every certificate function shares. */
interface CertRequest {
  readonly cn: string
  readonly ips: GoValue
  readonly dns: GoValue
  readonly days: GoValue
}

/** Sprig's getBaseCertTemplate. */
function baseTemplate(request: CertRequest, clock: Clock): Template {
  const { cn } = request
  const ipList = netIPs(request.ips)
  const dns = dnsNames(request.dns)
  const nowNs = BigInt(clock.now().getTime()) * 1_000_000n
  const afterNs = nowNs + validityNanos(toInt64(request.days ?? null))
  const subject = cn === '' ? sequence() : sequence(set(sequence(oid('2.5.4.3'), goString(cn))))
  return {
    subject,
    serial: BigInt(`0x${nodeCrypto().randomBytes(16).toString('hex')}`),
    notBefore: floorDiv(nowNs, 1_000_000_000n),
    notAfter: floorDiv(afterNs, 1_000_000_000n),
    ips: ipList,
    dns,
    isCA: false,
  }
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value))
}

function quoteGo(s: string): string {
  return JSON.stringify(s)
}

interface Signer {
  readonly algorithm: Buffer
  readonly sign: (data: Buffer) => Buffer
}

/** Go's signingParamsForKey: SHA-256 with RSA, ECDSA with the curve's hash, pure Ed25519. */
function signerFor(k: PrivateKey): Signer {
  const key = k.key
  if (key === undefined || k.goType === '*ecdh.PrivateKey') throw new FuncError('x509: certificate private key does not implement crypto.Signer')
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
    const signRsa = (d: Buffer): Buffer => {
      // Go 1.24's crypto/rsa refuses to sign with keys under 1024 bits.
      if (bits < 1024) throw new FuncError(`crypto/rsa: ${bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`)
      return nodeCrypto().sign('sha256', d, key)
    }
    return { algorithm: sequence(oid('1.2.840.113549.1.1.11'), nullValue()), sign: signRsa }
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve
    const [id, hash] = curve === 'secp384r1' ? ['1.2.840.10045.4.3.3', 'sha384'] : curve === 'secp521r1' ? ['1.2.840.10045.4.3.4', 'sha512'] : ['1.2.840.10045.4.3.2', 'sha256']
    return { algorithm: sequence(oid(id)), sign: (d) => nodeCrypto().sign(hash, d, { key, dsaEncoding: 'der' }) }
  }
  // fromKeyObject lets only Ed25519 through besides RSA and ECDSA.
  return { algorithm: sequence(oid('1.3.101.112')), sign: (d) => nodeCrypto().sign(null, d, key) }
}

function publicKeyInfo(k: PrivateKey): Buffer {
  if (k.key === undefined) throw new FuncError('x509: unsupported public key type: *dsa.PublicKey')
  return nodeCrypto().createPublicKey(k.key).export({ format: 'der', type: 'spki' })
}

interface Parent {
  readonly subject: Buffer
  readonly subjectKeyId: Buffer | undefined
  readonly publicKey: Buffer | undefined
}

/** Go's x509.CreateCertificate for Sprig's templates, PEM-encoded with the signee's key (getCertAndKey). */
function createCertificate(job: { readonly t: Template; readonly signee: PrivateKey; readonly parent?: Parent | undefined; readonly signingKey: PrivateKey }): { cert: string; key: string } {
  const { t, signee, parent, signingKey } = job
  try {
    const signer = signerFor(signingKey)
    const spki = publicKeyInfo(signee)
    const issuer = parent?.subject ?? t.subject
    const publicKeyBytes = children(readElement(spki)?.content ?? Buffer.alloc(0))?.[1]?.content.subarray(1) ?? Buffer.alloc(0)
    const authorityKeyId = parent !== undefined && !issuer.equals(t.subject) ? parent.subjectKeyId : undefined
    const subjectKeyId = t.isCA ? nodeCrypto().createHash('sha256').update(publicKeyBytes).digest().subarray(0, 20) : undefined
    if (parent?.publicKey !== undefined && signingKey.key !== undefined) {
      const own = nodeCrypto().createPublicKey(signingKey.key).export({ format: 'der', type: 'spki' })
      if (!own.equals(parent.publicKey)) throw new FuncError("x509: provided PrivateKey doesn't match parent's PublicKey")
    }
    for (const name of t.dns) {
      if (/[\u0080-\uffff]/.test(name)) throw new FuncError(`x509: ${quoteGo(name)} cannot be encoded as an IA5String`)
    }
    const extensions = [
      extension('2.5.29.15', true, t.isCA ? bitString(Buffer.from([0xa4]), 6) : bitString(Buffer.from([0xa0]), 3)),
      extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))),
      extension('2.5.29.19', true, t.isCA ? sequence(boolean(true)) : sequence()),
    ]
    if (subjectKeyId !== undefined) extensions.push(extension('2.5.29.14', false, octetString(subjectKeyId)))
    if (authorityKeyId !== undefined && authorityKeyId.length > 0) extensions.push(extension('2.5.29.35', false, sequence(tlv(0x80, authorityKeyId))))
    if (t.dns.length > 0 || t.ips.length > 0) {
      const names = [...t.dns.map((d) => tlv(0x82, Buffer.from(d, 'ascii'))), ...t.ips.map((ip) => tlv(0x87, ip))]
      extensions.push(extension('2.5.29.17', t.subject.equals(sequence()), sequence(...names)))
    }
    const tbs = sequence(
      explicit(0, integer(2n)),
      integer(t.serial),
      signer.algorithm,
      issuer,
      sequence(goTime(t.notBefore), goTime(t.notAfter)),
      t.subject,
      spki,
      explicit(3, sequence(...extensions)),
    )
    const der = sequence(tbs, signer.algorithm, bitString(signer.sign(tbs)))
    return { cert: pemEncode('CERTIFICATE', der), key: privateKeyPem(signee) }
  } catch (err) {
    if (err instanceof FuncError) throw new FuncError(`error creating certificate: ${err.message}`)
    throw err
  }
}

function parseCertificateDer(der: Buffer, what: string): Parent {
  let x509: X509Certificate
  try {
    x509 = new (nodeCrypto().X509Certificate)(der)
  } catch {
    throw new FuncError(`error parsing certificate: ${what}: x509: malformed certificate`)
  }
  // Certificate { TBSCertificate { [0] version, serial, sigAlg, issuer, validity, subject, spki, ..., [3] extensions } }
  const tbs = children(children(readElement(der)?.content ?? Buffer.alloc(0))?.[0]?.content ?? Buffer.alloc(0)) ?? []
  const offset = tbs[0]?.tag === 0xa0 ? 1 : 0
  const subject = tbs[offset + 4]?.raw
  if (subject === undefined) throw new FuncError(`error parsing certificate: ${what}: x509: malformed certificate`)
  const exts = tbs.find((e) => e.tag === 0xa3)
  let subjectKeyId: Buffer | undefined
  for (const ext of children(readElement(exts?.content ?? Buffer.alloc(0))?.content ?? Buffer.alloc(0)) ?? []) {
    const parts: DerElement[] = children(ext.content) ?? []
    if (parts[0]?.raw.equals(oid('2.5.29.14')) === true) {
      const value = parts[parts.length - 1]?.content ?? Buffer.alloc(0)
      subjectKeyId = readElement(value)?.content
    }
  }
  return { subject: Buffer.from(subject), subjectKeyId, publicKey: x509.publicKey.export({ format: 'der', type: 'spki' }) }
}

function signedCertificate(request: CertRequest & { readonly ca: GoValue; readonly key: PrivateKey }, clock: Clock): GoStruct {
  const { cert, key: caKey } = certificateParts(request.ca)
  const block = pemDecode(cert)
  if (block === undefined) throw new FuncError('unable to decode certificate')
  const parent = parseCertificateDer(block.bytes, 'decodedSignerCert.Bytes')
  let signer: PrivateKey
  try {
    signer = parsePrivateKeyPem(caKey)
  } catch (err) {
    throw new FuncError(`error parsing private key: ${(err as Error).message}`)
  }
  const t = baseTemplate(request, clock)
  const out = createCertificate({ t, signee: request.key, parent, signingKey: signer })
  return certificate(out.cert, out.key)
}

function selfSigned(t: Template, key: PrivateKey): GoStruct {
  const out = createCertificate({ t, signee: key, signingKey: key })
  return certificate(out.cert, out.key)
}

function withPem(pem: GoValue): PrivateKey {
  try {
    return parsePrivateKeyPem(pem as string)
  } catch (err) {
    throw new FuncError(`parsing private key: ${(err as Error).message}`)
  }
}

function base64Strict(s: string): Buffer | undefined {
  const clean = s.replace(/[\r\n]/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return undefined
  return Buffer.from(clean, 'base64')
}

/** Sprig's buildCustomCert: a base64 PEM certificate and base64 PEM key, checked and kept as given. */
function buildCustomCert(b64cert: string, b64key: string): GoStruct {
  const cert = base64Strict(b64cert)
  if (cert === undefined) throw new FuncError('unable to decode base64 certificate')
  const key = base64Strict(b64key)
  if (key === undefined) throw new FuncError('unable to decode base64 private key')
  const certBlock = pemDecode(cert.toString('latin1'))
  if (certBlock === undefined) throw new FuncError('unable to decode certificate')
  parseCertificateDer(certBlock.bytes, 'decodedCert.Bytes')
  try {
    parsePrivateKeyPem(key.toString('latin1'))
  } catch (err) {
    throw new FuncError(`error parsing private key: ${(err as Error).message}`)
  }
  return certificate(cert.toString('utf8'), key.toString('utf8'))
}

const S = 'string'
const L = '[]interface {}'

const request = (a: readonly GoValue[]): CertRequest => ({ cn: a[0] as string, ips: a[1] ?? null, dns: a[2] ?? null, days: a[3] ?? null })

/** Sprig's certificate functions, with `clock` as time.Now for the validity. */
export function certFuncs(clock: Clock): [string, GoFunc][] {
  const ca = (cn: GoValue, days: GoValue, key: PrivateKey): GoStruct => selfSigned({ ...baseTemplate({ cn: cn as string, ips: null, dns: null, days }, clock), isCA: true }, key)
  return [
    ['genCA', goFunc('genCA', [S, 'int'], (cn, days) => ca(cn, days, rsaKey(2048)))],
    ['genCAWithKey', goFunc('genCAWithKey', [S, 'int', S], (cn, days, pem) => ca(cn, days, withPem(pem)))],
    ['genSelfSignedCert', goFunc('genSelfSignedCert', [S, L, L, 'int'], (...a) => selfSigned(baseTemplate(request(a), clock), rsaKey(2048)))],
    ['genSelfSignedCertWithKey', goFunc('genSelfSignedCertWithKey', [S, L, L, 'int', S], (...a) => {
      const key = withPem(a[4])
      return selfSigned(baseTemplate(request(a), clock), key)
    })],
    ['genSignedCert', goFunc('genSignedCert', [S, L, L, 'int', certificateType], (...a) => signedCertificate({ ...request(a), ca: a[4], key: rsaKey(2048) }, clock))],
    ['genSignedCertWithKey', goFunc('genSignedCertWithKey', [S, L, L, 'int', certificateType, S], (...a) => {
      const key = withPem(a[5])
      return signedCertificate({ ...request(a), ca: a[4], key }, clock)
    })],
    ['buildCustomCert', goFunc('buildCustomCert', [S, S], (c, k) => buildCustomCert(c as string, k as string))],
  ]
}
