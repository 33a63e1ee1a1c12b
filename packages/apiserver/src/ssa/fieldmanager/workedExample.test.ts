import { describe, expect, it } from 'vitest'
import { ObjectStore } from './testSupport.js'

// The golden worked example of the spec (SPEC.md §10.10), step by step.
describe('server-side apply worked example (SPEC.md §10.10)', () => {
  const store = new ObjectStore('v1', 'ConfigMap')

  it('1. sdk applies data {a, b}: created with one Apply entry', () => {
    const outcome = store.apply('sdk', { data: { a: '1', b: '2' } })
    expect(outcome.kind).toBe('changed')
    expect(store.live?.metadata.managedFields).toEqual([
      {
        manager: 'sdk',
        operation: 'Apply',
        apiVersion: 'v1',
        time: '2024-05-01T10:00:01Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
      },
    ])
    expect(store.live).toMatchObject({ data: { a: '1', b: '2' }, metadata: { resourceVersion: '1' } })
  })

  it('2. a merge patch by kubectl-edit sets b: sdk keeps a, kubectl-edit owns b', () => {
    store.patch('kubectl-edit', { data: { b: '3' } })
    expect(store.live?.data).toEqual({ a: '1', b: '3' })
    expect(store.entries()).toEqual([
      { manager: 'sdk', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
      { manager: 'kubectl-edit', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:b': {} } } },
    ])
    expect(store.live?.metadata.managedFields).toMatchObject([{ time: '2024-05-01T10:00:01Z' }, { time: '2024-05-01T10:00:02Z' }])
  })

  it('3. sdk applies {a, b: "2"} again: 409 with the exact message and cause', () => {
    const before = store.resourceVersion
    const outcome = store.apply('sdk', { data: { a: '1', b: '2' } })
    expect(outcome).toEqual({
      kind: 'conflict',
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.b',
        reason: 'Conflict',
        details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using v1', field: '.data.b' }] },
        code: 409,
      },
    })
    expect(store.resourceVersion).toBe(before)
  })

  it('4. sdk applies {a}: nothing is written, b stays "3"', () => {
    const before = store.live
    const outcome = store.apply('sdk', { data: { a: '1' } })
    expect(outcome).toEqual({ kind: 'noop' })
    expect(store.live).toBe(before)
    expect(store.live?.data).toEqual({ a: '1', b: '3' })
  })

  it('5. sdk applies {a, b: "2"} with force: b is "2", the kubectl-edit entry disappears', () => {
    const outcome = store.apply('sdk', { data: { a: '1', b: '2' } }, { force: true })
    expect(outcome.kind).toBe('changed')
    expect(store.live?.data).toEqual({ a: '1', b: '2' })
    expect(store.entries()).toEqual([
      { manager: 'sdk', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } },
    ])
  })

  it('6. sdk applies {b}: a is pruned (only sdk owned it)', () => {
    const outcome = store.apply('sdk', { data: { b: '2' } })
    expect(outcome.kind).toBe('changed')
    expect(store.live?.data).toEqual({ b: '2' })
    expect(store.entries()).toEqual([
      { manager: 'sdk', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:b': {} } } },
    ])
  })
})
