// Bad inputs to Sprig's certificate and key functions: each case's helm message and the SDK's must
// be equal. Keys Go refuses (a 512-bit RSA key, a secp256k1 key, DSA) are made here per run.
import { generateKeyPairSync } from 'node:crypto'
import type { ErrorCase } from './errorCases.js'

const e = (name: string, text: string): ErrorCase => ({ name, text })

/** A Go string literal of a PEM text. */
const lit = (s: string): string => JSON.stringify(s)
const pemOf = (type: string, b64: string): string => `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`

const rsa512 = lit(generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString())
const k1 = lit(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString())
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
const p256sec1 = lit(p256.export({ format: 'pem', type: 'sec1' }).toString())
const p256pkcs8AsEc = lit(p256.export({ format: 'pem', type: 'pkcs8' }).toString().replaceAll('PRIVATE KEY', 'EC PRIVATE KEY'))
const p256sec1AsPkcs8 = lit(p256.export({ format: 'pem', type: 'sec1' }).toString().replaceAll('EC PRIVATE KEY', 'PRIVATE KEY'))
// OpenSSL's DSA form with tiny numbers: Go reads it, then cannot sign with it or write its public key.
const dsa = lit(pemOf('DSA PRIVATE KEY', Buffer.from('30120201000201170201 0b020102020104020103'.replaceAll(' ', ''), 'hex').toString('base64')))
const zeros = (type: string): string => lit(pemOf(type, 'AAAA'))

export const certErrorCases: ErrorCase[] = [
  e('genSelfSignedCert with a short IPv4', 'x: {{ genSelfSignedCert "x" (list "1.2.3") nil 1 }}\n'),
  e('genSelfSignedCert with a leading zero in an IPv4', 'x: {{ genSelfSignedCert "x" (list "01.2.3.4") nil 1 }}\n'),
  e('genSelfSignedCert with an IPv6 zone', 'x: {{ genSelfSignedCert "x" (list "fe80::1%eth0") nil 1 }}\n'),
  e('genSelfSignedCert with two :: in an IPv6', 'x: {{ genSelfSignedCert "x" (list "1::2::3") nil 1 }}\n'),
  e('genSelfSignedCert with an IP that is not a string', 'x: {{ genSelfSignedCert "x" (list 5) nil 1 }}\n'),
  e('genSelfSignedCert with a DNS name that is not a string', 'x: {{ genSelfSignedCert "x" nil (list 1.5) 1 }}\n'),
  e('genSelfSignedCert with a non-ASCII DNS name', 'x: {{ genSelfSignedCert "x" nil (list "é.com") 1 }}\n'),
  e('genCA with float days', 'x: {{ genCA "x" .Values.float }}\n'),
  e('genCAWithKey without PEM', 'x: {{ genCAWithKey "x" 1 "garbage" }}\n'),
  e('genCAWithKey with a certificate PEM', `x: {{ genCAWithKey "x" 1 ${zeros('CERTIFICATE')} }}\n`),
  e('genCAWithKey with an unknown key type', `x: {{ genCAWithKey "x" 1 ${zeros('FOO PRIVATE KEY')} }}\n`),
  e('genCAWithKey with PKCS#8 garbage', `x: {{ genCAWithKey "x" 1 ${zeros('PRIVATE KEY')} }}\n`),
  e('genCAWithKey with RSA garbage', `x: {{ genCAWithKey "x" 1 ${zeros('RSA PRIVATE KEY')} }}\n`),
  e('genCAWithKey with EC garbage', `x: {{ genCAWithKey "x" 1 ${zeros('EC PRIVATE KEY')} }}\n`),
  e('genCAWithKey with PKCS#8 under an EC label', `x: {{ genCAWithKey "x" 1 ${p256pkcs8AsEc} }}\n`),
  e('genCAWithKey with SEC 1 under a PKCS#8 label', `x: {{ genCAWithKey "x" 1 ${p256sec1AsPkcs8} }}\n`),
  e('genCAWithKey with a 512-bit RSA key', `x: {{ genCAWithKey "x" 1 ${rsa512} }}\n`),
  e('genCAWithKey with a secp256k1 key', `x: {{ genCAWithKey "x" 1 ${k1} }}\n`),
  e('genCAWithKey with a DSA key', `x: {{ genCAWithKey "x" 1 ${dsa} }}\n`),
  e('genSignedCertWithKey with a DSA key', `x: {{ genSignedCertWithKey "x" nil nil 1 (genCAWithKey "ca" 1 ${p256sec1}) ${dsa} }}\n`),
  e('genSignedCert with a key not of the CA', `x: {{ genSignedCert "x" nil nil 1 (buildCustomCert ((genCAWithKey "a" 1 ${p256sec1}).Cert | b64enc) ((genCA "b" 1).Key | b64enc)) }}\n`),
  e('genSignedCert with nil', 'x: {{ genSignedCert "x" nil nil 1 nil }}\n'),
  e('genSignedCert with a dict', 'x: {{ genSignedCert "x" nil nil 1 (dict "Cert" "" "Key" "") }}\n'),
  e('buildCustomCert with bad base64', 'x: {{ buildCustomCert "!!" "x" }}\n'),
  e('buildCustomCert without a PEM certificate', 'x: {{ buildCustomCert (b64enc "nope") (b64enc "x") }}\n'),
  e('buildCustomCert with bad base64 key', `x: {{ buildCustomCert (b64enc ${zeros('CERTIFICATE')}) "!!" }}\n`),
  e('buildCustomCert with a malformed certificate', `x: {{ buildCustomCert (b64enc ${zeros('CERTIFICATE')}) (b64enc ${p256sec1}) }}\n`),
  e('buildCustomCert without a PEM key', `x: {{ buildCustomCert ((genCAWithKey "a" 1 ${p256sec1}).Cert | b64enc) (b64enc "no pem") }}\n`),
]
