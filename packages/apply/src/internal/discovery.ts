// Discovery with a per-client cache: group versions are fetched once and again only when a kind is
// missing (a CRD may have been installed since). Concurrent look-ups share one request.
import { isKubeMap } from '@gitops-sdk/core'
import type { ApiResource, KindTarget } from '../kubeClient.js'

/** Fetches a discovery document; undefined for 404. */
export type DiscoveryFetch = (path: string, signal: AbortSignal | undefined) => Promise<Record<string, unknown> | undefined>

export class Discovery {
  readonly #fetch: DiscoveryFetch
  readonly #groupVersions = new Map<string, Promise<readonly ApiResource[] | undefined>>()
  #groups: Promise<ReadonlyMap<string, string>> | undefined

  constructor(fetch: DiscoveryFetch) {
    this.#fetch = fetch
  }

  async resource(target: KindTarget, signal: AbortSignal | undefined): Promise<ApiResource | undefined> {
    let version = target.version
    if (version === undefined || version === '') {
      version = await this.#preferredVersion(target.group, signal)
      if (version === undefined) return undefined
    }
    const gv = target.group === '' ? version : `${target.group}/${version}`
    const cached = this.#groupVersions.get(gv)
    // Written without `?.` and `??` on awaited values: the CommonJS build turns those into helper
    // calls allocating closures and promises, and a drift check looks up every kind it reads.
    const found = kindIn(await (cached !== undefined ? cached : this.#load(gv, signal)), target.kind)
    if (found !== undefined || cached === undefined) return found
    // Known group version without the kind: look again once, the CRD may be new.
    return kindIn(await this.#load(gv, signal), target.kind)
  }

  async all(signal: AbortSignal | undefined): Promise<readonly ApiResource[]> {
    const groups = await this.#loadGroups(signal)
    const lists = await Promise.all([...groups].map(([group, version]) => this.#load(group === '' ? version : `${group}/${version}`, signal)))
    return lists.flatMap((l) => l ?? [])
  }

  async #preferredVersion(group: string, signal: AbortSignal | undefined): Promise<string | undefined> {
    if (group === '') return 'v1'
    const known = (await (this.#groups ?? this.#loadGroups(signal))).get(group)
    return known ?? (await this.#loadGroups(signal)).get(group)
  }

  #loadGroups(signal: AbortSignal | undefined): Promise<ReadonlyMap<string, string>> {
    const loading = (async () => {
      const body = await this.#fetch('/apis', signal)
      const groups = new Map<string, string>([['', 'v1']])
      for (const g of Array.isArray(body?.groups) ? body.groups : []) {
        if (!isKubeMap(g) || typeof g.name !== 'string') continue
        const preferred = isKubeMap(g.preferredVersion) ? g.preferredVersion.version : undefined
        if (typeof preferred === 'string') groups.set(g.name, preferred)
      }
      return groups
    })()
    this.#groups = loading
    loading.catch(() => {
      if (this.#groups === loading) this.#groups = undefined
    })
    return loading
  }

  #load(gv: string, signal: AbortSignal | undefined): Promise<readonly ApiResource[] | undefined> {
    const slash = gv.indexOf('/')
    const group = slash < 0 ? '' : gv.slice(0, slash)
    const version = slash < 0 ? gv : gv.slice(slash + 1)
    const loading = (async () => {
      const body = await this.#fetch(group === '' ? `/api/${version}` : `/apis/${gv}`, signal)
      if (body === undefined) return undefined
      const resources: ApiResource[] = []
      for (const r of Array.isArray(body.resources) ? body.resources : []) {
        if (!isKubeMap(r) || typeof r.name !== 'string' || r.name.includes('/') || typeof r.kind !== 'string') continue
        const verbs = Array.isArray(r.verbs) ? r.verbs.filter((v): v is string => typeof v === 'string') : []
        resources.push({ group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced === true, verbs })
      }
      return resources
    })()
    this.#groupVersions.set(gv, loading)
    loading.catch(() => {
      if (this.#groupVersions.get(gv) === loading) this.#groupVersions.delete(gv)
    })
    return loading
  }
}

function kindIn(resources: readonly ApiResource[] | undefined, kind: string): ApiResource | undefined {
  if (resources === undefined) return undefined
  for (const r of resources) if (r.kind === kind) return r
  return undefined
}
