import { compareSemver, parseSemverConstraint, parseStrictSemver, semverSatisfies, type SemVersion, type SemverConstraint } from '@gitops-sdk/core/semver'
import { isGitOpsError } from '@gitops-sdk/core'
import { parseMeasuredYaml } from '@gitops-sdk/core/yaml'
import { nodeCrypto } from './internal/lazy.js'
import { HelmError } from './errors.js'
import type { HelmErrorCode } from './errors.js'
import type { FetchedChart } from './fetchRepositoryChart.js'
import { ChartArchiveError, readChartArchive } from './internal/source/chartArchive.js'

/** Media type of a Helm chart's config blob in an OCI manifest (Chart.yaml as JSON), as `helm push` writes it. */
export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json'
/** Media type of a Helm chart's layer in an OCI manifest: the chart's `.tgz`, as `helm push` writes it. */
export const HELM_CHART_CONTENT_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip'
// Charts pushed by Helm 3.0–3.7 (HELM_EXPERIMENTAL_OCI) carry this layer type; Helm still reads it.
const legacyLayerMediaType = 'application/tar+gzip'

/** A manifest as an {@link OciChartRepository} read it. */
export interface OciChartManifest {
  /** The manifest's `sha256:` digest (its bytes hash to it). */
  readonly digest: string
  /** The manifest's bytes, as served. */
  readonly body: Uint8Array
}

/**
 * Reads of one OCI repository, as {@link fetchOciChart} needs them. `@gitops-sdk/oci-source`'s
 * `openRepository` returns one (with the registry's auth flow, deadlines and byte limits); any
 * object of this shape will do, e.g. one over a registry client of your own.
 */
export interface OciChartRepository {
  /** `oci://host/repository`. */
  readonly url: string
  /** Every tag of the repository. */
  listTags(options?: { readonly signal?: AbortSignal | undefined }): Promise<readonly string[]>
  /** The manifest of a tag or digest: its `sha256:` digest and bytes. */
  getManifest(reference: string, options?: { readonly maxBytes?: number | undefined; readonly signal?: AbortSignal | undefined }): Promise<OciChartManifest>
  /** A blob by digest, at most `maxBytes`. */
  getBlob(digest: string, options: { readonly maxBytes: number; readonly signal?: AbortSignal | undefined }): Promise<Uint8Array>
}

/** Options of {@link fetchOciChart}. */
export interface FetchOciChartOptions {
  /** Opens the repository `oci://host/path` (the chart reference without tag or digest) for reading. */
  readonly openRepository: (url: string) => OciChartRepository
  /**
   * An exact version or a semver range (`1.x`, `>=2.0.0 <3`), as `helm pull --version`. Ignored when
   * the reference names a digest. @defaultValue the reference's tag, else `'*'` (the highest stable version)
   */
  readonly version?: string | undefined
  /** The manifest digest (`sha256:…`) fetched last time: when the version still resolves to it, the chart is not downloaded. */
  readonly lastDigest?: string | undefined
  /** Largest chart layer accepted (compressed and unpacked), in bytes. @defaultValue 32 MiB */
  readonly maxChartBytes?: number | undefined
  /** Cancels the fetch; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

interface Reference {
  readonly repository: string
  readonly tag: string | undefined
  readonly digest: string | undefined
}

function fail(code: HelmErrorCode, message: string, details: Record<string, unknown> & { readonly cause?: unknown }): never {
  const { cause, ...rest } = details
  throw new HelmError({ code, message, details: rest, cause })
}

/** `oci://host/path[:tag][@sha256:…]` split; credentials in it are refused (they belong in auth). */
function parseReference(ref: string): Reference {
  if (!ref.startsWith('oci://')) throw new TypeError('fetchOciChart: the chart reference is not an oci:// URL')
  let rest = ref.slice('oci://'.length)
  const slash = rest.indexOf('/')
  if (slash <= 0 || rest.slice(0, slash).includes('@')) throw new TypeError('fetchOciChart: expected oci://HOST/PATH (credentials go in the registry options, not the URL)')
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > slash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  return { repository: `oci://${rest}`, tag, digest }
}

/**
 * Tags as Helm reads them: `_` stands for `+` (tags cannot hold `+`), strict versions only (no `v`
 * prefix, as Helm's registry client parses tags with Masterminds' StrictNewVersion), highest first.
 */
function isStrictVersion(text: string): boolean {
  try {
    parseStrictSemver(text)
    return true
  } catch {
    return false
  }
}

function versionsOf(tags: readonly string[]): string[] {
  const out = new Map<string, SemVersion>()
  for (const tag of tags) {
    const version = tag.replaceAll('_', '+')
    try {
      out.set(version, parseStrictSemver(version))
    } catch {
      // not a version: Helm's registry client skips it
    }
  }
  return [...out].sort((a, b) => compareSemver(b[1], a[1])).map(([v]) => v)
}

/** The version a `--version` string picks, as Helm's GetTagMatchingVersionOrConstraint: an exact tag first, else the highest the Masterminds constraint admits. */
function pick(versions: readonly string[], wanted: string, shown: string): string {
  if (wanted !== '' && versions.includes(wanted)) return wanted
  let constraint: SemverConstraint
  try {
    constraint = parseSemverConstraint(wanted === '' ? '*' : wanted)
  } catch (err) {
    fail('HELM_SOURCE_NOT_FOUND', `${shown}: '${wanted}' is neither a version nor a semver range (${(err as Error).message})`, { url: shown, version: wanted })
  }
  const found = versions.find((v) => semverSatisfies(constraint, parseStrictSemver(v)))
  if (found === undefined) {
    const seen = versions.slice(0, 20)
    fail('HELM_SOURCE_NOT_FOUND', `${shown}: no version matches '${wanted === '' ? '*' : wanted}' (tags seen: ${seen.length === 0 ? 'none' : seen.join(', ')})`, { url: shown, version: wanted, tags: seen })
  }
  return found
}

interface Descriptor {
  readonly mediaType: string
  readonly digest: string
  readonly size: number
}

function descriptor(value: unknown): Descriptor | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { mediaType, digest, size } = value as Record<string, unknown>
  if (typeof mediaType !== 'string' || typeof digest !== 'string' || typeof size !== 'number') return undefined
  return { mediaType, digest, size }
}

/** The chart layer of a Helm chart manifest; anything else (a Flux artifact, an image, an index) is refused. */
function chartLayer(body: Uint8Array, shown: string): Descriptor {
  let manifest: unknown
  try {
    manifest = JSON.parse(Buffer.from(body).toString('utf8'))
  } catch (err) {
    fail('HELM_CHART_INVALID', `${shown}: the manifest is not JSON`, { url: shown, cause: err })
  }
  const m = typeof manifest === 'object' && manifest !== null ? (manifest as Record<string, unknown>) : {}
  const config = descriptor(m.config)
  if (config?.mediaType !== HELM_CONFIG_MEDIA_TYPE) {
    fail('HELM_CHART_INVALID', `${shown}: not a Helm chart: the manifest's config is ${config?.mediaType ?? 'missing'}, not ${HELM_CONFIG_MEDIA_TYPE}`, { url: shown, mediaType: config?.mediaType ?? null })
  }
  const layers = Array.isArray(m.layers) ? m.layers.map(descriptor).filter((d): d is Descriptor => d !== undefined) : []
  const layer = layers.find((l) => l.mediaType === HELM_CHART_CONTENT_MEDIA_TYPE) ?? layers.find((l) => l.mediaType === legacyLayerMediaType)
  if (layer === undefined) {
    fail('HELM_CHART_INVALID', `${shown}: not a Helm chart: no layer of media type ${HELM_CHART_CONTENT_MEDIA_TYPE} (layers: ${layers.map((l) => l.mediaType).join(', ') || 'none'})`, { url: shown, layers: layers.map((l) => l.mediaType) })
  }
  if (!/^sha256:[0-9a-f]{64}$/u.test(layer.digest) || !Number.isSafeInteger(layer.size) || layer.size < 0) fail('HELM_CHART_INVALID', `${shown}: the chart layer's descriptor has a malformed digest or size`, { url: shown })
  return layer
}

/**
 * The `version` of the archive's Chart.yaml, for a chart fetched by digest: '' when it has none or
 * does not parse; a Chart.yaml nested deeper than the YAML parser composes safely is refused.
 */
function chartVersion(files: ReadonlyMap<string, Uint8Array>, shown: string): string {
  const bytes = files.get('Chart.yaml')
  if (bytes === undefined) return ''
  let doc: unknown
  try {
    doc = parseMeasuredYaml(Buffer.from(bytes).toString('utf8'), { source: `${shown}: Chart.yaml`, maxAliasCount: 100 })
  } catch (err) {
    if (isGitOpsError(err, 'CORE_YAML_TOO_DEEP')) fail('HELM_CHART_INVALID', err.message, { url: shown, cause: err })
    return ''
  }
  const version = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).version : undefined
  return typeof version === 'string' ? version : ''
}

/**
 * Fetches a chart from an OCI registry as `helm pull oci://HOST/PATH --version V` does: the
 * repository's tags read as Helm reads them (`_` for `+`), an exact version or the highest that
 * satisfies a range (stable versions only unless the range names a pre-release), or a manifest
 * digest (`oci://…@sha256:…`); the manifest must be a Helm chart's (config
 * `application/vnd.cncf.helm.config.v1+json`, layer
 * `application/vnd.cncf.helm.chart.content.v1.tar+gzip`); a tag that is no version (`latest`)
 * is taken as it is, as Flux's OCIRepository takes `ref.tag`. The layer is bounded by
 * `maxChartBytes`, checked against its digest and unpacked strictly. When the version still
 * resolves to `lastDigest`, nothing is downloaded (`changed: false`). The transport is injected:
 * `openRepository` brings the registry's auth, deadlines and body limits, and its errors (for
 * `@gitops-sdk/oci-source`, `OCI_AUTH_FAILED`, `OCI_NOT_FOUND`, `OCI_TIMEOUT`, …) pass through.
 *
 * @experimental Chart sources are new; their options may change in any minor.
 * @throws `HELM_SOURCE_NOT_FOUND` (no tag matches the version), `HELM_SOURCE_TOO_LARGE` (the layer
 *   declares more than `maxChartBytes`), `HELM_SOURCE_DIGEST_MISMATCH` (the layer does not hash to
 *   its descriptor), `HELM_CHART_INVALID` (not a Helm chart's manifest, an archive that is
 *   truncated, has links or `..` paths, a Chart.yaml nested too deep to parse); the errors of `openRepository`'s reads. An abort rejects
 *   with the signal's reason.
 * @example
 * ```ts
 * import { openRepository } from '@gitops-sdk/oci-source'
 * const chart = await fetchOciChart('oci://ghcr.io/acme/charts/web', {
 *   version: '1.x',
 *   openRepository: (url) => openRepository(url, { auth: { username: 'bot', password } }),
 * })
 * ```
 */
export async function fetchOciChart(ref: string, options: FetchOciChartOptions): Promise<FetchedChart> {
  if (typeof ref !== 'string') throw new TypeError('fetchOciChart: the chart reference must be a string')
  if (typeof options.openRepository !== 'function') throw new TypeError('fetchOciChart: options.openRepository is required')
  const { signal } = options
  signal?.throwIfAborted()
  const parsed = parseReference(ref)
  const name = parsed.repository.slice(parsed.repository.lastIndexOf('/') + 1)
  const limit = options.maxChartBytes ?? 32 * 1024 * 1024
  const repo = options.openRepository(parsed.repository)
  let tag: string | undefined
  let version = ''
  if (parsed.digest === undefined) {
    const wanted = options.version ?? parsed.tag?.replaceAll('_', '+') ?? ''
    if (options.version !== undefined && options.version !== '' && parsed.tag !== undefined && parsed.tag.replaceAll('_', '+') !== options.version) {
      fail('HELM_SOURCE_NOT_FOUND', `${parsed.repository}: the reference's tag ${parsed.tag} and version '${options.version}' disagree`, { url: parsed.repository, version: options.version })
    }
    const tags = await repo.listTags({ signal })
    // A tag that is no version (`latest`, `stable`) is taken as it is, as Flux's OCIRepository takes
    // `ref.tag`; its version is then the chart's own.
    // So is a v-prefixed version named exactly (helm asks for it as the tag; its ranges skip it).
    if (wanted !== '' && !isStrictVersion(wanted) && tags.includes(wanted.replaceAll('+', '_'))) tag = wanted.replaceAll('+', '_')
    else {
      version = pick(versionsOf(tags), wanted, parsed.repository)
      tag = version.replaceAll('+', '_')
    }
  }
  const reference = parsed.digest ?? tag ?? ''
  const shown = `${parsed.repository}${parsed.digest === undefined ? `:${reference}` : `@${reference}`}`
  if (parsed.digest !== undefined && parsed.digest === options.lastDigest) return { name, version, digest: parsed.digest, url: shown, changed: false, files: new Map() }
  const manifest = await repo.getManifest(reference, { signal })
  if (manifest.digest === options.lastDigest) return { name, version, digest: manifest.digest, url: shown, changed: false, files: new Map() }
  const layer = chartLayer(manifest.body, shown)
  if (layer.size > limit) fail('HELM_SOURCE_TOO_LARGE', `${shown}: the chart layer declares ${layer.size} bytes, more than the limit of ${limit}`, { url: shown, size: layer.size, limit })
  const bytes = await repo.getBlob(layer.digest, { maxBytes: layer.size, signal })
  const actual = `sha256:${nodeCrypto().createHash('sha256').update(bytes).digest('hex')}`
  if (actual !== layer.digest || bytes.byteLength !== layer.size) {
    fail('HELM_SOURCE_DIGEST_MISMATCH', `${shown}: the chart layer hashes to ${actual} (${bytes.byteLength} bytes), not ${layer.digest} (${layer.size} bytes)`, { url: shown, expected: layer.digest, actual })
  }
  let files: Map<string, Uint8Array>
  try {
    files = readChartArchive(bytes, limit).files
  } catch (err) {
    if (err instanceof ChartArchiveError) fail('HELM_CHART_INVALID', `${shown}: ${err.message}`, { url: shown, cause: err })
    throw err
  }
  return { name, version: version === '' ? chartVersion(files, shown) : version, digest: manifest.digest, url: shown, changed: true, files }
}
