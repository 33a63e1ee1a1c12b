// applyObject on configurations the server refuses (SPEC.md §10.1); the rest of its behaviour is in
// applyObject.test.ts and applyObjectManagedFields.test.ts.
import type { KubeMap } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { applyObject } from './applyObject.js'
import { resetPathsFor } from './resetPaths.js'
import { deployment } from './testSupport.js'
import { builtinTypeSchema } from './typeSchema.js'

describe('applyObject: invalid configurations (SPEC.md §10.1)', () => {
  const apply = (config: KubeMap): unknown => {
    const schema = builtinTypeSchema('apps/v1', 'Deployment')!
    return applyObject({
      live: undefined,
      config: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, ...config },
      manager: 'sdk',
      apiVersion: 'apps/v1',
      force: false,
      schema,
      reset: resetPathsFor({ group: 'apps', kind: 'Deployment', hasStatusSubresource: true }),
      now: '2024-05-01T10:00:00Z',
    })
  }

  it('answers 500 with the typed-patch message for an undeclared field', () => {
    const outcome = apply({ spec: { foo: 1 } })
    expect(outcome).toEqual({
      kind: 'invalid',
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema',
        code: 500,
      },
    })
    // No reason: the body leaves the key out, as kube-apiserver writes a 500 of typed conversion.
    expect(outcome).not.toHaveProperty('status.reason')
  })

  it('rejects duplicate keys in an associative list of the configuration', () => {
    const containers = [
      { name: 'web', image: 'a' },
      { name: 'web', image: 'b' },
    ]
    expect(apply(deployment(containers))).toMatchObject({
      kind: 'invalid',
      status: {
        code: 500,
        message: 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="web"]',
      },
    })
  })

  it('reports items without keys and scalars of the wrong type, several at once', () => {
    expect(apply({ spec: { replicas: 'two', template: { spec: { containers: [{ image: 'x' }] } } } })).toMatchObject({
      status: {
        message:
          'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:\n' +
          '  .spec.replicas: expected numeric (int or float), got string\n' +
          '  .spec.template.spec.containers: element 0: associative list with keys has an element that omits all key fields ["name"] (and doesn\'t have default values for any key fields)',
      },
    })
  })

  it('refuses managedFields in the configuration (400)', () => {
    expect(apply({ metadata: { name: 'web', managedFields: [] } })).toMatchObject({
      kind: 'invalid',
      status: { code: 400, reason: 'BadRequest', message: 'metadata.managedFields must be nil' },
    })
  })
})
