import { formatRef, isKubeMap, normalizePath, refOf } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { buildFleetWith } from './buildFleet.js'
import { fluxCrds } from './crds.js'
import type { FleetBuildOptions } from './fleetTypes.js'
import { checkBuiltin, hasBuiltinSchema } from './internal/checkBuiltin.js'
import { checkSchema } from './internal/checkSchema.js'
import type { CrdAt } from './internal/checkSchema.js'
import type { JSONSchemaProps, SchemaIssue } from './jsonSchema.js'
import type { Kustomization } from './kustomization.js'
import { readFluxObject } from './read.js'

/** One problem {@link validateFleet} found. */
export interface FleetIssue {
  /**
   * `schema`: an object its kind's schema refuses (or a kind no schema describes); `graph`: a
   * Kustomization whose source, dependency or path does not exist, or a dependency cycle; `build`: a
   * Kustomization that fails to build.
   */
  readonly type: 'schema' | 'graph' | 'build'
  /** The file the object came from, relative to the repository root, when known. */
  readonly file?: string | undefined
  /** `Kind/namespace/name` of the object concerned. */
  readonly object: string
  /** The field concerned (`spec.replicas`), when there is one. */
  readonly field?: string | undefined
  /** `NS/NAME` of the Flux Kustomization that applies the object. */
  readonly kustomization?: string | undefined
  /** What is wrong, starting with the field when there is one (kube-apiserver's wording for schemas). */
  readonly message: string
}

/** The result of {@link validateFleet}. */
export interface FleetValidation {
  /** The cluster directory the build started from. */
  readonly path: string
  /** How many rendered objects were checked against a schema. */
  readonly objects: number
  /** Every problem found, in the order of the fleet's build. */
  readonly issues: readonly FleetIssue[]
}

const ORIGIN = 'config.kubernetes.io/origin'
const THIS_REPOSITORY = 'GitRepository/flux-system/flux-system'
const SOURCE_KINDS = new Set(['GitRepository', 'OCIRepository', 'Bucket', 'HelmRepository', 'HelmChart'])

/** A version's schema, with the CRD it comes from and where it is in it. */
interface CrdSchema {
  readonly schema: JSONSchemaProps
  readonly crd: CrdAt
}

/** `group/version/kind` → the `openAPIV3Schema` of every served version of the CRDs given. */
function crdSchemas(crds: readonly KubeObject[]): Map<string, CrdSchema> {
  const out = new Map<string, CrdSchema>()
  for (const crd of crds) {
    const spec = (crd as unknown as { spec?: unknown }).spec
    if (!isKubeMap(spec) || !isKubeMap(spec.names)) continue
    const { group, versions } = spec
    const kind = spec.names.kind
    if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(versions)) continue
    versions.forEach((v, i) => {
      if (!isKubeMap(v) || typeof v.name !== 'string' || !isKubeMap(v.schema) || !isKubeMap(v.schema.openAPIV3Schema)) return
      const field = `spec.versions[${i}].schema.openAPIV3Schema`
      out.set(`${group}/${v.name}/${kind}`, { schema: v.schema.openAPIV3Schema, crd: { name: crd.metadata.name, field } })
    })
  }
  return out
}

/** The schema checked at an object's root: the server always knows apiVersion, kind and metadata. */
function rootSchema(schema: JSONSchemaProps): JSONSchemaProps {
  if (schema.properties === undefined) return schema
  return {
    ...schema,
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, ...schema.properties },
  }
}

/** The file kustomize's origin annotation names (relative to `dir`), and the object without it. */
function withoutOrigin(object: KubeObject, dir: string): { object: KubeObject; file: string | undefined } {
  const annotations = object.metadata.annotations
  const origin = annotations?.[ORIGIN]
  if (annotations === undefined || origin === undefined) return { object, file: undefined }
  const rest = Object.fromEntries(Object.entries(annotations).filter(([key]) => key !== ORIGIN))
  const metadata = { ...object.metadata, annotations: rest }
  if (Object.keys(rest).length === 0) delete (metadata as { annotations?: unknown }).annotations
  const path = /^path: (.+)$/m.exec(origin)?.[1] ?? /^configuredIn: (.+)$/m.exec(origin)?.[1]
  const file = path === undefined ? undefined : normalizePath(`${dir}/${path.replace(/^['"]|['"]$/g, '')}`)
  return { object: { ...object, metadata }, file }
}

const keyOf = (namespace: string | undefined, name: string): string => `${namespace ?? 'default'}/${name}`

/**
 * Validates a Flux fleet offline, as a pull request check: builds it as {@link buildFleet} does,
 * then checks every rendered object against the built-in Kubernetes schemas (core's table of the
 * OpenAPI the API server serves) or the CRDs the fleet itself renders and Flux's own (types,
 * required fields, enums, patterns, bounds, formats, unknown fields,
 * `x-kubernetes-preserve-unknown-fields`), and checks the fleet graph: every Kustomization's
 * `sourceRef` and `dependsOn` must exist, dependencies must not form a cycle, and paths in this
 * repository must exist. Each issue names the file (from kustomize's origin annotation), the object
 * and the field.
 *
 * @throws `FLUX_FLEET_INVALID` when no cluster directory can be found. An abort rejects with
 *   `signal.reason`.
 * @example
 * ```ts
 * const result = await validateFleet('.', { fs: nodeFs('/src/fleet'), path: 'clusters/prod' })
 * for (const issue of result.issues) console.log(formatFleetIssue(issue))
 * ```
 */
export async function validateFleet(root: string, options: FleetBuildOptions): Promise<FleetValidation> {
  const fleet = await buildFleetWith(root, options, { origins: true, lenient: true })
  const issues: FleetIssue[] = []
  const rendered: { object: KubeObject; file: string | undefined; kustomization: string }[] = []
  const kustomizations = new Map<string, { k: Kustomization; file: string | undefined; by: string }>()
  const sources = new Set<string>([THIS_REPOSITORY, ...Object.keys(options.sources ?? {}).flatMap((k) => [`GitRepository/${k}`, `OCIRepository/${k}`])])
  for (const k of fleet.kustomizations) {
    for (const raw of k.objects) {
      const { object, file } = withoutOrigin(raw, k.path)
      rendered.push({ object, file, kustomization: k.kustomization })
      if (SOURCE_KINDS.has(object.kind)) sources.add(`${object.kind}/${object.metadata.namespace ?? 'default'}/${object.metadata.name}`)
      let read: ReturnType<typeof readFluxObject>
      try {
        read = readFluxObject(object)
      } catch {
        continue // the schema check below reports its fields
      }
      if (read?.type === 'supported' && read.object.kind === 'Kustomization') {
        kustomizations.set(keyOf(read.object.metadata.namespace, read.object.metadata.name), { k: read.object, file, by: k.kustomization })
      }
    }
  }

  // What the HelmReleases would install is checked like the rest (CRDs they bring included).
  for (const h of fleet.helmReleases ?? []) {
    for (const object of h.objects) rendered.push({ object, file: undefined, kustomization: `HelmRelease/${h.helmRelease}` })
  }

  // The schemas: the fleet's CRDs, then Flux's own for the kinds the SDK types.
  const crds = crdSchemas([...rendered.map((r) => r.object).filter((o) => o.kind === 'CustomResourceDefinition'), ...fluxCrds()])
  for (const { object, file, kustomization } of rendered) {
    options.signal?.throwIfAborted()
    const ref = formatRef(refOf(object))
    const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion]
    const crd = crds.get(`${group ?? ''}/${version ?? ''}/${object.kind}`)
    let found: SchemaIssue[]
    if (crd !== undefined) {
      found = []
      checkSchema(object, rootSchema(crd.schema), { path: '', issues: found, crd: crd.crd })
    } else if (hasBuiltinSchema(object.apiVersion, object.kind)) {
      found = checkBuiltin(object, object.apiVersion, object.kind)
    } else {
      issues.push({ type: 'schema', file, object: ref, kustomization, message: `no schema for ${object.apiVersion} ${object.kind}: neither a built-in kind nor a CRD in the fleet` })
      continue
    }
    for (const i of found) issues.push({ type: 'schema', file, object: ref, field: i.field, kustomization, message: i.message })
  }

  await checkGraph(kustomizations, { sources, options, issues })
  // A build failure already reported as a missing path or as schema problems is not repeated.
  const reported = new Set(issues.filter((i) => (i.type === 'graph' && i.field === 'spec.path') || i.type === 'schema').map((i) => i.object))
  for (const p of fleet.problems) {
    if (p.type !== 'failed' || reported.has(formatRef(p.ref))) continue
    issues.push({ type: 'build', object: formatRef(p.ref), message: p.message })
  }
  return { path: fleet.path, objects: rendered.length, issues }
}

interface GraphContext {
  readonly sources: ReadonlySet<string>
  readonly options: FleetBuildOptions
  readonly issues: FleetIssue[]
}

async function checkGraph(all: ReadonlyMap<string, { k: Kustomization; file: string | undefined; by: string }>, ctx: GraphContext): Promise<void> {
  const { sources, options, issues } = ctx
  for (const [key, { k, file, by }] of all) {
    const ref = formatRef(refOf(k as unknown as KubeObject))
    const ns = k.metadata.namespace ?? 'default'
    const source = `${k.spec.sourceRef.kind}/${k.spec.sourceRef.namespace ?? ns}/${k.spec.sourceRef.name}`
    const at = { type: 'graph' as const, file, object: ref, kustomization: by }
    if (!sources.has(source)) {
      issues.push({ ...at, field: 'spec.sourceRef', message: `spec.sourceRef: ${source} is not defined by the fleet` })
    } else if (source === THIS_REPOSITORY) {
      const path = normalizePath(k.spec.path ?? '')
      if ((await options.fs.stat(path === '' ? '.' : path))?.type !== 'directory') {
        issues.push({ ...at, field: 'spec.path', message: `spec.path: ${k.spec.path ?? './'} does not exist in the repository` })
      }
    }
    for (const [i, d] of (k.spec.dependsOn ?? []).entries()) {
      const target = keyOf(d.namespace ?? ns, d.name)
      if (!all.has(target)) issues.push({ ...at, field: `spec.dependsOn[${i}]`, message: `spec.dependsOn[${i}]: Kustomization ${target} is not defined by the fleet` })
    }
    const cycle = cycleFrom(key, all)
    if (cycle !== undefined && cycle[0] === [...cycle].sort()[0]) {
      issues.push({ ...at, field: 'spec.dependsOn', message: `spec.dependsOn: dependency cycle ${[...cycle, cycle[0]].join(' -> ')}` })
    }
  }
}

/** The dependency cycle through `start`, if any (reported once, by its smallest member). */
function cycleFrom(start: string, all: ReadonlyMap<string, { k: Kustomization }>): string[] | undefined {
  const path: string[] = []
  const seen = new Set<string>()
  const visit = (key: string): string[] | undefined => {
    const node = all.get(key)
    if (node === undefined) return undefined
    path.push(key)
    seen.add(key)
    const ns = node.k.metadata.namespace ?? 'default'
    for (const d of node.k.spec.dependsOn ?? []) {
      const next = keyOf(d.namespace ?? ns, d.name)
      if (next === start) return [...path]
      if (seen.has(next)) continue
      const found = visit(next)
      if (found !== undefined) return found
    }
    path.pop()
    return undefined
  }
  return visit(start)
}

/**
 * One line for an issue: `file: Kind/ns/name: message` (the message starts with the field).
 *
 * @example
 * ```ts
 * formatFleetIssue(issue) // 'apps/web.yaml: Deployment/apps/web: spec.replicas: Invalid value: "string": …'
 * ```
 */
export function formatFleetIssue(issue: FleetIssue): string {
  return `${issue.file === undefined ? '' : `${issue.file}: `}${issue.object}: ${issue.message}`
}
