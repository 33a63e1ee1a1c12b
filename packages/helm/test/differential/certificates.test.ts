// Sprig's certificate and key functions through the SDK and helm, in one chart: their output is
// random, so each certificate is compared by shape (every DER field that does not depend on chance
// or the clock, the key identifiers checked against their keys, the signature verified against the
// issuer) and each key given in the values must come back byte for byte as helm writes it.
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certShape, keyShape } from '../helpers/certShape.js'
import { helmBinary } from '../helpers/helmBinary.js'
import { removeChart, renderBoth, writeChart } from '../helpers/differential.js'

const helm = helmBinary()

interface CertCase {
  readonly name: string
  readonly expr: string
  /** The days asked for: the validity is Go's int64 nanoseconds of them, wrapped. */
  readonly days: number
  /** The case whose certificate signed this one (itself when self-signed). */
  readonly issuer?: string | undefined
  /** The key comes from the values (deterministic), not from the function. */
  readonly fixedKey?: boolean | undefined
}

const certCases: CertCase[] = [
  { name: 'ca', expr: 'genCA "my ca" 365', days: 365 },
  { name: 'leaf', expr: 'genSignedCert "leaf&x" (list "10.0.0.1" "::1" "::ffff:1.2.3.4") (list "a.example" "*.b") 30 $ca', days: 30, issuer: 'ca' },
  { name: 'empty', expr: 'genSelfSignedCert "" (list) (list "only.dns") -5', days: -5 },
  { name: 'wrap', expr: 'genSelfSignedCertWithKey "self" (list "127.0.0.1" "2001:db8::1" "1:2:3:4:5:6:7::" "::ffff:10.1.2.3" "::") nil 200000 .Values.rsa8', days: 200000, fixedKey: true },
  { name: 'far', expr: 'genSelfSignedCert "gen" nil nil 20000', days: 20000 },
  { name: 'p384', expr: 'genCAWithKey "p384 ca" 10 .Values.p384', days: 10, fixedKey: true },
  { name: 'ed', expr: 'genSignedCertWithKey "ed" nil (list "x") 1 $p384 .Values.ed', days: 1, issuer: 'p384', fixedKey: true },
  { name: 'same', expr: 'genSignedCert "p384 ca" nil nil 3 $p384', days: 3, issuer: 'p384' },
  { name: 'ec', expr: 'genCAWithKey "ünï*code" 0 .Values.p256', days: 0, fixedKey: true },
  { name: 'rsa', expr: 'genSignedCertWithKey "r" (list "0.0.0.0") nil 1 $ec .Values.rsa1', days: 1, issuer: 'ec', fixedKey: true },
  { name: 'edca', expr: 'genCAWithKey "ed ca" 2 .Values.ed', days: 2, fixedKey: true },
  { name: 'p521', expr: 'genSignedCertWithKey "p521" nil nil 2 $edca .Values.p521', days: 2, issuer: 'edca', fixedKey: true },
]

function template(): string {
  const lines = certCases.flatMap((c) => [`{{- $${c.name} := ${c.expr} }}`, `${c.name}: {{ $${c.name}.Cert | b64enc }}`, `${c.name}_key: {{ $${c.name}.Key | b64enc }}`])
  lines.push(
    '{{- $b := buildCustomCert (b64enc $ca.Cert) (b64enc $ca.Key) }}',
    'custom: {{ printf "%v %v %T %v" (eq $b.Cert $ca.Cert) (eq $b.Key $ca.Key) $b (keys (toJson $b | fromJson) | sortAlpha) | b64enc }}',
    'dsakey: {{ genPrivateKey "dsa" | b64enc }}',
    'bogus: {{ genPrivateKey "bogus" | b64enc }}',
  )
  return `${lines.join('\n')}\n`
}

function decode(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of text.matchAll(/^(\w+): (\S*)$/gm)) out.set(m[1] ?? '', Buffer.from(m[2] ?? '', 'base64').toString('utf8'))
  return out
}

function values(): string {
  const pem = (k: { export(o: { format: 'pem'; type: 'pkcs1' | 'pkcs8' | 'sec1' }): string | Buffer }, type: 'pkcs1' | 'pkcs8' | 'sec1'): string => k.export({ format: 'pem', type }).toString()
  const keys: Record<string, string> = {
    rsa8: pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'pkcs8'),
    rsa1: pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'pkcs1'),
    p384: pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, 'sec1'),
    p256: pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'sec1'),
    p521: pem(generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey, 'pkcs8'),
    ed: pem(generateKeyPairSync('ed25519').privateKey, 'pkcs8'),
  }
  return Object.entries(keys).map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`).join('')
}

describe.skipIf(helm === undefined)('certificate and key functions through the SDK and helm, by shape', () => {
  let dir = ''
  let helmOut = new Map<string, string>()
  let sdkOut = new Map<string, string>()
  beforeAll(async () => {
    dir = await writeChart({ 'certs.yaml': template() }, values())
    const { helm: h, sdk } = await renderBoth(dir)
    if (!h.ok) throw new Error(`helm failed on the certificate chart: ${h.text}`)
    if (!sdk.ok) throw new Error(`the SDK failed on the certificate chart: ${sdk.text}`)
    helmOut = decode(h.text)
    sdkOut = decode(sdk.text)
  }, 60_000)
  afterAll(async () => {
    await removeChart(dir)
  })

  it.each(certCases)('$name: $expr', ({ name, days, issuer, fixedKey }) => {
    // Whole seconds of Go's wrapped nanoseconds: one more when the fraction carries over.
    const seconds = Number(BigInt.asIntN(64, 86_400_000_000_000n * BigInt(days)) / 1_000_000_000n)
    const shapes = [helmOut, sdkOut].map((out) => {
      const cert = out.get(name) ?? ''
      const shape = certShape(cert, out.get(issuer ?? name) ?? '', fixedKey === true)
      const validity = shape.validity as { seconds: number }
      expect([seconds, seconds + 1, seconds - 1]).toContain(validity.seconds)
      const normalized: Record<string, unknown> = { ...shape, validity: { ...validity, seconds } }
      return { cert: normalized, key: keyShape(out.get(`${name}_key`) ?? '', cert) }
    })
    expect(shapes[0]?.cert.verifiesWithIssuer).toBe(true)
    expect(shapes[0]?.key.ofCertificate).toBe(true)
    expect(shapes[1]).toEqual(shapes[0])
    if (fixedKey === true) expect(sdkOut.get(`${name}_key`)).toBe(helmOut.get(`${name}_key`))
  })

  it('buildCustomCert keeps what it was given', () => {
    expect(sdkOut.get('custom')).toBe(helmOut.get('custom'))
    expect(helmOut.get('custom')).toBe('true true sprig.certificate [Cert Key]')
  })

  // genPrivateKey "" (RSA 4096) is left to the unit tests: Go spends a second of CPU making the key.
  it('genPrivateKey writes DSA L2048N256, and a message for an unknown type', () => {
    expect(keyShape(sdkOut.get('dsakey') ?? '')).toEqual(keyShape(helmOut.get('dsakey') ?? ''))
    expect(keyShape(sdkOut.get('dsakey') ?? '')).toMatchObject({ label: 'DSA PRIVATE KEY', type: 'dsa', size: 2048, divisor: 256 })
    expect(sdkOut.get('bogus')).toBe(helmOut.get('bogus'))
  })
})
