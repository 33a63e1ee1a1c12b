import { formatRef, isGitOpsError, normalizePath, overlayFs, refOf } from '@gitops-sdk/core'
import type { FileSystem, KubeObject, ObjectRef } from '@gitops-sdk/core'
import { render, substituteVariables } from '@gitops-sdk/render'
import { FluxError } from './errors.js'
import type { FleetBuild, FleetBuildOptions, FleetKustomization, FleetProblem } from './fleetTypes.js'
import type { FleetHelmRelease } from './helmReleaseTypes.js'
import { orderReleases } from './internal/fleet/helmDependsOn.js'
import { buildHelmRelease } from './internal/fleet/helmRelease.js'
import { generateKustomization } from './internal/fleet/generator.js'

import { resolveVariables } from './internal/fleet/variables.js'
import type { Kustomization } from './kustomization.js'
import { KUSTOMIZE_NAME_LABEL, KUSTOMIZE_NAMESPACE_LABEL } from './kustomization.js'
import { readFluxObject } from './read.js'

const NAME_LABEL = KUSTOMIZE_NAME_LABEL
const NAMESPACE_LABEL = KUSTOMIZE_NAMESPACE_LABEL

const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`

async function findClusterPath(fs: FileSystem, dir: string, found: string[]): Promise<void> {
  for (const entry of await fs.readdir(dir)) {
    if (entry.name.startsWith('.')) continue
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`
    if ((await fs.stat(path))?.type !== 'directory') continue
    if (entry.name === 'flux-system') found.push(dir)
    else await findClusterPath(fs, path, found)
  }
}

interface Pending {
  readonly kustomization: Kustomization
  /** How many times it was put back to wait for a dependency or a substituteFrom source. */
  waits: number
}

/**
 * Builds a Flux fleet offline, as Flux would reconcile it after bootstrap: starting from the
 * cluster directory (the one holding `flux-system`), it follows every Kustomization whose source is
 * this repository (or a source mapped in `options.sources`), recursively, dependencies first, and
 * returns every object each one would apply: kustomize build with Flux's generated kustomization
 * (targetNamespace, namePrefix/Suffix, patches, components, images) and no load restriction, then
 * SOPS decryption, then post-build substitution (substituteFrom read from the ConfigMaps and
 * Secrets the fleet itself renders, then `substitute`), then `commonMetadata` and Flux's
 * `kustomize.toolkit.fluxcd.io/name|namespace` labels. No cluster, no network.
 *
 * Kinds the SDK does not build (HelmRelease…), sources it cannot reach and builds that fail are
 * listed in `problems`; they do not stop the others.
 *
 * @throws `FLUX_FLEET_INVALID` when no cluster directory can be found or the requested
 *   Kustomization does not exist; `FLUX_OBJECT_INVALID` for an invalid Flux object. An abort
 *   rejects with `signal.reason`.
 * @example
 * ```ts
 * const fleet = await buildFleet('.', { fs: nodeFs('/src/fleet'), path: 'clusters/prod' })
 * for (const k of fleet.kustomizations) console.log(k.kustomization, k.objects.length)
 * ```
 */
export async function buildFleet(root: string, options: FleetBuildOptions): Promise<FleetBuild> {
  return buildFleetWith(root, options, {})
}

/** What {@link buildFleet} can do besides: keep kustomize's origin annotation on every object. */
export interface FleetBuildExtras {
  readonly origins?: boolean
  /** Report an invalid Flux object among the rendered ones as a problem instead of throwing. */
  readonly lenient?: boolean
}

/** {@link buildFleet} with extras (not part of the package's API). */
export async function buildFleetWith(root: string, options: FleetBuildOptions, extras: FleetBuildExtras): Promise<FleetBuild> {
  const { fs, signal } = options
  signal?.throwIfAborted()
  const base = normalizePath(root)
  // Relative to the repository root, as a Kustomization's spec.path is.
  const clusterPath = options.path !== undefined ? normalizePath(options.path) : await defaultClusterPath(fs, base)
  const rootKustomization = await bootstrapKustomization(fs, { dir: normalizePath(`${base}/${clusterPath}`), clusterPath }, signal)
  const thisRepository = 'GitRepository/flux-system/flux-system'
  const sources = new Map<string, FileSystem>([[thisRepository, fs]])
  for (const [key, sourceFs] of Object.entries(options.sources ?? {})) {
    sources.set(`GitRepository/${key}`, sourceFs)
    sources.set(`OCIRepository/${key}`, sourceFs)
    sources.set(`Bucket/${key}`, sourceFs)
    sources.set(`HelmRepository/${key}`, sourceFs)
  }
  const helmReleases: { readonly object: KubeObject; readonly by: string }[] = []

  const index = new Map<string, KubeObject>()
  const built: FleetKustomization[] = []
  const problems: FleetProblem[] = []
  const known = new Map<string, Kustomization>([[keyOf('flux-system', 'flux-system'), rootKustomization]])
  const done = new Set<string>()
  const queue: Pending[] = [{ kustomization: rootKustomization, waits: 0 }]
  const problem = (type: FleetProblem['type'], ref: ObjectRef, message: string): void => {
    problems.push({ type, ref, message })
  }

  while (queue.length > 0) {
    signal?.throwIfAborted()
    const pending = queue.shift() as Pending
    const k = pending.kustomization
    const ns = k.metadata.namespace ?? 'default'
    const key = keyOf(ns, k.metadata.name)
    const ref = refOf(k as unknown as KubeObject)
    if (done.has(key)) continue
    // Dependencies first, as Flux waits for them; a substituteFrom source may come from a later build.
    const waitingOn = (k.spec.dependsOn ?? []).map((d) => keyOf(d.namespace ?? ns, d.name)).filter((d) => !done.has(d))
    const unknownDeps = waitingOn.filter((d) => !known.has(d))
    if (waitingOn.length > unknownDeps.length && pending.waits <= queue.length) {
      pending.waits++
      queue.push(pending)
      continue
    }
    if (unknownDeps.length > 0) problem('dependency', ref, `${formatRef(ref)}: depends on ${unknownDeps.join(', ')}, which the fleet does not define`)
    else if (waitingOn.length > 0) problem('dependency', ref, `${formatRef(ref)}: dependency cycle through ${waitingOn.join(', ')}`)
    done.add(key)

    const sourceNs = k.spec.sourceRef.namespace ?? ns
    const sourceKey = `${k.spec.sourceRef.kind}/${sourceNs}/${k.spec.sourceRef.name}`
    const sourceFs = sources.get(sourceKey)
    if (sourceFs === undefined) {
      problem('unavailable', ref, `${formatRef(ref)}: source ${sourceKey} is neither this repository nor mapped with a source option`)
      continue
    }
    const path = normalizePath(`${sourceFs === fs ? base : ''}/${k.spec.path ?? ''}`)
    let objects: KubeObject[]
    let unresolved: string[] = []
    let unverified: readonly ObjectRef[]
    try {
      const one = await buildOne(k, { fs: sourceFs, path, identities: options.identities, integrity: options.integrity, renderHelmChart: options.renderHelmChart, signal, origins: extras.origins === true })
      objects = one.objects
      unverified = one.unverified
      if (k.spec.postBuild !== undefined) {
        const resolved = resolveVariables(k.spec.postBuild, ns, index)
        unresolved = resolved.unresolved
        objects = substituteVariables(objects, { variables: resolved.variables })
      }
    } catch (err) {
      if (signal?.aborted === true && err === signal.reason) throw err
      const message = err instanceof Error ? err.message : String(err)
      problem('failed', ref, `${formatRef(ref)}: ${message}`)
      continue
    }
    objects = objects.map((o) => withFluxMetadata(o, k))
    for (const o of objects) {
      index.set(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o)
      let read: ReturnType<typeof readFluxObject>
      try {
        read = readFluxObject(o)
      } catch (err) {
        // Validation reports an invalid Flux object with its fields and goes on with the others.
        if (extras.lenient !== true || !isGitOpsError(err, 'FLUX_OBJECT_INVALID')) throw err
        problem('failed', refOf(o), err.message)
        continue
      }
      if (read?.type === 'unsupported' && options.renderHelmRelease !== undefined && o.apiVersion === 'helm.toolkit.fluxcd.io/v2' && o.kind === 'HelmRelease') {
        helmReleases.push({ object: o, by: key })
      } else if (read?.type === 'unsupported') {
        problem('unsupported', read.ref, read.reason)
      }
      if (read?.type === 'supported' && read.object.kind === 'Kustomization') {
        const child = read.object
        const childKey = keyOf(child.metadata.namespace ?? 'default', child.metadata.name)
        if (!known.has(childKey) || childKey === key) {
          known.set(childKey, child)
          if (childKey !== key) queue.push({ kustomization: child, waits: 0 })
        }
      }
    }
    built.push({ kustomization: key, path, source: sourceKey, objects, unresolved, unverifiedDecryptions: unverified })
  }

  const releases: FleetHelmRelease[] = []
  if (options.renderHelmRelease !== undefined) {
    // After every Kustomization: valuesFrom and sources may come from any of them.
    const ctx = { index, sources, repository: { fs, base }, renderHelmRelease: options.renderHelmRelease, fetchChart: options.fetchChart, signal }
    // dependsOn first: helm-controller installs dependencies first and never installs a release
    // whose dependency is missing or on a cycle.
    const order = orderReleases(helmReleases)
    const wanted = (o: KubeObject): boolean => options.kustomization === undefined || helmReleases.some((h) => h.object === o && h.by === options.kustomization)
    for (const r of order.refused) if (helmReleases.some((h) => wanted(h.object) && formatRef(refOf(h.object)) === formatRef(r.ref))) problem('dependency', r.ref, r.message)
    for (const { object, by } of order.ordered) {
      signal?.throwIfAborted()
      if (options.kustomization !== undefined && by !== options.kustomization) continue
      try {
        releases.push(await buildHelmRelease(object, by, ctx))
      } catch (err) {
        if (signal?.aborted === true && err === signal.reason) throw err
        const reachable = !(isGitOpsError(err, 'FLUX_HELMRELEASE_FAILED') && err.details.unavailable === true)
        problem(reachable ? 'failed' : 'unavailable', refOf(object), err instanceof Error ? err.message : String(err))
      }
    }
  }

  if (options.kustomization !== undefined) {
    const wanted = options.kustomization
    const selected = built.filter((b) => b.kustomization === wanted)
    if (selected.length === 0) {
      throw new FluxError({
        code: 'FLUX_FLEET_INVALID',
        message: `${wanted}: no such Kustomization in the fleet under ${clusterPath}`,
        details: { kustomization: wanted, path: clusterPath },
      })
    }
    return { path: clusterPath, kustomizations: selected, helmReleases: releases, problems }
  }
  return { path: clusterPath, kustomizations: built, helmReleases: releases, problems }
}

/**
 * The Kustomization `flux bootstrap` writes into `<cluster>/flux-system` (its postBuild and patches
 * apply to the whole cluster directory), or one like it when the directory has none.
 */
async function bootstrapKustomization(fs: FileSystem, at: { readonly dir: string; readonly clusterPath: string }, signal: AbortSignal | undefined): Promise<Kustomization> {
  const { dir, clusterPath } = at
  const fallback: Kustomization = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'flux-system', namespace: 'flux-system' },
    spec: { interval: '10m', path: clusterPath, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
  }
  if ((await fs.stat(`${dir}/flux-system`))?.type !== 'directory') return fallback
  const generated = await generateKustomization(fs, `${dir}/flux-system`, { spec: fallback.spec })
  const overlay = overlayFs(fs, new Map([[generated.file, new TextEncoder().encode(generated.text)]]))
  for (const object of await render(`${dir}/flux-system`, { fs: overlay, loadRestrictions: 'none', signal })) {
    const read = readFluxObject(object)
    if (read?.type !== 'supported' || read.object.kind !== 'Kustomization') continue
    const { name, namespace } = read.object.metadata
    if (name === 'flux-system' && namespace === 'flux-system' && normalizePath(read.object.spec.path ?? '') === clusterPath) {
      return read.object
    }
  }
  return fallback
}

async function defaultClusterPath(fs: FileSystem, base: string): Promise<string> {
  const found: string[] = []
  await findClusterPath(fs, base, found)
  if (found.length === 1) return normalizePath((found[0] as string).slice(base.length))
  throw new FluxError({
    code: 'FLUX_FLEET_INVALID',
    message:
      found.length === 0
        ? `${base === '' ? '.' : base}: no directory holds flux-system; name the cluster directory with a path option`
        : `${base === '' ? '.' : base}: several cluster directories hold flux-system (${found.join(', ')}); name one with a path option`,
    details: { path: base, candidates: found },
  })
}

interface BuildOneOptions {
  readonly fs: FileSystem
  readonly path: string
  readonly identities: FleetBuildOptions['identities']
  readonly integrity: FleetBuildOptions['integrity']
  readonly renderHelmChart: FleetBuildOptions['renderHelmChart']
  readonly signal: AbortSignal | undefined
  readonly origins: boolean
}

async function buildOne(k: Kustomization, options: BuildOneOptions): Promise<{ objects: KubeObject[]; unverified: readonly ObjectRef[] }> {
  const { fs, path, signal } = options
  if ((await fs.stat(path))?.type !== 'directory') throw new Error(`kustomization path not found: ${path}`)
  const generated = await generateKustomization(fs, path, { spec: k.spec, origins: options.origins })
  const overlay = overlayFs(fs, new Map([[generated.file, new TextEncoder().encode(generated.text)]]))
  const objects = await render(path, { fs: overlay, loadRestrictions: 'none', renderHelmChart: options.renderHelmChart, signal })
  if (k.spec.decryption === undefined) return { objects, unverified: [] }
  // The MAC is checked where it can hold (as built, else on the document as written in the
  // source), the reconcile's way: an overlay's namespace or labels do not fail the build.
  // secrets (SOPS, age and its ES module dependencies, the yaml package) loads here, on first
  // use: a fleet without decryption does not pay its loading (about 90 ms of CPU).
  const { decryptRendered } = await import('@gitops-sdk/secrets')
  const decrypted = await decryptRendered(objects, { identities: options.identities ?? [], fs, integrity: options.integrity, signal })
  return { objects: decrypted.objects, unverified: decrypted.unverified }
}

/** `commonMetadata`, then the labels kustomize-controller puts on every object it applies. */
function withFluxMetadata(object: KubeObject, k: Kustomization): KubeObject {
  const common = k.spec.commonMetadata
  const labels = { ...(object.metadata.labels ?? {}), ...(common?.labels ?? {}) }
  labels[NAME_LABEL] = k.metadata.name
  labels[NAMESPACE_LABEL] = k.metadata.namespace ?? 'default'
  const annotations = { ...(object.metadata.annotations ?? {}), ...(common?.annotations ?? {}) }
  const metadata = { ...object.metadata, labels }
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations
  return { ...object, metadata }
}
