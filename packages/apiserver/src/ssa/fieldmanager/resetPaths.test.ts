import { describe, expect, it } from 'vitest'
import { resetPathsFor, restoreReset } from './resetPaths.js'

describe('restoreReset', () => {
  it('takes from the merged object only the status a /status write may change', () => {
    const reset = resetPathsFor({ group: 'apps', kind: 'Deployment', subresource: 'status', hasStatusSubresource: true })
    expect(restoreReset(reset, { spec: { replicas: 9 }, status: { replicas: 2 } }, { spec: { replicas: 1 } })).toEqual({ spec: { replicas: 1 }, status: { replicas: 2 } })
  })

  it('takes from the merged object only the replicas a /scale write may change, however deep they are', () => {
    const reset = resetPathsFor({ group: 'example.org', kind: 'Pool', subresource: 'scale', hasStatusSubresource: true, specReplicasPath: ['spec', 'size', 'count'] })
    const live = { spec: { size: { count: 1, unit: 'node' }, other: 'a' }, status: { count: 1 } }
    expect(restoreReset(reset, { spec: { size: { count: 5 }, other: 'b' }, status: { count: 9 } }, live)).toEqual({
      spec: { size: { count: 5, unit: 'node' }, other: 'a' },
      status: { count: 1 },
    })
  })
})
