import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { diffFleet, formatFleetDiff } from './diffFleet.js'
import type { FleetBuild } from './fleetTypes.js'

const cm = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'apps' }, data })
const secret = (password: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'apps' }, stringData: { password } })
const build = (kustomizations: Record<string, KubeObject[]>): FleetBuild => ({
  path: 'clusters/prod',
  problems: [],
  kustomizations: Object.entries(kustomizations).map(([kustomization, objects]) => ({ kustomization, path: 'apps', source: 'GitRepository/flux-system/flux-system', objects, unresolved: [] })),
})

describe('diffFleet', () => {
  it('is empty when both builds apply the same objects', () => {
    const a = build({ 'flux-system/apps': [cm('web', { env: 'prod' })] })
    expect(diffFleet(a, structuredClone(a))).toEqual([])
  })

  it('lists added, removed and changed objects with field paths, per Kustomization', () => {
    const before = build({ 'flux-system/apps': [cm('web', { env: 'prod', tier: 'a' }), cm('old', {})], 'flux-system/gone': [cm('x', {})] })
    const after = build({ 'flux-system/apps': [cm('web', { env: 'staging', tier: 'a', extra: 'y' }), cm('new', {})], 'flux-system/infra': [] })
    const diffs = diffFleet(before, after)
    expect(diffs.map((d) => [d.kustomization, d.status])).toEqual([
      ['flux-system/apps', 'changed'],
      ['flux-system/gone', 'removed'],
      ['flux-system/infra', 'added'],
    ])
    expect(diffs[0]).toMatchObject({
      added: [{ kind: 'ConfigMap', name: 'new' }],
      removed: [{ kind: 'ConfigMap', name: 'old' }],
      changed: [{ ref: { kind: 'ConfigMap', name: 'web' }, fields: [{ path: 'data.env', before: 'prod', after: 'staging' }, { path: 'data.extra', after: 'y' }] }],
    })
    expect(formatFleetDiff(diffs)).toBe(
      'Kustomization flux-system/apps\n  + ConfigMap/apps/new\n  - ConfigMap/apps/old\n  ~ ConfigMap/apps/web\n      data.env: "prod" -> "staging"\n      data.extra: (none) -> "y"\n' +
        'Kustomization flux-system/gone (removed)\n  - ConfigMap/apps/x\nKustomization flux-system/infra (added)\n',
    )
  })

  it('never shows a Secret value, before or after', () => {
    const diffs = diffFleet(build({ k: [secret('hunter2-old')] }), build({ k: [secret('hunter2-new')] }))
    expect(diffs[0]?.changed[0]?.fields).toEqual([{ path: 'stringData.password', before: '***', after: '***' }])
    expect(JSON.stringify(diffs)).not.toContain('hunter2')
    expect(formatFleetDiff(diffs)).not.toContain('hunter2')
  })
})
