import { describe, expect, it } from 'vitest'
import type { DriftReport } from './diff.js'
import { formatDiff } from './formatDiff.js'

const report: DriftReport = {
  drifted: true,
  objects: [
    { ref: { group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web' }, status: 'drifted', fields: [
      { path: '.spec.replicas', live: 5, desired: 2, manager: 'kubectl' },
      { path: '.metadata.labels.team', desired: 'payments' },
      { path: '.spec.template.spec.containers[name="app"].env', live: [{ name: 'A', value: '1' }] },
    ] },
    { ref: { group: '', kind: 'ConfigMap', namespace: 'prod', name: 'new' }, status: 'missing', fields: [{ path: '.', desired: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new', namespace: 'prod' } } }] },
    { ref: { group: '', kind: 'ConfigMap', namespace: 'prod', name: 'old' }, status: 'orphaned', fields: [], reason: 'in the inventory but no longer in Git; prune deletes it' },
    { ref: { group: '', kind: 'ConfigMap', namespace: 'prod', name: 'same' }, status: 'unchanged', fields: [] },
    { ref: { group: '', kind: 'Secret', namespace: 'prod', name: 'bad' }, status: 'failed', fields: [], reason: 'dry-run apply failed (Invalid): data: bad' },
  ],
}

describe('formatDiff', () => {
  it('renders a unified diff with owners and a summary', () => {
    expect(formatDiff(report)).toBe(`--- Deployment/prod/web (live)
+++ Deployment/prod/web (desired)
@@ .spec.replicas @@ owned by kubectl
-5
+2
@@ .metadata.labels.team @@
+payments
@@ .spec.template.spec.containers[name="app"].env @@
-- name: A
-  value: "1"
--- ConfigMap/prod/new (not in the cluster)
+++ ConfigMap/prod/new (desired)
@@ . @@
+apiVersion: v1
+kind: ConfigMap
+metadata:
+  name: new
+  namespace: prod
--- ConfigMap/prod/old (live)
+++ ConfigMap/prod/old (not in Git; prune deletes it)
! Secret/prod/bad failed: dry-run apply failed (Invalid): data: bad
1 drifted, 1 missing, 1 orphaned, 1 failed, 1 unchanged
`)
  })

  it('colours removals red, additions green and hunks cyan for terminals', () => {
    const text = formatDiff(report, { color: true })
    expect(text).toContain('\u001b[31m-5\u001b[0m')
    expect(text).toContain('\u001b[32m+2\u001b[0m')
    expect(text).toContain('\u001b[36m@@ .spec.replicas @@ owned by kubectl\u001b[0m')
  })

  it('lists unchanged objects on request', () => {
    expect(formatDiff(report, { showUnchanged: true })).toContain('  ConfigMap/prod/same unchanged\n')
  })
})
