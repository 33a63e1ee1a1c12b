// What a HelmRelease's chart needs from the fleet besides the chart itself: the credentials of its
// source (`spec.secretRef`, as source-controller reads the Secret), `chart.spec.valuesFiles` (read
// where source-controller reads them) and the version check of a chart mapped from a directory.
import { normalizePath, parseDocuments } from '@gitops-sdk/core'
import type { FileSystem, KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { SemverError, parseSemverConstraint, semverSatisfies, tryParseFluxVersion } from '@gitops-sdk/core/semver'
import type { SemverConstraint } from '@gitops-sdk/core/semver'
import { FluxError } from '../../errors.js'
import type { HelmChartAuth, HelmValuesDocument } from '../../helmReleaseTypes.js'

const isMap = (v: unknown): v is KubeMap => typeof v === 'object' && v !== null && !Array.isArray(v)

function own(m: KubeValue | undefined, key: string): KubeValue | undefined {
  return isMap(m) && Object.prototype.hasOwnProperty.call(m, key) ? m[key] : undefined
}

function fail(subject: string, message: string, details: Record<string, unknown> = {}): never {
  throw new FluxError({ code: 'FLUX_HELMRELEASE_FAILED', message: `${subject}: ${message}`, details: { helmRelease: subject, ...details } })
}

/** A Secret's key, decoded (`stringData` wins over `data`, as the API server merges them). */
function secretKey(secret: KubeObject, key: string): string | undefined {
  const o = secret as unknown as KubeMap
  const sd = own(o.stringData, key)
  if (typeof sd === 'string') return sd
  const d = own(o.data, key)
  return typeof d === 'string' ? Buffer.from(d, 'base64').toString('utf8') : undefined
}

/**
 * The credentials of a chart source from its `spec.secretRef` (a Secret in the source's
 * namespace): `username`/`password`, `bearerToken`, `.dockerconfigjson`. Messages name the Secret
 * and its keys, never their values.
 */
export function sourceAuth(subject: string, source: KubeObject, index: ReadonlyMap<string, KubeObject>): HelmChartAuth | undefined {
  const ref = own((source as unknown as KubeMap).spec, 'secretRef')
  const name = own(ref, 'name')
  if (typeof name !== 'string' || name === '') return undefined
  const where = `Secret/${source.metadata.namespace ?? 'default'}/${name}`
  const secret = index.get(where)
  if (secret === undefined) fail(subject, `the secretRef ${where} of ${source.kind}/${source.metadata.namespace ?? 'default'}/${source.metadata.name} is not rendered by the fleet`, { secret: where })
  const auth: HelmChartAuth = {
    username: secretKey(secret, 'username'),
    password: secretKey(secret, 'password'),
    token: secretKey(secret, 'bearerToken'),
    dockerConfigJson: secretKey(secret, '.dockerconfigjson'),
  }
  if (Object.values(auth).every((v) => v === undefined)) fail(subject, `the secretRef ${where} has none of the keys username/password, bearerToken or .dockerconfigjson`, { secret: where })
  if ((auth.username === undefined) !== (auth.password === undefined)) fail(subject, `the secretRef ${where} has ${auth.username === undefined ? 'password' : 'username'} without ${auth.username === undefined ? 'username' : 'password'}`, { secret: where })
  return auth
}

/**
 * `chart.spec.valuesFiles`, read in order: relative to the source's root for a GitRepository or
 * Bucket, to the chart for a HelmRepository, as source-controller reads them; a missing file is an
 * error unless `ignoreMissingValuesFiles`.
 */
export async function chartValuesFiles(subject: string, spec: KubeMap, where: { readonly fs: FileSystem; readonly base: string; readonly signal: AbortSignal | undefined }): Promise<HelmValuesDocument[] | undefined> {
  const files = own(spec, 'valuesFiles')
  if (files === undefined || files === null) return undefined
  if (!Array.isArray(files)) fail(subject, 'chart.spec.valuesFiles must be a list of paths')
  const ignoreMissing = own(spec, 'ignoreMissingValuesFiles') === true
  const out: HelmValuesDocument[] = []
  for (const [i, file] of files.entries()) {
    if (typeof file !== 'string' || file === '') fail(subject, `chart.spec.valuesFiles[${i}] must be a path`)
    let path: string
    try {
      path = normalizePath(`${where.base}/${file}`)
      if (where.base !== '' && path !== where.base && !path.startsWith(`${where.base}/`)) throw new Error('outside')
    } catch {
      fail(subject, `chart.spec.valuesFiles[${i}] '${file}' leaves its source`)
    }
    where.signal?.throwIfAborted()
    let bytes: Uint8Array
    try {
      bytes = await where.fs.readFile(path)
    } catch {
      if (ignoreMissing) continue
      fail(subject, `chart.spec.valuesFiles[${i}] '${file}' does not exist in the chart's source`)
    }
    out.push({ type: 'yaml', source: file, text: new TextDecoder().decode(bytes) })
  }
  return out.length === 0 ? undefined : out
}

/**
 * A chart mapped from a directory (a `--source` HelmRepository) must have a version inside
 * `chart.spec.version`, as the one source-controller would pick from the index does.
 */
export async function checkMappedVersion(subject: string, chart: { readonly fs: FileSystem; readonly path: string; readonly shown: string }, range: string | undefined): Promise<void> {
  const wanted = range === undefined || range === '' ? '*' : range
  let text: string
  try {
    text = new TextDecoder().decode(await chart.fs.readFile(normalizePath(`${chart.path}/Chart.yaml`)))
  } catch {
    return // The renderer names a missing Chart.yaml.
  }
  let version: unknown
  try {
    version = own(parseDocuments(text, { source: 'Chart.yaml' })[0]?.value, 'version')
  } catch {
    return
  }
  // Masterminds/semver, as source-controller reads chart versions and ranges (fluxcd/pkg/version).
  const parsed = typeof version === 'string' ? tryParseFluxVersion(version) : undefined
  if (typeof version !== 'string' || parsed === undefined) fail(subject, `chart ${chart.shown}: Chart.yaml has no semver version`, { chart: chart.shown })
  let constraint: SemverConstraint
  try {
    constraint = parseSemverConstraint(wanted)
  } catch (err) {
    if (!(err instanceof SemverError)) throw err
    fail(subject, `chart.spec.version '${wanted}' is not a semver range: ${err.message}`, { version: wanted })
  }
  if (version !== wanted && !semverSatisfies(constraint, parsed)) {
    fail(subject, `chart ${chart.shown}: version ${version} is outside chart.spec.version '${wanted}'`, { chart: chart.shown, version, range: wanted })
  }
}
