import { describe, expect, it } from 'vitest'
import { createChangeSet, formatChangeSet, formatSummary, hasChanges, mergeChangeSets, summarizeChangeSet } from './index.js'

const ref = (kind: string, name: string, namespace = 'prod') => ({ group: '', kind, namespace, name })

describe('changeSet', () => {
  const applied = createChangeSet([
    { ref: ref('ConfigMap', 'a'), action: 'created' },
    { ref: ref('Service', 'web'), action: 'unchanged' },
    { ref: ref('Namespace', 'prod', ''), action: 'configured' },
  ])
  const pruned = createChangeSet([{ ref: ref('Secret', 'old'), action: 'deleted' }])

  it('counts and formats entries in order', () => {
    const all = mergeChangeSets(applied, pruned)
    expect(summarizeChangeSet(all)).toEqual({ created: 1, configured: 1, unchanged: 1, deleted: 1, skipped: 0, failed: 0 })
    expect(formatSummary(all)).toBe('1 created, 1 configured, 1 unchanged, 1 deleted')
    expect(formatChangeSet(all)).toBe(
      'ConfigMap/prod/a created\nService/prod/web unchanged\nNamespace/prod configured\nSecret/prod/old deleted',
    )
  })

  it('tells whether the cluster changed', () => {
    expect(hasChanges(applied)).toBe(true)
    expect(hasChanges(createChangeSet([{ ref: ref('X', 'y'), action: 'unchanged' }]))).toBe(false)
    expect(formatSummary(createChangeSet())).toBe('no objects')
  })
})
