import { describe, expect, it } from 'vitest'
import { invalid, notFound, statusBody } from './status.js'

describe('Status bodies', () => {
  it('leaves out an empty reason and details', () => {
    expect(statusBody({ code: 500, reason: '', message: 'boom' })).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'boom', code: 500 })
  })

  it('names the resource plural in NotFound details and omits the core group', () => {
    expect(notFound({ group: '', plural: 'configmaps' }, 'x').body()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "x" not found', reason: 'NotFound', details: { name: 'x', kind: 'configmaps' }, code: 404,
    })
  })

  it('joins several validation errors in brackets, without duplicates', () => {
    const err = invalid({ group: 'apps', kind: 'Deployment' }, 'web', [
      { type: 'Required', field: 'spec.selector' },
      { type: 'Invalid', field: 'spec.replicas', value: -1, detail: 'must be greater than or equal to 0' },
      { type: 'Required', field: 'spec.selector' },
    ])
    expect(err.message).toBe('Deployment.apps "web" is invalid: [spec.selector: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]')
    expect(err.body().details).toEqual({
      name: 'web',
      group: 'apps',
      kind: 'Deployment',
      causes: [
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
        { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' },
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
      ],
    })
  })
})
