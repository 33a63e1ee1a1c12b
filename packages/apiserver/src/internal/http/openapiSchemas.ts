// The component schemas of the OpenAPI v3 documents, as kube-apiserver 1.32 publishes them: one
// schema per definition reachable from the kinds of a group version, properties that name another
// definition as `allOf: [{$ref}]`, the `x-kubernetes-*` extensions kept (strategic merge keys and
// strategies, list and map types), and `x-kubernetes-group-version-kind` on each served kind. kubectl
// reads them for `explain` and for the strategic merge patches of client-side `apply`, `diff` and
// `edit`, so their structure and merge keys come from the same table as the server's own merges
// (@gitops-sdk/core's, generated from the Kubernetes API documents), and the descriptions from the
// same source (src/generated/openapiDescriptions.ts, decoded on first use).
//
// Custom resources get what the apiextensions-apiserver builds from a CRD version's schema: the
// schema itself under the group reversed (`io.fluxcd.toolkit.kustomize.v1.Kustomization`), with
// `metadata` referring to ObjectMeta, and a `…List` beside it.
import { brotliDecompressSync } from 'node:zlib'
import type { KubeMap, KubeValue, SchemaDefinition, SchemaNode } from '@gitops-sdk/core'
import { builtinDefinition, builtinDefinitionName, isKubeMap, setOwn } from '@gitops-sdk/core'
import { openapiDescriptionsBrotli } from '../../generated/openapiDescriptions.js'
import type { ResourceType } from '../state/registry.js'
import { apiVersionOf } from '../state/registry.js'

type Descriptions = ReadonlyMap<string, readonly [description: string, fields: Readonly<Record<string, string>>]>

let descriptions: Descriptions | undefined
/** The descriptions table, decoded once. Entries are own properties of a prototype-free map. */
function descriptionsOf(name: string): readonly [string, Readonly<Record<string, string>>] | undefined {
  if (descriptions === undefined) {
    const json = brotliDecompressSync(Buffer.from(openapiDescriptionsBrotli, 'base64')).toString('utf8')
    descriptions = new Map(Object.entries(JSON.parse(json) as Record<string, [string, Record<string, string>]>))
  }
  return descriptions.get(name)
}

const objectMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'
const listMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta'

// 1.22's documents have autoscaling/v2's shape under v2beta2; a 1.32 cluster names it v2.
const renames: readonly (readonly [from: string, to: string])[] = [['io.k8s.api.autoscaling.v2beta2.', 'io.k8s.api.autoscaling.v2.']]
function publicName(name: string): string {
  for (const [from, to] of renames) if (name.startsWith(from)) return to + name.slice(from.length)
  return name
}

const schemaRef = (name: string): KubeMap => ({ $ref: `#/components/schemas/${publicName(name)}` })

/** One schema node in v3 form, noting the definitions it refers to. */
function convert(node: SchemaNode, description: string | undefined, refs: string[]): KubeMap {
  const out: KubeMap = {}
  if (node.ref !== undefined) {
    refs.push(node.ref)
    out.allOf = [schemaRef(node.ref)]
  } else {
    if (node.type !== undefined) out.type = node.type
    if (node.format !== undefined) out.format = node.format
    if (node.items !== undefined) out.items = convert(node.items, undefined, refs)
    if (node.additionalProperties !== undefined) {
      out.additionalProperties = typeof node.additionalProperties === 'boolean' ? node.additionalProperties : convert(node.additionalProperties, undefined, refs)
    }
  }
  if (node.default !== undefined) out.default = node.default
  if (description !== undefined && description !== '') out.description = description
  extensions(node, out)
  return out
}

function extensions(node: SchemaNode, out: KubeMap): void {
  if (node.intOrString === true) out['x-kubernetes-int-or-string'] = true
  if (node.listMapKeys !== undefined) out['x-kubernetes-list-map-keys'] = [...node.listMapKeys]
  if (node.listType !== undefined) out['x-kubernetes-list-type'] = node.listType
  if (node.mapType !== undefined) out['x-kubernetes-map-type'] = node.mapType
  if (node.patchMergeKey !== undefined) out['x-kubernetes-patch-merge-key'] = node.patchMergeKey
  if (node.patchStrategy !== undefined) out['x-kubernetes-patch-strategy'] = node.patchStrategy
  if (node.preserveUnknownFields === true) out['x-kubernetes-preserve-unknown-fields'] = true
}

// kube-openapi describes these two in v3 by the alternatives they take rather than as strings, so
// kubectl prints their names (`<IntOrString>`, `<map[string]Quantity>`) as against a cluster.
const oneOf: Readonly<Record<string, KubeMap>> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
}

/** One definition in v3 form; `refs` collects the definitions it names. */
function definitionSchema(name: string, definition: SchemaDefinition, refs: string[]): KubeMap {
  const [description, fields] = descriptionsOf(name) ?? ['', {}]
  const alternatives = Object.hasOwn(oneOf, name) ? oneOf[name] : undefined
  if (alternatives !== undefined) return description === '' ? { ...alternatives } : { description, ...alternatives }
  const out = convert({ ...definition, ref: undefined }, description, refs)
  if (definition.properties !== undefined) {
    const properties: KubeMap = {}
    for (const [field, node] of Object.entries(definition.properties)) properties[field] = convert(node, Object.hasOwn(fields, field) ? fields[field] : undefined, refs)
    out.properties = properties
  }
  if (definition.required !== undefined && definition.required.length > 0) out.required = [...definition.required]
  return out
}

/** Adds `names` and every definition they reach to `schemas`, each under its public name. */
function addDefinitions(schemas: KubeMap, names: readonly string[]): void {
  const queue = [...names]
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const key = publicName(name)
    if (Object.hasOwn(schemas, key)) continue
    const definition = builtinDefinition(name)
    if (definition === undefined) continue
    const refs: string[] = []
    schemas[key] = definitionSchema(name, definition, refs)
    queue.push(...refs)
  }
}

const gvk = (type: ResourceType, kind: string): KubeMap[] => [{ group: type.group, kind, version: type.version }]

/** The component schemas of built-in `types` (one group version), sorted by name as kube-openapi writes them. */
export function builtinComponentSchemas(types: readonly ResourceType[]): KubeMap {
  const schemas: KubeMap = {}
  const roots: [ResourceType, string, string][] = []
  for (const type of types) {
    for (const kind of [type.kind, type.listKind]) {
      const name = builtinDefinitionName(apiVersionOf(type), kind)
      if (name !== undefined) roots.push([type, kind, name])
    }
  }
  addDefinitions(schemas, roots.map(([, , name]) => name))
  for (const [type, kind, name] of roots) {
    const schema = schemas[publicName(name)]
    if (isKubeMap(schema)) schema['x-kubernetes-group-version-kind'] = gvk(type, kind)
  }
  return sortedKeys(schemas)
}

/** `kustomize.toolkit.fluxcd.io` `v1` `Kustomization` → `io.fluxcd.toolkit.kustomize.v1.Kustomization`, as the apiextensions-apiserver names it. */
export function crdSchemaName(type: Pick<ResourceType, 'group' | 'version'>, kind: string): string {
  return [...type.group.split('.').reverse(), type.version, kind].join('.')
}

const fieldDescription = (field: string): string | undefined => descriptionsOf('io.k8s.api.core.v1.ConfigMap')?.[1][field]

/** The component schemas of custom resource `types` (one group version), from their CRDs' schemas. */
export function crdComponentSchemas(types: readonly ResourceType[]): KubeMap {
  const schemas: KubeMap = {}
  const typeMeta = (): KubeMap => ({
    apiVersion: { type: 'string', description: fieldDescription('apiVersion') ?? '' },
    kind: { type: 'string', description: fieldDescription('kind') ?? '' },
  })
  for (const type of types) {
    const name = crdSchemaName(type, type.kind)
    const own: KubeValue | undefined = type.crd?.schema
    const root: KubeMap = isKubeMap(own) ? { ...own } : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }
    const properties: KubeMap = isKubeMap(root.properties) ? { ...root.properties } : {}
    Object.assign(properties, typeMeta(), { metadata: { allOf: [schemaRef(objectMeta)], description: fieldDescription('metadata') ?? '' } })
    root.type = 'object'
    root.properties = sortedKeys(properties)
    root['x-kubernetes-group-version-kind'] = gvk(type, type.kind)
    schemas[name] = root
    schemas[crdSchemaName(type, type.listKind)] = {
      description: `${type.kind}List is a list of ${type.kind}`,
      type: 'object',
      required: ['items'],
      properties: {
        ...typeMeta(),
        items: { type: 'array', description: `List of ${type.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, items: { allOf: [schemaRef(name)] } },
        metadata: { allOf: [schemaRef(listMeta)], description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
      },
      'x-kubernetes-group-version-kind': gvk(type, type.listKind),
    }
  }
  addDefinitions(schemas, [objectMeta, listMeta])
  return sortedKeys(schemas)
}

function sortedKeys(map: KubeMap): KubeMap {
  const out: KubeMap = {}
  for (const key of Object.keys(map).sort()) setOwn(out, key, map[key] as KubeValue)
  return out
}
