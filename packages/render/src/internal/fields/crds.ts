// `crds`: OpenAPI definitions of custom types (openapi-gen style, name → {Schema}) whose
// x-kubernetes-* extensions add field specs: annotations, label selectors, names (identity) and
// object references (name back-references).
import type { FieldSpec, TransformerConfig } from './configs.js'
import { emptyConfig, mergeFieldSpecs, mergeConfig } from './configs.js'
import { parseYaml } from '../build/factory.js'
import { stepError } from '../build/fail.js'
import type { Gvk } from '../build/ids.js'
import type { Value } from '../yaml/values.js'
import { getField, isMap } from '../yaml/values.js'

function findKey(m: Record<string, Value>, key: string): Value | undefined {
  const k = Object.keys(m).find((x) => x.toLowerCase() === key.toLowerCase())
  return k === undefined ? undefined : m[k]
}

function ext(prop: Record<string, Value>, key: string): string | undefined {
  const v = findKey(prop, key)
  return typeof v === 'string' ? v : undefined
}

export function loadCrdConfig(text: string, path: string): TransformerConfig {
  const doc = parseYaml(text, path)[0]
  if (!isMap(doc)) throw stepError('RENDER_YAML_INVALID', `unable to parse open API definition from '${path}'`)
  const schemas = new Map<string, Record<string, Value>>()
  for (const [name, def] of Object.entries(doc)) {
    const schema = isMap(def) ? findKey(def, 'Schema') : undefined
    schemas.set(name, isMap(schema) ? schema : {})
  }
  let result = emptyConfig()
  for (const [name, schema] of schemas) {
    const props = getField(schema, 'properties')
    if (!isMap(props) || !('kind' in props) || !('apiVersion' in props) || !('metadata' in props)) continue
    const tc = emptyConfig()
    const kind = name.split('.').pop() ?? name
    load(tc, { group: '', version: '', kind }, { schemas, typeName: name, path: [], depth: 0 })
    result = mergeConfig(result, tc)
  }
  return result
}

interface Walk {
  readonly schemas: ReadonlyMap<string, Record<string, Value>>
  readonly typeName: string
  readonly path: readonly string[]
  readonly depth: number
}

function fieldSpec(gvk: Gvk, path: readonly string[]): FieldSpec {
  return { ...gvk, path: path.join('/'), create: false }
}

function load(tc: TransformerConfig, gvk: Gvk, w: Walk): void {
  const schema = w.schemas.get(w.typeName)
  if (schema === undefined || w.depth > 32) return
  const props = getField(schema, 'properties')
  if (!isMap(props)) return
  for (const [propName, raw] of Object.entries(props)) {
    if (!isMap(raw)) continue
    const path = [...w.path, propName]
    if (ext(raw, 'x-kubernetes-annotation') !== undefined) tc.commonAnnotations = mergeFieldSpecs(tc.commonAnnotations, [fieldSpec(gvk, path)])
    if (ext(raw, 'x-kubernetes-label-selector') !== undefined) tc.commonLabels = mergeFieldSpecs(tc.commonLabels, [fieldSpec(gvk, path)])
    if (ext(raw, 'x-kubernetes-identity') !== undefined) tc.namePrefix = mergeFieldSpecs(tc.namePrefix, [fieldSpec(gvk, path)])
    const version = ext(raw, 'x-kubernetes-object-ref-api-version')
    const kind = ext(raw, 'x-kubernetes-object-ref-kind')
    if (version !== undefined && kind !== undefined) {
      const nameKey = ext(raw, 'x-kubernetes-object-ref-name-key') ?? 'name'
      const target = { group: '', version, kind }
      const existing = tc.nameReference.find((n) => n.gvk.kind === kind && n.gvk.version === version && n.gvk.group === '')
      if (existing === undefined) tc.nameReference.push({ gvk: target, referrers: [fieldSpec(gvk, [...path, nameKey])] })
      else existing.referrers.push(fieldSpec(gvk, [...path, nameKey]))
    }
    const ref = getField(raw, '$ref')
    if (typeof ref === 'string' && ref !== '') load(tc, gvk, { ...w, typeName: ref, path, depth: w.depth + 1 })
  }
}
