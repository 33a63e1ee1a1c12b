// HelmRelease `spec.dependsOn` as helm-controller honours it: a release is installed after the
// releases it depends on; one whose dependency the fleet does not define, or that sits on a cycle
// (or waits on such a release), is never installed, so the build refuses it with a problem.
import { formatRef, refOf } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, ObjectRef } from '@gitops-sdk/core'

/** A HelmRelease the fleet renders, and the Kustomization that renders it. */
export interface PendingRelease {
  readonly object: KubeObject
  readonly by: string
}

/** What {@link orderReleases} found: the releases to build in order, and the ones refused. */
export interface ReleaseOrder {
  readonly ordered: PendingRelease[]
  readonly refused: { readonly ref: ObjectRef; readonly message: string }[]
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`

/** The `NS/NAME` keys a HelmRelease depends on (`spec.dependsOn[].name`, namespace defaulting to its own). */
function dependenciesOf(o: KubeObject): string[] {
  const spec = (o as unknown as KubeMap).spec
  const list = typeof spec === 'object' && spec !== null && !Array.isArray(spec) && Object.prototype.hasOwnProperty.call(spec, 'dependsOn') ? (spec).dependsOn : undefined
  const out: string[] = []
  for (const d of Array.isArray(list) ? list : []) {
    if (typeof d !== 'object' || d === null || Array.isArray(d)) continue
    const name = Object.prototype.hasOwnProperty.call(d, 'name') ? d.name : undefined
    const ns = Object.prototype.hasOwnProperty.call(d, 'namespace') ? d.namespace : undefined
    if (typeof name === 'string' && name !== '') out.push(`${typeof ns === 'string' && ns !== '' ? ns : (o.metadata.namespace ?? 'default')}/${name}`)
  }
  return out
}

/** Orders `releases` so dependencies come first (otherwise in fleet order); refuses missing and cyclic dependencies. */
export function orderReleases(releases: readonly PendingRelease[]): ReleaseOrder {
  const byKey = new Map<string, PendingRelease>()
  for (const r of releases) if (!byKey.has(keyOf(r.object))) byKey.set(keyOf(r.object), r)
  const deps = new Map(releases.map((r) => [r, dependenciesOf(r.object)]))
  const ordered: PendingRelease[] = []
  const refused: ReleaseOrder['refused'] = []
  const placed = new Set<string>()
  const blocked = new Set<string>()
  const refuse = (r: PendingRelease, why: string): void => {
    blocked.add(keyOf(r.object))
    refused.push({ ref: refOf(r.object), message: `${formatRef(refOf(r.object))}: ${why}` })
  }
  for (const r of releases) {
    const missing = (deps.get(r) ?? []).filter((d) => !byKey.has(d))
    if (missing.length > 0) refuse(r, `depends on HelmRelease ${missing.join(', ')}, which the fleet does not define`)
  }
  // Kahn's order, stable: each pass places every release whose dependencies are placed.
  let progress = true
  while (progress) {
    progress = false
    for (const r of releases) {
      const key = keyOf(r.object)
      if (placed.has(key) || blocked.has(key)) continue
      const waiting = (deps.get(r) ?? []).filter((d) => !placed.has(d))
      const onBlocked = waiting.filter((d) => blocked.has(d))
      if (onBlocked.length > 0) {
        refuse(r, `depends on HelmRelease ${onBlocked.join(', ')}, which cannot be installed`)
        progress = true
      } else if (waiting.length === 0) {
        placed.add(key)
        ordered.push(r)
        progress = true
      }
    }
  }
  for (const r of releases) {
    const key = keyOf(r.object)
    if (placed.has(key) || blocked.has(key)) continue
    refuse(r, `dependency cycle through HelmRelease ${(deps.get(r) ?? []).filter((d) => !placed.has(d)).join(', ')}`)
  }
  return { ordered, refused }
}
