import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { forceEnabled, pruneDisabled, ssaPolicy } from './annotations.js'

const annotated = (annotations: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', annotations } })

describe('annotations', () => {
  it.each([
    { annotations: {}, policy: 'Override' },
    { annotations: { 'gitops-sdk.io/ssa': 'IfNotPresent' }, policy: 'IfNotPresent' },
    { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'ignore' }, policy: 'Ignore' },
    { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'Merge' }, policy: 'Merge' },
    { annotations: { 'gitops-sdk.io/ssa': 'Ignore', 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }, policy: 'Ignore' },
    { annotations: { 'gitops-sdk.io/ssa': 'bogus' }, policy: 'Override' },
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
})
