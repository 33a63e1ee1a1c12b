import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { diffObjects, sameObject } from './fieldDiff.js'

const deployment = (image: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', resourceVersion: '1', labels: { app: 'web' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }, { name: 'app', image, ports: [{ containerPort: 80, protocol: 'TCP' }] }] } }, ...extra },
  status: { replicas: 1 },
})

describe('diffObjects', () => {
  it('matches list items by their keys and names them in the path', () => {
    const live = deployment('nginx:1')
    const applied = deployment('nginx:2')
    ;(applied.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.reverse()
    expect(diffObjects(live, applied)).toEqual([{ path: '.spec.template.spec.containers[name="app"].image', liveSegments: ['spec', 'template', 'spec', 'containers', 1, 'image'], live: 'nginx:1', desired: 'nginx:2' }])
  })

  it('ignores metadata other than labels and annotations, and status', () => {
    const applied = { ...deployment('nginx:1'), status: { replicas: 9 }, metadata: { name: 'web', resourceVersion: '2', labels: { app: 'web' } } }
    expect(sameObject(deployment('nginx:1'), applied)).toBe(true)
    expect(diffObjects(deployment('nginx:1'), applied)).toEqual([])
  })

  it('reports added and removed fields and items', () => {
    const live = deployment('nginx:1', { paused: true })
    const applied = deployment('nginx:1', { minReadySeconds: 5 })
    ;(applied.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.splice(0, 1, { name: 'logger', image: 'fluent' })
    applied.metadata.labels = { app: 'web', 'app.kubernetes.io/part-of': 'shop' }
    expect(diffObjects(live, applied).map((c) => [c.path, c.live, c.desired])).toEqual([
      ['.metadata.labels["app.kubernetes.io/part-of"]', undefined, 'shop'],
      ['.spec.minReadySeconds', undefined, 5],
      ['.spec.paused', true, undefined],
      ['.spec.template.spec.containers[name="logger"]', undefined, { name: 'logger', image: 'fluent' }],
      ['.spec.template.spec.containers[name="sidecar"]', { name: 'sidecar', image: 'envoy' }, undefined],
    ])
  })

  it('compares lists without keys by index, or as a whole when their lengths differ', () => {
    const cm = (args: string[]): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { args } })
    expect(diffObjects(cm(['a', 'b']), cm(['a', 'c'])).map((c) => c.path)).toEqual(['.spec.args[1]'])
    expect(diffObjects(cm(['a']), cm(['a', 'c']))).toEqual([{ path: '.spec.args', liveSegments: ['spec', 'args'], live: ['a'], desired: ['a', 'c'] }])
  })
})
