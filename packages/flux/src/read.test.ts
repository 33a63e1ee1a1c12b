import { describe, expect, it } from 'vitest'
import { helmReleaseYaml, kustomizationYaml, one } from '../test/fixtures/fleet.js'
import { readFluxObject } from './read.js'

describe('readFluxObject', () => {
  it('returns a supported kind typed', () => {
    const read = readFluxObject(one(kustomizationYaml))
    expect(read?.type).toBe('supported')
    if (read?.type === 'supported' && read.object.kind === 'Kustomization') expect(read.object.spec.path).toBe('./apps/production')
  })

  it('lists a HelmRelease as not supported instead of failing', () => {
    expect(readFluxObject(one(helmReleaseYaml))).toEqual({
      type: 'unsupported',
      ref: { group: 'helm.toolkit.fluxcd.io', kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' },
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      reason: expect.stringContaining('helm.toolkit.fluxcd.io/v2 HelmRelease is not supported') as string,
    })
  })

  it('ignores objects outside Flux\'s API groups', () => {
    expect(readFluxObject(one('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n'))).toBeUndefined()
  })
})
