import { describe, expect, it } from 'vitest'
import { builtinDefinition, builtinDefinitionName, builtinKinds, builtinSchema } from './index.js'

const field = (def: string, name: string) => builtinDefinition(def)?.properties?.[name]

describe('built-in schema table', () => {
  it('maps kinds to definitions, including the betas kustomize still knows', () => {
    expect(builtinDefinitionName('apps/v1', 'Deployment')).toBe('io.k8s.api.apps.v1.Deployment')
    expect(builtinDefinitionName('extensions/v1beta1', 'Ingress')).toBe('io.k8s.api.extensions.v1beta1.Ingress')
    expect(builtinDefinitionName('autoscaling/v2', 'HorizontalPodAutoscaler')).toBeDefined()
    expect(builtinSchema('example.com/v1', 'Widget')).toBeUndefined()
    expect(builtinKinds().length).toBeGreaterThan(200)
  })

  it('keeps the strategic-merge and server-side-apply semantics of Appendix B', () => {
    expect(field('io.k8s.api.core.v1.PodSpec', 'containers')).toMatchObject({ patchStrategy: 'merge', patchMergeKey: 'name' })
    expect(field('io.k8s.api.core.v1.PodSpec', 'volumes')).toMatchObject({ patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' })
    expect(field('io.k8s.api.core.v1.Container', 'ports')).toMatchObject({ listType: 'map', listMapKeys: ['containerPort', 'protocol'] })
    expect(field('io.k8s.api.core.v1.ServiceSpec', 'ports')).toMatchObject({ patchMergeKey: 'port', listMapKeys: ['port', 'protocol'] })
    expect(field('io.k8s.api.core.v1.ServiceSpec', 'selector')).toMatchObject({ mapType: 'atomic' })
    expect(field('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers')).toMatchObject({ patchStrategy: 'merge' })
    expect(builtinDefinition('io.k8s.api.rbac.v1.RoleRef')?.mapType).toBe('atomic')
    expect(builtinDefinition('io.k8s.api.networking.v1.ServiceBackendPort')?.mapType).toBe('atomic')
    expect(field('io.k8s.api.core.v1.EphemeralContainer', 'ports')).toMatchObject({ listType: 'map' })
    expect(field('io.k8s.api.core.v1.PodSpec', 'schedulingGates')).toMatchObject({ patchMergeKey: 'name', listType: 'map' })
    expect(field('io.k8s.api.apps.v1.DeploymentSpec', 'strategy')).toMatchObject({ patchStrategy: 'retainKeys' })
    // Fields newer than 1.22 that 1.32 serves.
    expect(field('io.k8s.api.batch.v1.JobSpec', 'podReplacementPolicy')).toMatchObject({ type: 'string' })
    expect(field('io.k8s.api.apps.v1.StatefulSetSpec', 'persistentVolumeClaimRetentionPolicy')).toMatchObject({ type: 'object' })
    expect(field('io.k8s.api.core.v1.Container', 'restartPolicy')).toMatchObject({ type: 'string' })
  })
})
