// Objects compared across tools: the fleet benchmarks check that `gitops fleet build` printed what
// the reference printed per Kustomization or release, apart from the labels Flux itself adds.

/** `object` without the `<group>/name` and `<group>/namespace` labels Flux adds, as JSON with sorted keys. */
export function canonicalWithout(group, object) {
  const o = JSON.parse(JSON.stringify(object))
  const labels = o.metadata?.labels
  if (labels !== undefined) {
    const kept = Object.entries(labels).filter(([k]) => k !== `${group}/name` && k !== `${group}/namespace`)
    if (kept.length === 0) delete o.metadata.labels
    else o.metadata.labels = Object.fromEntries(kept)
  }
  const sort = (v) => (Array.isArray(v) ? v.map(sort) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v)
  return JSON.stringify(sort(o))
}
