import { describe, expect, it } from 'vitest'
import type { ObjectRef } from '@gitops-sdk/core'
import { createApplyHistory } from './applyHistory.js'

const web: ObjectRef = { group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web' }
const flip = [{ ref: web, overrides: [{ path: '.spec.replicas', manager: 'hpa' }] }]
const quiet = [{ ref: web, overrides: [] }]

describe('createApplyHistory', () => {
  it('warns when the same field is taken back from the same manager in applies in a row', () => {
    const history = createApplyHistory()
    expect(history.observe('gitops', flip)).toEqual([])
    expect(history.observe('gitops', flip)).toEqual([
      expect.objectContaining({ type: 'reconcile-loop', ref: web, path: '.spec.replicas', manager: 'hpa', count: 2, message: 'Deployment/prod/web: reconcile loop: .spec.replicas keeps flipping between the value of "gitops" and the value of "hpa" (overwritten 2 applies in a row)' }),
    ])
  })

  it('starts over after an apply that overwrote nothing, and keeps field managers apart', () => {
    const history = createApplyHistory({ threshold: 2 })
    history.observe('gitops', flip)
    history.observe('gitops', quiet)
    expect(history.observe('gitops', flip)).toEqual([])
    expect(history.observe('other', flip)).toEqual([])
  })

  it('keeps counting for objects not in an apply', () => {
    const history = createApplyHistory({ threshold: 2 })
    history.observe('gitops', flip)
    history.observe('gitops', [])
    expect(history.observe('gitops', flip)).toHaveLength(1)
  })

  it('refuses a threshold below one', () => {
    expect(() => createApplyHistory({ threshold: 0 })).toThrow(TypeError)
  })
})
