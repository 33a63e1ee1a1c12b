// Sprig's certificate and key functions on bad input, in process: each ends in a typed
// HELM_TEMPLATE_EXEC error naming the template and the function, the data passed in stays as it
// was, and no prototype is touched. (Each message is compared with helm's in
// test/differential/certErrorCases.ts.)
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { type Clock, memoryFs } from '@gitops-sdk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { assertNoPollution, pollutingKeys } from '../../../../testing/pollution.js'
import { renderChart, renderTemplate } from '../../src/index.js'
import { type TypedFailure, typedFailure } from '../helpers/typedFailure.js'

afterEach(() => {
  assertNoPollution()
})

// EC keys cost nothing to make; RSA keys are made only where the function makes its own.
const ecKey = (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString()

function failure(text: string, data: unknown = {}): TypedFailure {
  return typedFailure(() => renderTemplate(text, data, { name: 'certs.tpl' }))
}

describe('certificate functions on bad input', () => {
  it.each([
    ['{{ genCAWithKey "x" 1 .pem }}', 'genCAWithKey', /parsing private key: no PEM data in input/],
    ['{{ genCAWithKey "x" 1 "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n" }}', 'genCAWithKey', /no private key data in PEM block of type CERTIFICATE/],
    ['{{ genSelfSignedCert "x" (list "300.1.1.1") nil 1 }}', 'genSelfSignedCert', /error parsing ip: 300\.1\.1\.1/],
    ['{{ genSelfSignedCert "x" (list "::1::") nil 1 }}', 'genSelfSignedCert', /error parsing ip: ::1::/],
    ['{{ genSelfSignedCert "x" nil (list (dict)) 1 }}', 'genSelfSignedCert', /error processing alternate dns name: map\[\] is not a string/],
    ['{{ buildCustomCert "x" "y" }}', 'buildCustomCert', /unable to decode base64 certificate/],
    ['{{ buildCustomCert (b64enc "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n") (b64enc .pem) }}', 'buildCustomCert', /error parsing certificate: decodedCert\.Bytes: x509: malformed certificate/],
    ['{{ genSignedCertWithKey "x" nil nil 1 (buildCustomCert ((genCAWithKey "a" 1 .k1).Cert | b64enc) (b64enc .k2)) .k1 }}', 'genSignedCertWithKey', /x509: provided PrivateKey doesn't match parent's PublicKey/],
  ])('%s', (text, fn, message) => {
    const data = { pem: 'not a key', list: ['a'], k1: ecKey(), k2: ecKey() }
    const before = JSON.stringify(data)
    const r = failure(text, data)
    expect(r.code).toBe('HELM_TEMPLATE_EXEC')
    expect(r.message).toMatch(/certs\.tpl/)
    expect(r.message).toContain(`error calling ${fn}:`)
    expect(r.message).toMatch(message)
    expect(JSON.stringify(data)).toBe(before)
  })

  it('keeps polluting keys plain strings as common names and DNS names', () => {
    const p256 = ecKey()
    for (const key of pollutingKeys) {
      const pem = renderTemplate(`{{ (genSelfSignedCertWithKey "${key}" nil (list "${key}") 1 .key).Cert }}`, { key: p256 })
      const cert = new X509Certificate(pem)
      expect(cert.subject).toBe(`CN=${key}`)
      expect(cert.subjectAltName).toBe(`DNS:${key}`)
    }
  })

  it('takes the validity from the injected clock and Go\'s wrapped nanoseconds', async () => {
    const at = new Date('2030-06-01T12:00:00.250Z')
    const clock: Clock = { now: () => at, sleep: () => Promise.resolve() }
    const fs = memoryFs({
      'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
      'values.yaml': `key: ${JSON.stringify(ecKey())}\n`,
      'templates/c.yaml': 'a: {{ (genCAWithKey "ca" 30 .Values.key).Cert | b64enc }}\nb: {{ (genSelfSignedCertWithKey "w" nil nil 200000 .Values.key).Cert | b64enc }}\n',
    })
    const { text } = await renderChart('', { fs, clock })
    const cert = (k: string): X509Certificate => new X509Certificate(Buffer.from(new RegExp(`^${k}: (\\S+)$`, 'm').exec(text)?.[1] ?? '', 'base64'))
    expect(cert('a').validFrom).toBe('Jun  1 12:00:00 2030 GMT')
    expect(cert('a').validTo).toBe('Jul  1 12:00:00 2030 GMT')
    // 200000 days of nanoseconds overflow int64 and wrap to -1166744073.709551616 s, as in Go.
    expect(cert('b').validTo).toBe('Jun 11 12:25:26 1993 GMT')
    expect(cert('a').ca).toBe(true)
    expect(cert('b').ca).toBe(false)
  })
})
