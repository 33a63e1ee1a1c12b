import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { maskSecret } from './mask.js'

describe('maskSecret', () => {
  it('masks data, stringData and the last-applied annotation of Secrets only', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"a":"c2VjcmV0"}}', other: 'kept' } },
      data: { a: 'c2VjcmV0', b: 'c2VjcmV0' },
      stringData: { c: 'secret' },
    }
    const masked = maskSecret(secret, 'k')
    expect(JSON.stringify(masked)).not.toMatch(/c2VjcmV0|secret"/)
    expect(masked.data).toEqual({ a: expect.stringMatching(/^\*\*\* \(h:[0-9a-f]{12}\)$/), b: (masked.data as Record<string, string>).a })
    expect(masked.metadata.annotations?.other).toBe('kept')
    expect(maskSecret(secret, 'other-key').data).not.toEqual(masked.data)
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'plain' } }
    expect(maskSecret(cm, 'k')).toBe(cm)
  })
})
