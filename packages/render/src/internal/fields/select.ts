// kustomize's resWrangler.Select: objects matching a selector's group, version, kind (regular
// expressions, anchored), name and namespace (matched against original and current ids), label
// selector and annotation selector. Literal names and kinds are answered from indexes.
import { stepError } from '../build/fail.js'
import type { GoRegexp } from '@gitops-sdk/core/go'
import { goRegExp } from './goRegexp.js'
import { parseGroupVersion } from '../build/ids.js'
import type { Selector } from '../build/kustomization.js'
import { matchesSelector, parseLabelSelector } from './labelSelector.js'
import type { Resource } from '../build/resource.js'
import { effectiveNamespace } from '../build/resource.js'
import type { ResMap } from '../build/resMap.js'
import type { SchemaState } from '../build/schema.js'

const LITERAL = /^[A-Za-z0-9_\-./:@ ]*$/

function anchored(pattern: string | undefined): GoRegexp | undefined {
  if (pattern === undefined || pattern === '') return undefined
  const re = goRegExp(`^(?:${pattern})$`)
  if (re === undefined) throw stepError('RENDER_PATCH_FAILED', `invalid regular expression in selector: ${pattern}`)
  return re
}

/** Whether a string needs no regular-expression handling (so equality decides). */
function isLiteral(s: string): boolean {
  return LITERAL.test(s) && !s.includes('.')
}

export function selectResources(m: ResMap, s: Selector, schemas: SchemaState): Resource[] {
  const group = anchored(s.group)
  const version = anchored(s.version)
  const kind = anchored(s.kind)
  const name = anchored(s.name)
  const namespace = anchored(s.namespace)
  const labels = s.labelSelector === undefined || s.labelSelector === '' ? undefined : parseLabelSelector(s.labelSelector)
  const annos = s.annotationSelector === undefined || s.annotationSelector === '' ? undefined : parseLabelSelector(s.annotationSelector)
  let pool: readonly Resource[] = m.resources()
  if (s.name !== undefined && s.name !== '' && isLiteral(s.name)) pool = m.byOrgOrCurName(s.name)
  else if (s.kind !== undefined && s.kind !== '' && isLiteral(s.kind)) pool = m.byKind(s.kind)
  const out: Resource[] = []
  for (const r of pool) {
    if (namespace !== undefined && !namespace.test(effectiveNamespace(r.orgId(), schemas)) && !namespace.test(r.effectiveNamespace(schemas))) continue
    if (name !== undefined) {
      const cur = r.name
      const org = r.prevIds[0]?.name ?? cur
      if (!name.test(org) && !name.test(cur)) continue
    }
    if (group !== undefined || version !== undefined) {
      const gv = parseGroupVersion(r.apiVersion)
      if (group !== undefined && !group.test(gv.group)) continue
      if (version !== undefined && !version.test(gv.version)) continue
    }
    if (kind !== undefined && !kind.test(r.kind)) continue
    if (labels !== undefined && !matchesSelector(labels, r.labels())) continue
    if (annos !== undefined && !matchesSelector(annos, r.annotations())) continue
    out.push(r)
  }
  return out
}
