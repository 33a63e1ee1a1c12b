import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { provablyUnchanged } from './noop.js'

const desired = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
  },
})

const ours = {
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
        },
      },
    },
  },
}

const live = (fields: unknown = ours, patch: (o: KubeObject) => void = () => undefined): KubeObject => {
  const o = desired()
  o.metadata.resourceVersion = '7'
  o.metadata.managedFields = [
    { manager: 'gitops', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: fields as never },
    { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', fieldsV1: { 'f:status': {} } },
  ]
  const spec = o.spec as { template: { spec: { containers: Record<string, unknown>[] } } }
  const container = spec.template.spec.containers[0] as Record<string, unknown>
  // Defaults the server adds: more live fields than applied ones.
  container.imagePullPolicy = 'IfNotPresent'
  container.ports = [{ containerPort: 80, protocol: 'TCP' }]
  ;(o.spec as Record<string, unknown>).strategy = { type: 'RollingUpdate' }
  o.status = { replicas: 2 }
  patch(o)
  return o
}

describe('provablyUnchanged', () => {
  it('holds when our field set is exactly the applied fields and every value is equal', () => {
    expect(provablyUnchanged(desired(), live(), 'gitops')).toBe(true)
  })

  it('does not hold for another field manager or without our Apply entry', () => {
    expect(provablyUnchanged(desired(), live(), 'someone')).toBe(false)
    expect(provablyUnchanged(desired(), undefined, 'gitops')).toBe(false)
  })

  it('does not hold when a value differs', () => {
    const d = desired()
    ;(d.spec as Record<string, unknown>).replicas = 3
    expect(provablyUnchanged(d, live(), 'gitops')).toBe(false)
  })

  it('does not hold when we own a field the desired object dropped (apply would remove it)', () => {
    const d = desired()
    delete d.metadata.labels
    expect(provablyUnchanged(d, live(), 'gitops')).toBe(false)
  })

  it('does not hold when a desired field is owned by someone else (apply would take it)', () => {
    const fields = structuredClone(ours) as Record<string, Record<string, unknown>>
    delete (fields['f:spec'] as Record<string, unknown>)['f:replicas']
    expect(provablyUnchanged(desired(), live(fields), 'gitops')).toBe(false)
  })

  it('does not hold when another manager added an item to a list we own items of', () => {
    const l = live(ours, (o) => {
      const spec = o.spec as { template: { spec: { containers: unknown[] } } }
      spec.template.spec.containers.push({ name: 'sidecar', image: 'envoy' })
    })
    expect(provablyUnchanged(desired(), l, 'gitops')).toBe(false)
  })

  it('compares atomically owned maps as a whole', () => {
    const l = live(ours, (o) => {
      ;(o.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels.extra = 'x'
    })
    expect(provablyUnchanged(desired(), l, 'gitops')).toBe(false)
  })

  it('does not hold for nulls, deleted objects or Secrets with stringData', () => {
    const d = desired()
    ;(d.spec as Record<string, unknown>).paused = null
    expect(provablyUnchanged(d, live(), 'gitops')).toBe(false)
    expect(provablyUnchanged(desired(), live(ours, (o) => (o.metadata.deletionTimestamp = '2024-01-01T00:00:00Z')), 'gitops')).toBe(false)
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: 'b' } }
    const liveSecret: KubeObject = { ...secret, data: { a: 'Yg==' }, stringData: undefined, metadata: { name: 's', managedFields: [{ manager: 'gitops', operation: 'Apply', fieldsV1: { 'f:stringData': { 'f:a': {} } } }] } }
    delete liveSecret.stringData
    expect(provablyUnchanged(secret, liveSecret, 'gitops')).toBe(false)
  })
})
