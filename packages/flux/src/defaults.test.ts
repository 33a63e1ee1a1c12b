import { describe, expect, it } from 'vitest'
import { gitRepositoryYaml, kustomizationYaml, one } from '../test/fixtures/fleet.js'
import { kustomizationSourceRef, kustomizationTimings, withFluxDefaults } from './defaults.js'
import type { GitRepository } from './gitRepository.js'
import type { Kustomization } from './kustomization.js'

describe('withFluxDefaults', () => {
  it('fills the defaults Flux\'s CRDs declare, as the API server does on create', () => {
    const repo = withFluxDefaults('GitRepository', one(gitRepositoryYaml) as unknown as GitRepository)
    expect(repo.spec.timeout).toBe('60s')
    const ks = withFluxDefaults('Kustomization', one(kustomizationYaml) as unknown as Kustomization)
    expect(ks.spec.force).toBe(false)
    expect(ks.spec.postBuild?.substituteFrom?.map((s) => s.optional)).toEqual([false, true])
  })

  it('leaves the input as it was and keeps set values', () => {
    const input = one(gitRepositoryYaml) as unknown as GitRepository
    const withTimeout = { ...input, spec: { ...input.spec, timeout: '2m' } }
    expect(withFluxDefaults('GitRepository', withTimeout).spec.timeout).toBe('2m')
    expect(input.spec.timeout).toBeUndefined()
  })

  it('treats a __proto__ key in the input as data', () => {
    const input = JSON.parse('{"spec":{"interval":"1m","url":"https://x","__proto__":{"timeout":"9s"}}}') as GitRepository
    const out = withFluxDefaults('GitRepository', input)
    expect(out.spec.timeout).toBe('60s')
    expect(({} as Record<string, unknown>).timeout).toBeUndefined()
  })
})

describe('kustomizationTimings', () => {
  it('falls back to the interval for retryInterval and timeout, as kustomize-controller does', () => {
    const ks = one(kustomizationYaml) as unknown as Kustomization
    expect(kustomizationTimings(ks)).toEqual({ interval: 600000, retryInterval: 120000, timeout: 300000 })
    const bare = { ...ks, spec: { ...ks.spec, retryInterval: undefined, timeout: undefined } }
    expect(kustomizationTimings(bare)).toEqual({ interval: 600000, retryInterval: 600000, timeout: 600000 })
  })

  it('defaults the source namespace to the Kustomization\'s', () => {
    expect(kustomizationSourceRef(one(kustomizationYaml) as unknown as Kustomization)).toEqual({ kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' })
  })
})
