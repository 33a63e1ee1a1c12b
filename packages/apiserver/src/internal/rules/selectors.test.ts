import type { KubeObject } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { builtinTypes } from '../state/registry.js'
import { fieldMatcher, labelMatcher, labelSelectorMatcher, labelSelectorString } from './selectors.js'

const pod = (labels: Record<string, string>, phase = 'Running'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', labels }, status: { phase } })
const pods = builtinTypes.find((t) => t.plural === 'pods')
if (pods === undefined) throw new Error('no pods type')

describe('labelMatcher', () => {
  it.for([
    { name: 'equality', selector: 'app=web', labels: { app: 'web' }, match: true },
    { name: 'double equals', selector: 'app==web', labels: { app: 'db' }, match: false },
    { name: 'inequality matches absent labels', selector: 'app!=web', labels: {}, match: true },
    { name: 'exists', selector: 'app', labels: { app: '' }, match: true },
    { name: 'does not exist', selector: '!app', labels: { app: 'x' }, match: false },
    { name: 'in', selector: 'tier in (a, b)', labels: { tier: 'b' }, match: true },
    { name: 'notin matches absent labels', selector: 'tier notin (a,b)', labels: {}, match: true },
    { name: 'all requirements hold', selector: 'app=web,tier in (a),!gone', labels: { app: 'web', tier: 'a' }, match: true },
    { name: 'prefixed keys', selector: 'example.com/role=api', labels: { 'example.com/role': 'api' }, match: true },
  ])('$name', ({ selector, labels, match }) => {
    expect(labelMatcher(selector)(pod(labels))).toBe(match)
  })

  it('rejects a bad requirement with a 400 starting "unable to parse requirement: "', () => {
    expect(() => labelMatcher('app=we b')).toThrow(expect.objectContaining({ code: 400, message: expect.stringMatching(/^unable to parse requirement: /) as string }) as Error)
  })
})

describe('fieldMatcher', () => {
  it('matches metadata and type-specific fields', () => {
    expect(fieldMatcher(pods, 'metadata.name=p,status.phase!=Pending')(pod({}))).toBe(true)
    expect(fieldMatcher(pods, 'status.phase=Pending')(pod({}))).toBe(false)
  })

  it('rejects unknown fields with the built-in message', () => {
    expect(() => fieldMatcher(pods, 'spec.foo=1')).toThrow('"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"')
  })
})

describe('labelSelectorString and labelSelectorMatcher', () => {
  it('write a LabelSelector as LabelSelectorAsSelector builds it, and refuse what it refuses', () => {
    expect(labelSelectorString({})).toBe('')
    expect(labelSelectorString({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'x', operator: 'NotIn', values: ['1'] }, { key: 'y', operator: 'Exists' }, { key: 'z', operator: 'DoesNotExist' }] })).toBe(
      'app=web,tier in (a,b),x notin (1),y,!z',
    )
    for (const bad of [{ key: 'a', operator: 'Gt', values: ['1'] }, { key: 'a', operator: 'In', values: [] }, { key: 'a', operator: 'Exists', values: ['1'] }, { key: 'a', operator: 'In', values: [1] }]) {
      expect(labelSelectorString({ matchExpressions: [bad] }), JSON.stringify(bad)).toBeUndefined()
    }
  })

  it('match everything for {}, and nothing for a selector that does not convert or does not parse', () => {
    expect(labelSelectorMatcher({})({})).toBe(true)
    expect(labelSelectorMatcher({ matchLabels: { app: 'web' } })({ app: 'web' })).toBe(true)
    expect(labelSelectorMatcher({ matchLabels: { app: 'web' } })({ app: 'db' })).toBe(false)
    // An unknown operator matched nothing for webhooks but was DoesNotExist for RBAC aggregation; now nothing for both.
    expect(labelSelectorMatcher({ matchExpressions: [{ key: 'a', operator: 'Unknown' }] })({})).toBe(false)
    expect(labelSelectorMatcher({ matchLabels: { 'bad key!': 'x' } })({ 'bad key!': 'x' })).toBe(false)
  })
})
