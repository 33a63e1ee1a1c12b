// Bad input to every entry of @gitops-sdk/flux: a typed error naming the object and field (or a
// list of issues), never a crash, and no prototype touched.
import { describe, expect, it } from 'vitest'
import { parseObjects } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { assertNoPollution, pollutingJson, pollutingKeys } from '../../../../testing/pollution.js'
import { fluxKinds, fromFluxInventory, parseDuration, parseInventoryId, readFluxObject, validateFluxObject, withFluxDefaults } from '../../src/index.js'

const kustomization = (spec: string): KubeObject =>
  parseObjects(`apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec: ${spec}\n`)[0]!

describe('bad Flux objects', () => {
  it.each([
    ['a missing spec', '{}', 'spec.interval: Required value'],
    ['a sourceRef that is a string', '{interval: 1m, prune: true, sourceRef: flux-system}', 'spec.sourceRef: Invalid value: "string"'],
    ['a list where a map belongs', '{interval: 1m, prune: true, sourceRef: {kind: GitRepository, name: x}, postBuild: [a]}', 'spec.postBuild: Invalid value: "array"'],
    ['a negative-looking duration', '{interval: -1m, prune: true, sourceRef: {kind: GitRepository, name: x}}', 'spec.interval: Invalid value: "-1m"'],
    ['a 300-character name prefix', `{interval: 1m, prune: true, sourceRef: {kind: GitRepository, name: x}, namePrefix: ${'p'.repeat(300)}}`, 'spec.namePrefix: Too long'],
    ['an unknown decryption provider', '{interval: 1m, prune: true, sourceRef: {kind: GitRepository, name: x}, decryption: {provider: vault}}', 'spec.decryption.provider: Unsupported value: "vault"'],
    ['a substituteFrom without a name', '{interval: 1m, prune: true, sourceRef: {kind: GitRepository, name: x}, postBuild: {substituteFrom: [{kind: ConfigMap}]}}', 'spec.postBuild.substituteFrom[0].name: Required value'],
  ])('refuses %s with FLUX_OBJECT_INVALID naming the object and field', (_name, spec, message) => {
    let thrown: unknown
    try {
      readFluxObject(kustomization(spec))
    } catch (err) {
      thrown = err
    }
    expect(thrown).toMatchObject({ code: 'FLUX_OBJECT_INVALID' })
    expect((thrown as Error).message).toMatch(/^Kustomization\/flux-system\/apps: /)
    expect((thrown as Error).message).toContain(message)
  })

  it.each([null, 'text', 42, [], [{}]])('validates the non-object %j to issues, not a crash', (value) => {
    for (const kind of fluxKinds) expect(() => validateFluxObject(kind, value)).not.toThrow()
  })

  it.each(pollutingJson)('keeps the polluting document %s as data through validation and defaults', (json) => {
    const spec = JSON.parse(json) as Record<string, unknown>
    const object = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'a' }, spec }
    validateFluxObject('Kustomization', object)
    withFluxDefaults('Kustomization', object)
    assertNoPollution()
  })

  it.each(pollutingKeys)('reports the key %s as an unknown field', (key) => {
    const spec = JSON.parse(`{"interval":"1m","prune":true,"sourceRef":{"kind":"GitRepository","name":"x"},"${key}":{"polluted":true}}`) as Record<string, unknown>
    const issues = validateFluxObject('Kustomization', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'a' }, spec })
    expect(issues.map((i) => i.field)).toEqual([`spec.${key}`])
    assertNoPollution()
  })
})

describe('bad durations and inventories', () => {
  it.each(['1', '1y', 'm', '1..5s', '9223372036854775808ns'])('refuses the duration %j', (text) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({ code: 'FLUX_DURATION_INVALID' }) as Error)
  })

  it.each(['__proto___x_apps_Deployment', 'ns_x_y_z_apps_Deployment'])('refuses the inventory id %j or reads it as plain data', (id) => {
    try {
      const ref = parseInventoryId(id)
      expect(Object.getPrototypeOf(ref)).toBe(Object.prototype)
    } catch (err) {
      expect(err).toMatchObject({ code: 'FLUX_INVENTORY_INVALID' })
    }
    assertNoPollution()
  })

  it('refuses a Flux inventory entry without a version, naming the id', () => {
    expect(() => fromFluxInventory({ entries: [{ id: 'ns_web_apps_Deployment', v: '' }] })).toThrow(/ns_web_apps_Deployment/)
  })
})
