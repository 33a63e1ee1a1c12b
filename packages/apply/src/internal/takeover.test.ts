import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { planTakeover, takeoverManagers, unionFields } from './takeover.js'

const entry = (manager: string, operation: string, fieldsV1: Record<string, unknown>, subresource?: string): Record<string, unknown> => ({
  manager,
  operation,
  apiVersion: 'v1',
  fieldsType: 'FieldsV1',
  fieldsV1,
  time: '2026-01-01T00:00:00Z',
  ...(subresource === undefined ? {} : { subresource }),
})

function live(managedFields: unknown[], annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n', resourceVersion: '7', managedFields, ...(annotations === undefined ? {} : { annotations }) } } as KubeObject
}

const desired: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' }, data: { a: '1' } }
const managers = takeoverManagers('gitops', ['helm'])

describe('planTakeover', () => {
  it('merges every kubectl entry into ours, leaving others, behind a resourceVersion test', () => {
    const ours = entry('gitops', 'Apply', { 'f:data': { 'f:a': {} } })
    const other = entry('hpa', 'Update', { 'f:data': { 'f:z': {} } })
    const takeover = planTakeover(
      live([ours, entry('kubectl-edit', 'Update', { 'f:data': { 'f:b': {} } }), other, entry('kubectl', 'Apply', { 'f:data': { 'f:c': {} } })]),
      { desired, fieldManager: 'gitops', managers },
    )
    expect(takeover?.managers).toEqual(['kubectl', 'kubectl-edit'])
    expect(takeover?.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'replace', path: '/metadata/managedFields', value: [other, { ...ours, fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {}, 'f:c': {} } } }] },
    ])
  })

  it('renames the first taken entry when we own nothing yet, and takes listed managers by exact name only', () => {
    const takeover = planTakeover(live([entry('helm', 'Update', { 'f:data': { 'f:a': {} } }), entry('helm-controller', 'Apply', { 'f:data': { 'f:b': {} } })]), { desired, fieldManager: 'gitops', managers })
    expect(takeover?.patch[1]).toEqual({
      op: 'replace',
      path: '/metadata/managedFields',
      value: [entry('helm-controller', 'Apply', { 'f:data': { 'f:b': {} } }), entry('gitops', 'Apply', { 'f:data': { 'f:a': {} } })],
    })
  })

  it('leaves subresource entries (kubectl scale) and other managers alone: no patch', () => {
    expect(planTakeover(live([entry('kubectl', 'Update', { 'f:spec': { 'f:replicas': {} } }, 'scale'), entry('x', 'Apply', {})]), { desired, fieldManager: 'gitops', managers })).toBeUndefined()
  })

  it("removes kubectl's last-applied annotation unless Git sets it", () => {
    const annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }
    expect(planTakeover(live([], annotations), { desired, fieldManager: 'gitops', managers })?.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'remove', path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration' },
    ])
    const keeps = { ...desired, metadata: { ...desired.metadata, annotations } }
    expect(planTakeover(live([], annotations), { desired: keeps, fieldManager: 'gitops', managers })).toBeUndefined()
  })

  it('unions field sets without touching prototypes', () => {
    const merged = unionFields(JSON.parse('{"f:a":{"__proto__":{"polluted":{}}}}') as never, { 'f:a': { 'f:b': {} } })
    expect(Object.keys(merged['f:a'] as object).sort()).toEqual(['__proto__', 'f:b'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
