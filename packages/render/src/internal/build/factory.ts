// Manifests text → objects, as kustomize's resource factory reads them: empty documents are
// skipped, every document needs a kind and (unless it is a *List) a metadata.name, and List
// objects with items are expanded into their items.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { isGitOpsError } from '@gitops-sdk/core'
import { parseYamlValues } from '@gitops-sdk/core/yaml'
import { stepError } from './fail.js'
import type { Value } from '../yaml/values.js'
import { getField, isMap, isNilOrEmpty, markNull, markScalarText, nodeText } from '../yaml/values.js'

/**
 * Parses YAML documents as kyaml reads them, reporting syntax errors as RENDER_YAML_INVALID naming
 * `source`: how each null was written is recorded (a strategic merge drops `key:` but keeps
 * `key: null`), and folded block scalars are what kyaml's own write-and-read-back leaves.
 */
export function parseYaml(text: string, source: string): KubeValue[] {
  try {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
    return parseYamlValues(body, { source, foldedRoundTrip: true, onNull: markNull, onScalarText: markScalarText }).map((d) => d.value)
  } catch (err) {
    if (isGitOpsError(err, 'CORE_YAML_INVALID', 'CORE_YAML_TOO_LARGE', 'CORE_YAML_TOO_DEEP')) {
      throw stepError('RENDER_YAML_INVALID', `MalformedYAMLError: ${err.message}`)
    }
    throw err
  }
}

/** Objects of a manifest text; throws a StepError (RENDER_YAML_INVALID) for anything else. */
export function objectsFromText(text: string, source: string): KubeMap[] {
  return objectsFromValues(parseYaml(text, source), source)
}

export function objectsFromValues(docs: readonly KubeValue[], source: string): KubeMap[] {
  const nodes: KubeMap[] = []
  // kio's ByteReader unwraps a lone List document.
  const single = docs.length === 1 ? docs[0] : undefined
  let list: readonly Value[] = docs
  if (isMap(single)) {
    const kind = nodeText(getField(single, 'kind'))
    if ((kind === 'List' || kind === 'ResourceList') && (getField(single, 'items') !== undefined || getField(single, 'functionConfig') !== undefined)) {
      const items = getField(single, 'items')
      list = Array.isArray(items) ? items : []
    }
  }
  for (const doc of list) {
    if (doc === null || isNilOrEmpty(doc)) continue
    nodes.push(validated(doc, source))
  }
  return inlineLists(nodes, source)
}

function validated(doc: Value, source: string): KubeMap {
  if (!isMap(doc)) throw stepError('RENDER_YAML_INVALID', `${source}: missing Resource metadata in a document that is not a mapping`)
  const kind = nodeText(getField(doc, 'kind'))
  const apiVersion = getField(doc, 'apiVersion')
  const md = getField(doc, 'metadata')
  const hasMeta = isMap(md) && Object.keys(md).length > 0
  if (kind === '' && (apiVersion === undefined || isNilOrEmpty(apiVersion)) && !hasMeta) {
    throw stepError('RENDER_YAML_INVALID', `${source}: missing Resource metadata`)
  }
  if (kind === '') throw stepError('RENDER_YAML_INVALID', `${source}: missing kind in object`)
  if (kind.endsWith('List')) return doc
  const name = isMap(md) ? getField(md, 'name') : undefined
  if (name === undefined || isNilOrEmpty(name) || nodeText(name) === '') {
    throw stepError('RENDER_YAML_INVALID', `${source}: missing metadata.name in object of kind ${kind}`)
  }
  return doc
}

function inlineLists(nodes: KubeMap[], source: string): KubeMap[] {
  const out: KubeMap[] = []
  const queue = [...nodes]
  for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
    const kind = nodeText(getField(n, 'kind'))
    if (!kind.endsWith('List') || getField(n, 'items') === undefined) {
      out.push(n)
      continue
    }
    const items = getField(n, 'items')
    if (items === null) continue
    if (!Array.isArray(items)) throw stepError('RENDER_YAML_INVALID', `${source}: expected array in ${kind}/items`)
    for (const item of items) {
      if (item === null || isNilOrEmpty(item)) continue
      queue.push(validated(item, source))
    }
  }
  return out
}
