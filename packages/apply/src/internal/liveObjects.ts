// Reads the live state of many objects in few requests: one GET for a lone object, one LIST per
// kind and namespace otherwise, narrowed by the inventory's ownership labels when there are some
// (then across all namespaces of a kind at once, falling back to one LIST per namespace when the
// identity may not list cluster-wide).
import { isGitOpsError, refKey } from '@gitops-sdk/core'
import type { KubeObject, ObjectRef } from '@gitops-sdk/core'
import type { KubeClient } from '../kubeClient.js'
import { mapAll } from './pool.js'

/** An object to read: its ref and the API version to read it at. */
export interface LiveTarget {
  readonly ref: ObjectRef
  readonly version: string
}

/**
 * Live objects by refKey: the object, `null` when it is known not to exist, and no entry when a
 * label-selected LIST did not show it (it may exist without our labels).
 */
export type LiveObjects = ReadonlyMap<string, KubeObject | null>

/** Options of {@link fetchLive}. */
export interface FetchLiveOptions {
  readonly client: KubeClient
  /** Label selector of the inventory's ownership labels, if any. */
  readonly selector?: string | undefined
  readonly concurrency: number
  readonly signal?: AbortSignal | undefined
}

interface Group {
  readonly group: string
  readonly version: string
  readonly kind: string
  /** Undefined: across all namespaces. */
  readonly namespace: string | undefined
  readonly targets: LiveTarget[]
}

/** Reads the live state of `targets`. */
export async function fetchLive(targets: readonly LiveTarget[], options: FetchLiveOptions): Promise<LiveObjects> {
  const { client, selector, signal } = options
  const out = new Map<string, KubeObject | null>()
  const groups = groupTargets(targets, selector !== undefined)
  await mapAll(
    groups,
    async (g) => {
      const only = g.targets[0]
      if (g.targets.length === 1 && only !== undefined) {
        const live = await client.get({ ...only.ref, version: only.version }, { signal })
        out.set(refKey(only.ref), live === undefined ? null : live)
        return
      }
      let items: readonly KubeObject[]
      try {
        items = (await client.list({ group: g.group, version: g.version, kind: g.kind, namespace: g.namespace, labelSelector: selector }, { signal })).items
      } catch (err) {
        if (g.namespace !== undefined || !isGitOpsError(err, 'APPLY_FORBIDDEN')) throw err
        // Not allowed to list across namespaces: one LIST per namespace instead.
        const perNamespace = groupTargets(g.targets, false)
        items = (
          await mapAll(perNamespace, async (n) => (await client.list({ group: n.group, version: n.version, kind: n.kind, namespace: n.namespace, labelSelector: selector }, { signal })).items, {
            limit: options.concurrency,
            signal,
          })
        ).flat()
      }
      const wanted = new Set(g.targets.map((t) => refKey(t.ref)))
      for (const item of items) {
        const key = refKey({ group: g.group, kind: g.kind, namespace: item.metadata.namespace ?? '', name: item.metadata.name })
        if (wanted.has(key)) out.set(key, item)
      }
      if (selector === undefined) for (const key of wanted) if (!out.has(key)) out.set(key, null)
    },
    { limit: options.concurrency, signal },
  )
  return out
}

function groupTargets(targets: readonly LiveTarget[], acrossNamespaces: boolean): Group[] {
  const byKind = new Map<string, LiveTarget[]>()
  for (const t of targets) {
    // `|` appears in none of these names (DNS names, versions, kinds).
    const key = `${t.ref.group}|${t.version}|${t.ref.kind}|${acrossNamespaces ? '' : t.ref.namespace}`
    let list = byKind.get(key)
    if (list === undefined) byKind.set(key, (list = []))
    list.push(t)
  }
  return [...byKind.values()].map((list) => {
    const first = list[0] as LiveTarget
    const namespaces = new Set(list.map((t) => t.ref.namespace))
    const namespace = namespaces.size === 1 ? first.ref.namespace : undefined
    return { group: first.ref.group, version: first.version, kind: first.ref.kind, namespace: namespace === '' ? undefined : namespace, targets: list }
  })
}
