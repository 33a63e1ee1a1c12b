import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { ownerOf, ownersOf } from './managedFields.js'

const live: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    labels: { app: 'web', team: 'a' },
    managedFields: [
      {
        manager: 'gitops',
        operation: 'Apply',
        time: '2024-01-01T00:00:00Z',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:selector': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } },
      },
      { manager: 'kubectl-label', operation: 'Update', time: '2024-01-02T00:00:00Z', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } } },
      { manager: 'kubectl', operation: 'Update', subresource: 'scale', time: '2024-01-03T00:00:00Z', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      { manager: 'kubectl-edit', operation: 'Update', time: '2024-01-04T00:00:00Z', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } } } } } },
    ],
  },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }, { name: 'app', image: 'nginx' }] } } },
}

describe('ownerOf', () => {
  it.each([
    { name: 'a label applied by us', path: ['metadata', 'labels', 'app'], owner: 'gitops' },
    { name: 'a label added by kubectl label', path: ['metadata', 'labels', 'team'], owner: 'kubectl-label' },
    { name: 'replicas set through the scale subresource', path: ['spec', 'replicas'], owner: 'kubectl' },
    { name: 'a key of an atomic map we own as a whole', path: ['spec', 'selector', 'matchLabels', 'app'], owner: 'gitops' },
    { name: 'the image of a list item found by its key, shared, most recent writer first', path: ['spec', 'template', 'spec', 'containers', 1, 'image'], owner: 'kubectl-edit' },
    { name: 'an item nobody owns', path: ['spec', 'template', 'spec', 'containers', 0, 'image'], owner: undefined },
  ])('finds the owner of $name', ({ path, owner }) => {
    expect(ownerOf(live, path)).toBe(owner)
  })

  it('lists every manager sharing a field', () => {
    expect(ownersOf(live, ['spec', 'template', 'spec', 'containers', 1, 'image']).map((e) => e.manager)).toEqual(['gitops', 'kubectl-edit'])
  })
})
