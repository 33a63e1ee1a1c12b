// OpenAPI v3 documents (level L3 of the design): `/openapi/v3`, the index of group versions, and
// `/openapi/v3/api/v1`, `/openapi/v3/apis/{group}/{version}`, each with the paths and operations of
// the built-in resources served there. They exist for kubectl: before `apply` and `create` it
// looks for a PATCH operation of the object's kind that takes the `fieldValidation` parameter and,
// finding one, leaves validation to the server (which does it, SPEC.md §8.1) instead of failing
// with "failed to download openapi" unless `--validate=false` is given. Custom resources need no
// document of their own: for a kind that has a CRD, kubectl checks the Namespace operations. For
// what v3 does not cover (a `List`, a kind nothing serves) kubectl falls back to `/openapi/v2`,
// served here without paths or definitions.
//
// Each document also carries the component schemas of its kinds (openapiSchemas.ts), which
// `kubectl explain` prints and client-side `kubectl apply` computes its strategic merge patches
// from. Group versions of custom resources get a document as soon as their CRD is established,
// built again when the CRDs served there change.
import { createHash } from 'node:crypto'
import type { KubeMap } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import type { ResourceType } from '../state/registry.js'
import { builtinComponentSchemas, crdComponentSchemas } from './openapiSchemas.js'

/** The URL path of a group version's document below `/openapi/v3/`. */
function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`
}

interface Document {
  readonly text: string
  readonly hash: string
  /** The types the document was built from; a CRD document is rebuilt when they change. */
  readonly types: readonly ResourceType[]
}

const documents = new WeakMap<Cluster, Map<string, Document>>()
// Built-in documents depend only on the version string and the built-in types (the same objects in
// every cluster), so servers in one process share them: the first index request pays once.
const builtinDocuments = new Map<string, Document>()

/** The served types of `cluster` by group version path, built-ins first, in registration order. */
function typesByPath(cluster: Cluster): Map<string, ResourceType[]> {
  const groups = new Map<string, ResourceType[]>()
  for (const type of cluster.types.values()) {
    if (type.crd !== undefined && !type.crd.served) continue
    const key = gvPath(type.group, type.version)
    groups.set(key, [...(groups.get(key) ?? []), type])
  }
  return groups
}

const sameTypes = (a: readonly ResourceType[], b: readonly ResourceType[]): boolean => a.length === b.length && a.every((t, i) => t === b[i])

/**
 * The documents of `cluster`'s group versions, by path. Built-in documents are built once (built-ins
 * never change); a custom resource group version's is rebuilt when its types change (a CRD created,
 * updated or deleted), so its hash in the index changes too and kubectl fetches it again.
 */
function byPath(cluster: Cluster): Map<string, Document> {
  let cache = documents.get(cluster)
  if (cache === undefined) {
    cache = new Map()
    documents.set(cluster, cache)
  }
  const current = typesByPath(cluster)
  for (const path of [...cache.keys()]) if (!current.has(path)) cache.delete(path)
  for (const [path, types] of current) {
    const cached = cache.get(path)
    if (cached !== undefined && sameTypes(cached.types, types)) continue
    const custom = types.some((t) => t.crd !== undefined)
    const shared = `${cluster.settings.gitVersion} ${path}`
    const known = custom ? undefined : builtinDocuments.get(shared)
    if (known !== undefined && sameTypes(known.types, types)) {
      cache.set(path, known)
      continue
    }
    const schemas = custom ? crdComponentSchemas(types) : builtinComponentSchemas(types)
    const text = `${JSON.stringify(groupVersionDocument(cluster.settings.gitVersion, types, schemas))}\n`
    const document: Document = { text, hash: createHash('sha512').update(text).digest('hex').toUpperCase(), types }
    cache.set(path, document)
    if (!custom) builtinDocuments.set(shared, document)
  }
  return cache
}

/** `GET /openapi/v3`: where each group version's document is. */
export function openApiIndex(cluster: Cluster): KubeMap {
  const paths: KubeMap = {}
  for (const [path, doc] of byPath(cluster)) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${doc.hash}` }
  return { paths }
}

/** `GET /openapi/v3/{path}` as JSON text, or undefined when nothing is served there. */
export function openApiDocument(cluster: Cluster, path: string): string | undefined {
  return byPath(cluster).get(path)?.text
}

const queryParameter = (name: string, description: string, type = 'string'): KubeMap => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
})

const dryRun = queryParameter('dryRun', 'When present, modifications are not persisted. The only valid value is All.')
const fieldManager = queryParameter('fieldManager', 'The name of the actor or entity that is making these changes.')
const fieldValidation = queryParameter(
  'fieldValidation',
  'How the server treats fields of the object it does not know: Ignore, Warn (the default) or Strict.',
)
const force = queryParameter('force', 'Force is going to "force" Apply requests; it must be unset for other patches.', 'boolean')
const listParameters = [
  queryParameter('allowWatchBookmarks', 'Requests watch events of type BOOKMARK.', 'boolean'),
  queryParameter('continue', 'The continue token of the previous page.'),
  queryParameter('fieldSelector', 'Restricts the list of returned objects by their fields.'),
  queryParameter('labelSelector', 'Restricts the list of returned objects by their labels.'),
  queryParameter('limit', 'The maximum number of objects to return.', 'integer'),
  queryParameter('resourceVersion', 'Which resource versions the request may be served from.'),
  queryParameter('resourceVersionMatch', 'How resourceVersion is applied to list calls.'),
  queryParameter('timeoutSeconds', 'Timeout for the list or watch call.', 'integer'),
  queryParameter('watch', 'Watch for changes to the described resources.', 'boolean'),
]
const deleteParameters = [
  dryRun,
  queryParameter('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  queryParameter('propagationPolicy', 'Whether and how garbage collection is performed: Orphan, Background or Foreground.'),
]
const pathParameter = (name: string, description: string): KubeMap => ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } })
const nameParameter = (kind: string): KubeMap => pathParameter('name', `name of the ${kind}`)
const namespaceParameter = pathParameter('namespace', 'object name and auth scope, such as for teams and projects')

const jsonBody = (types: readonly string[]): KubeMap => ({
  content: Object.fromEntries(types.map((t) => [t, { schema: { type: 'object' } }])),
  required: true,
})
const writeBody = jsonBody(['*/*'])
const patchBody = jsonBody([
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
])
const ok: KubeMap = { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } } }
const created: KubeMap = { ...ok, '201': { description: 'Created' }, '202': { description: 'Accepted' } }
const writeFields: KubeMap = { parameters: [dryRun, fieldManager, fieldValidation], requestBody: writeBody, responses: created }
const patchFields: KubeMap = { parameters: [dryRun, fieldManager, fieldValidation, force], requestBody: patchBody, responses: created }

type Scope = 'Namespaced' | '' | 'ForAllNamespaces'

/** How one operation differs from the others of its path. */
interface OperationSpec {
  /** `Status`, `Scale`, `Finalize` for a subresource. */
  readonly suffix?: string
  readonly scope?: Scope
  readonly fields?: KubeMap
}

/** `patchAppsV1NamespacedDeployment`, as kube-openapi names operations. */
function operationId(verb: string, type: ResourceType, spec: { suffix: string; scope: Scope }): string {
  const group = type.group === '' ? 'Core' : type.group.split('.')[0] ?? ''
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
  const prefix = `${verb}${cap(group)}${cap(type.version)}`
  const { suffix, scope } = spec
  return scope === 'ForAllNamespaces' ? `${prefix}${type.kind}${suffix}ForAllNamespaces` : `${prefix}${scope}${type.kind}${suffix}`
}

function groupVersionDocument(gitVersion: string, types: readonly ResourceType[], schemas: KubeMap): KubeMap {
  const paths: KubeMap = {}
  for (const type of types) Object.assign(paths, resourcePaths(type))
  const first = types[0]
  const title = first === undefined ? 'Kubernetes' : `Kubernetes ${gvPath(first.group, first.version)}`
  return { openapi: '3.0.0', info: { title, version: gitVersion }, paths, components: { schemas } }
}

function resourcePaths(type: ResourceType): KubeMap {
  const base = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`
  const scope = type.namespaced ? 'Namespaced' : ''
  const collection = type.namespaced ? `${base}/namespaces/{namespace}/${type.plural}` : `${base}/${type.plural}`
  const gvk = { group: type.group, version: type.version, kind: type.kind }
  const tag = type.group === '' ? `core_${type.version}` : `${type.group.split('.')[0] ?? ''}_${type.version}`
  const op = (verb: string, action: string, spec: OperationSpec = {}): KubeMap => ({
    tags: [tag],
    operationId: operationId(verb, type, { suffix: spec.suffix ?? '', scope: spec.scope ?? scope }),
    responses: ok,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...spec.fields,
  })
  const scopeParameters = type.namespaced ? [namespaceParameter] : []
  const has = (verb: string): boolean => type.verbs.includes(verb)
  const out: KubeMap = {}

  const collectionOps: KubeMap = { parameters: scopeParameters }
  if (has('list')) collectionOps.get = op('list', 'list', { fields: { parameters: listParameters } })
  if (has('create')) collectionOps.post = op('create', 'post', { fields: writeFields })
  if (has('deletecollection')) collectionOps.delete = op('deleteCollection', 'deletecollection', { fields: { parameters: [...listParameters, ...deleteParameters] } })
  out[collection] = collectionOps
  if (type.namespaced && has('list')) out[`${base}/${type.plural}`] = { get: op('list', 'list', { scope: 'ForAllNamespaces', fields: { parameters: listParameters } }) }

  const item = `${collection}/{name}`
  const itemOps: KubeMap = { parameters: [nameParameter(type.kind), ...scopeParameters] }
  if (has('get')) itemOps.get = op('read', 'get')
  if (has('update')) itemOps.put = op('replace', 'put', { fields: writeFields })
  if (has('patch')) itemOps.patch = op('patch', 'patch', { fields: patchFields })
  if (has('delete')) itemOps.delete = op('delete', 'delete', { fields: { parameters: deleteParameters } })
  out[item] = itemOps

  const subresources: [name: string, suffix: string, kind: KubeMap][] = []
  if (type.status) subresources.push(['status', 'Status', gvk])
  if (type.scale !== undefined) subresources.push(['scale', 'Scale', { group: 'autoscaling', version: 'v1', kind: 'Scale' }])
  for (const [name, suffix, kind] of subresources) {
    const withKind = (fields: KubeMap): OperationSpec => ({ suffix, fields: { ...fields, 'x-kubernetes-group-version-kind': kind } })
    out[`${item}/${name}`] = {
      parameters: [nameParameter(suffix), ...scopeParameters],
      get: op('read', 'get', withKind({})),
      put: op('replace', 'put', withKind(writeFields)),
      patch: op('patch', 'patch', withKind(patchFields)),
    }
  }
  if (type.finalize === true) {
    out[`${item}/finalize`] = { parameters: [nameParameter(type.kind)], put: op('replace', 'put', { suffix: 'Finalize', fields: writeFields }) }
  }
  return out
}

/**
 * The media types of an OpenAPI v2 document in protobuf (gnostic's `openapi.v2.Document`): the one
 * clients ask for, and the one answered, which has no `@` since Go's MIME parser rejects it.
 */
export const openApiV2Protobuf = { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' }

/**
 * `GET /openapi/v2` as JSON: a document with no paths and no definitions. kubectl reads it where
 * OpenAPI v3 has nothing for a kind (a `List`, a kind no API serves): finding no schema, it skips
 * its own validation and lets the request say what is wrong, as against a cluster.
 */
export function openApiV2(gitVersion: string): KubeMap {
  return { swagger: '2.0', info: { title: 'Kubernetes', version: gitVersion }, paths: {} }
}

/** {@link openApiV2} in protobuf: `Document{swagger: 1, info: 2 {title: 1, version: 2}, paths: 8}`. */
export function openApiV2Proto(gitVersion: string): Uint8Array {
  const info = Buffer.concat([field(1, 'Kubernetes'), field(2, gitVersion)])
  return Buffer.concat([field(1, '2.0'), field(2, info), field(8, Buffer.alloc(0))])
}

/** One length-delimited protobuf field (wire type 2). */
function field(number: number, value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes])
}

function varint(n: number): Buffer {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80)
    v >>>= 7
  }
  out.push(v)
  return Buffer.from(out)
}
