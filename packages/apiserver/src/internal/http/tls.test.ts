import { createPrivateKey, X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createServingCertificates } from './tls.js'

describe('createServingCertificates', () => {
  it('makes a CA and a leaf for 127.0.0.1 signed by it', () => {
    const certs = createServingCertificates(new Date('2026-01-01T00:00:00Z'))
    const ca = new X509Certificate(certs.caCertPem)
    const leaf = new X509Certificate(certs.certPem)
    expect(ca.ca).toBe(true)
    expect(leaf.ca).toBe(false)
    expect(leaf.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost')
    expect(leaf.checkIssued(ca)).toBe(true)
    expect(leaf.verify(ca.publicKey)).toBe(true)
    expect(leaf.checkPrivateKey(createPrivateKey(certs.keyPem))).toBe(true)
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(new Date('2026-12-01T00:00:00Z').getTime())
  })
})
