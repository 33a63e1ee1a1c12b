import { describe, expect, it } from 'vitest'
import { getCondition, isConditionTrue, markFailed, markReady, markReconciling, setCondition } from './index.js'

const t0 = new Date('2026-01-01T00:00:00Z')
const t1 = new Date('2026-01-01T00:05:00Z')

describe('conditions', () => {
  it('keeps the transition time while the status stays the same', () => {
    const a = setCondition([], { type: 'Ready', status: 'True', reason: 'Applied', message: 'one' }, t0)
    const b = setCondition(a, { type: 'Ready', status: 'True', reason: 'Applied', message: 'two' }, t1)
    expect(getCondition(b, 'Ready')).toMatchObject({ message: 'two', lastTransitionTime: t0.toISOString() })
    const c = setCondition(b, { type: 'Ready', status: 'False', reason: 'Failed', message: 'x' }, t1)
    expect(getCondition(c, 'Ready')?.lastTransitionTime).toBe(t1.toISOString())
  })

  it('moves through reconciling, failed and ready as kstatus expects', () => {
    let conditions = markReconciling([], { reason: 'Progressing', message: 'applying' }, t0)
    expect(isConditionTrue(conditions, 'Reconciling')).toBe(true)
    expect(getCondition(conditions, 'Ready')?.status).toBe('Unknown')
    conditions = markFailed(conditions, { reason: 'BuildFailed', message: 'bad kustomization', stalled: true }, t1)
    expect(getCondition(conditions, 'Reconciling')).toBeUndefined()
    expect(getCondition(conditions, 'Stalled')?.status).toBe('True')
    expect(getCondition(conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'BuildFailed' })
    conditions = markReady(conditions, { reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:abc' }, t1)
    expect(conditions.map((c) => c.type)).toEqual(['Ready'])
    expect(isConditionTrue(conditions, 'Ready')).toBe(true)
  })
})
