import { describe, expect, it } from 'vitest'
import type { ObjectRef } from '@gitops-sdk/core'
import { compareForApply, stageOf } from './stages.js'

const ref = (group: string, kind: string, name = 'x', namespace = ''): ObjectRef => ({ group, kind, namespace, name })

describe('stageOf', () => {
  it.each([
    { ref: ref('apiextensions.k8s.io', 'CustomResourceDefinition'), stage: 'definitions' },
    { ref: ref('', 'Namespace'), stage: 'definitions' },
    { ref: ref('rbac.authorization.k8s.io', 'ClusterRole'), stage: 'definitions' },
    { ref: ref('storage.k8s.io', 'StorageClass'), stage: 'classes' },
    { ref: ref('networking.k8s.io', 'IngressClass'), stage: 'classes' },
    { ref: ref('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'), stage: 'webhooks' },
    { ref: ref('apps', 'Deployment'), stage: 'resources' },
    { ref: ref('example.com', 'Namespace'), stage: 'resources' },
  ])('puts $ref.kind of "$ref.group" in $stage', ({ ref: r, stage }) => {
    expect(stageOf(r)).toBe(stage)
  })
})

describe('compareForApply', () => {
  it("orders kinds like Flux's ReconcileOrder, then by group, kind, namespace and name", () => {
    const refs = [ref('apps', 'Deployment', 'b', 'ns'), ref('example.com', 'Widget'), ref('', 'Service', 'a', 'ns'), ref('apps', 'Deployment', 'a', 'ns'), ref('', 'ConfigMap', 'z', 'ns'), ref('admissionregistration.k8s.io', 'MutatingWebhookConfiguration'), ref('', 'ServiceAccount', 's', 'ns')]
    expect(refs.sort(compareForApply).map((r) => `${r.kind}/${r.name}`)).toEqual(['ServiceAccount/s', 'ConfigMap/z', 'Service/a', 'Deployment/a', 'Deployment/b', 'Widget/x', 'MutatingWebhookConfiguration/x'])
  })
})
