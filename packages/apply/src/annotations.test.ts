import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { exclusionReason, forceEnabled, pruneDisabled, pruneExclusion, reconcileDisabled, ssaPolicy, unknownAnnotations } from './annotations.js'

const annotated = (annotations: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', annotations } })

describe('annotations', () => {
  it.each([
    { annotations: {}, policy: 'Override' },
    { annotations: { 'gitops-sdk.io/ssa': 'IfNotPresent' }, policy: 'IfNotPresent' },
    { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'ignore' }, policy: 'Ignore' },
    { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'Merge' }, policy: 'Merge' },
    { annotations: { 'gitops-sdk.io/ssa': 'Ignore', 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }, policy: 'Ignore' },
    { annotations: { 'gitops-sdk.io/ssa': 'bogus' }, policy: 'Override' },
    { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'IFNOTPRESENT' }, policy: 'IfNotPresent' },
    { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': '' }, policy: 'Override' },
  ])('reads the ssa policy $policy from $annotations', ({ annotations, policy }) => {
    expect(ssaPolicy(annotated(annotations))).toBe(policy)
  })

  it('reads prune and force in both spellings', () => {
    expect(pruneDisabled(annotated({ 'gitops-sdk.io/prune': 'disabled' }))).toBe(true)
    expect(pruneDisabled(annotated({ 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' }))).toBe(true)
    expect(pruneDisabled(annotated({}))).toBe(false)
    expect(forceEnabled(annotated({ 'kustomize.toolkit.fluxcd.io/force': 'enabled' }))).toBe(true)
    expect(forceEnabled(annotated({ 'gitops-sdk.io/force': 'disabled' }))).toBe(false)
    expect(forceEnabled(undefined)).toBe(false)
  })

  it('reads labels as Flux does, besides annotations', () => {
    const labelled: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { 'kustomize.toolkit.fluxcd.io/ssa': 'Merge', 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } } }
    expect(ssaPolicy(labelled)).toBe('Merge')
    expect(reconcileDisabled(labelled)).toBe(true)
    expect(exclusionReason(labelled)).toBe('its reconcile annotation is disabled')
  })

  it('gives the reasons apply and prune leave an object alone', () => {
    expect(exclusionReason(annotated({ 'gitops-sdk.io/ssa': 'Ignore' }))).toBe('its ssa annotation is Ignore')
    expect(exclusionReason(annotated({ 'gitops-sdk.io/prune': 'disabled' }))).toBeUndefined()
    expect(pruneExclusion(annotated({ 'gitops-sdk.io/prune': 'disabled' }))).toEqual({ reason: 'its prune annotation is disabled', code: 'PRUNE_DISABLED' })
    expect(pruneExclusion(annotated({ 'kustomize.toolkit.fluxcd.io/reconcile': 'Disabled' }))).toEqual({ reason: 'its reconcile annotation is disabled', code: 'PRUNE_RECONCILE_DISABLED' })
    expect(pruneExclusion(annotated({ 'kustomize.toolkit.fluxcd.io/ssa': 'Ignore' }))).toEqual({ reason: 'its ssa annotation is Ignore', code: 'PRUNE_SSA_IGNORE' })
    expect(pruneExclusion(annotated({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }))).toBeUndefined()
  })

  it('lists unknown values, and only those', () => {
    expect(unknownAnnotations(annotated({ 'kustomize.toolkit.fluxcd.io/ssa': 'merge-ish', 'gitops-sdk.io/prune': 'Disabled', 'kustomize.toolkit.fluxcd.io/force': 'yes' }))).toEqual([
      { key: 'kustomize.toolkit.fluxcd.io/ssa', value: 'merge-ish', in: 'annotations' },
      { key: 'kustomize.toolkit.fluxcd.io/force', value: 'yes', in: 'annotations' },
    ])
    expect(unknownAnnotations(annotated({ unrelated: 'x' }))).toEqual([])
  })

  it('never reads inherited properties as annotations', () => {
    const polluted = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', annotations: Object.create({ 'kustomize.toolkit.fluxcd.io/ssa': 'Ignore' }) as Record<string, string> } } as KubeObject
    expect(ssaPolicy(polluted)).toBe('Override')
  })
})
