import { compareSemver, parseSemver, parseSemverConstraint, semverSatisfies, type SemVersion, type SemverConstraint } from '@gitops-sdk/core/semver'
import { isGitOpsError } from '@gitops-sdk/core'
import { parseMeasuredYaml } from '@gitops-sdk/core/yaml'
import { nodeCrypto } from './internal/lazy.js'
import { HelmError } from './errors.js'
import type { HelmErrorCode } from './errors.js'
import { ChartArchiveError, readChartArchive } from './internal/source/chartArchive.js'

/** Credentials for a chart repository. Never printed: errors name the URL without them. */
export interface ChartRepositoryAuth {
  /** HTTP basic auth user. */
  readonly username?: string | undefined
  /** HTTP basic auth password. */
  readonly password?: string | undefined
  /** A bearer token (instead of basic auth). */
  readonly token?: string | undefined
}

/** Options of {@link fetchRepositoryChart}. */
export interface FetchRepositoryChartOptions {
  /** The chart's name in the repository's index. */
  readonly chart: string
  /** An exact version or a semver range (`1.x`, `>=2.0.0 <3`). @defaultValue `'*'` (the highest stable version) */
  readonly version?: string | undefined
  /** Credentials, sent only to the repository's own origin. User info in the URL is used the same way. @defaultValue none */
  readonly auth?: ChartRepositoryAuth | undefined
  /** The digest (`sha256:…`) of the chart fetched last time: when the index names the same one, the archive is not downloaded. */
  readonly lastDigest?: string | undefined
  /** The HTTP client. @defaultValue `globalThis.fetch` */
  readonly fetch?: typeof globalThis.fetch | undefined
  /** Longest time for each request, in milliseconds. @defaultValue 60,000 */
  readonly timeout?: number | undefined
  /** Largest `index.yaml` accepted, in bytes. @defaultValue 64 MiB */
  readonly maxIndexBytes?: number | undefined
  /** Largest chart archive accepted (compressed and unpacked), in bytes. @defaultValue 32 MiB */
  readonly maxChartBytes?: number | undefined
  /** Cancels the fetch; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** What {@link fetchRepositoryChart} returns. */
export interface FetchedChart {
  /** The chart name. */
  readonly name: string
  /** The version chosen. */
  readonly version: string
  /** The archive's digest, `sha256:<hex>`, as the index names it (or as computed when the index has none); for an OCI chart, its manifest's digest. */
  readonly digest: string
  /** The archive's URL, without credentials. */
  readonly url: string
  /** `false` when the index (or the OCI tag) names `lastDigest`: nothing was downloaded and `files` is empty. */
  readonly changed: boolean
  /** The chart's files by path from its root (`Chart.yaml`, `templates/…`). */
  readonly files: ReadonlyMap<string, Uint8Array>
}

interface Endpoint {
  readonly base: URL
  readonly shown: string
  readonly headers: Record<string, string>
}

interface Failure {
  readonly url: string
  readonly chart?: string | undefined
  readonly version?: string | undefined
  readonly expected?: string | undefined
  readonly actual?: string | undefined
  readonly cause?: unknown
}

function fail(code: HelmErrorCode, message: string, failure: Failure): never {
  const { cause, ...details } = failure
  throw new HelmError({ code, message, details, cause })
}

/** The repository URL without user info, and the Authorization header from `auth` or that user info. */
function endpoint(url: string, auth: ChartRepositoryAuth | undefined): Endpoint {
  let base: URL
  try {
    base = new URL(url.endsWith('/') ? url : `${url}/`)
  } catch {
    throw new TypeError('fetchRepositoryChart: the repository URL is not a URL')
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`fetchRepositoryChart: ${base.protocol} repositories are not HTTP repositories`)
  const user = auth?.username ?? decodeURIComponent(base.username)
  const password = auth?.password ?? decodeURIComponent(base.password)
  base.username = ''
  base.password = ''
  const headers: Record<string, string> = {}
  if (auth?.token !== undefined) headers.authorization = `Bearer ${auth.token}`
  else if (user !== '' || password !== '') headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
  return { base, shown: base.href.replace(/\/$/u, ''), headers }
}

/** GETs `url` with a deadline and a size limit; the body's bytes. */
async function get(url: URL, what: { readonly shown: string; readonly headers: Record<string, string>; readonly limit: number }, options: FetchRepositoryChartOptions): Promise<Uint8Array> {
  const signal = options.signal
  const deadline = AbortSignal.timeout(options.timeout ?? 60_000)
  const both = signal === undefined ? deadline : AbortSignal.any([signal, deadline])
  const details = { url: what.shown }
  let response: Response
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, { headers: what.headers, signal: both, redirect: 'follow' })
  } catch (err) {
    if (signal?.aborted === true) throw signal.reason
    if (deadline.aborted) fail('HELM_SOURCE_FAILED', `${what.shown}: no answer within ${options.timeout ?? 60_000} ms`, details)
    fail('HELM_SOURCE_FAILED', `${what.shown}: ${(err as Error).message}`, details)
  }
  if (response.status === 404) fail('HELM_SOURCE_NOT_FOUND', `${what.shown}: not found (404)`, details)
  if (response.status === 401 || response.status === 403) fail('HELM_SOURCE_AUTH', `${what.shown}: access denied (${response.status})`, details)
  if (!response.ok) fail('HELM_SOURCE_FAILED', `${what.shown}: HTTP ${response.status}`, details)
  const type = response.headers.get('content-type') ?? ''
  // A login page or an error page served with 200 is not an index or a chart.
  if (/^text\/html\b/iu.test(type)) fail('HELM_SOURCE_FAILED', `${what.shown}: answered ${type}, not a chart repository file`, details)
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > what.limit) fail('HELM_SOURCE_TOO_LARGE', `${what.shown}: ${declared} bytes, more than the limit of ${what.limit}`, details)
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    if (response.body !== null) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.byteLength
        if (total > what.limit) {
          await response.body.cancel().catch(() => undefined)
          fail('HELM_SOURCE_TOO_LARGE', `${what.shown}: more than the limit of ${what.limit} bytes`, details)
        }
        chunks.push(chunk)
      }
    }
  } catch (err) {
    if (err instanceof HelmError) throw err
    if (signal?.aborted === true) throw signal.reason
    fail('HELM_SOURCE_FAILED', `${what.shown}: ${deadline.aborted ? `no answer within ${options.timeout ?? 60_000} ms` : (err as Error).message}`, details)
  }
  return Buffer.concat(chunks)
}

interface IndexEntry {
  readonly version: string
  readonly parsed: SemVersion
  readonly urls: readonly string[]
  readonly digest?: string | undefined
}

/** The entries of `chart` in an index.yaml, with a valid version and at least one URL. */
function entriesOf(bytes: Uint8Array, chart: string, shown: string): IndexEntry[] {
  let index: unknown
  const text = Buffer.from(bytes).toString('utf8')
  try {
    // Measured on the parser's tokens as it parses (one pass over a 20 MB index): nested deeper
    // than the YAML parser composes safely is refused before it recurses.
    index = parseMeasuredYaml(text, { source: shown, maxAliasCount: 100, uniqueKeys: false })
  } catch (err) {
    if (isGitOpsError(err, 'CORE_YAML_TOO_DEEP')) fail('HELM_SOURCE_FAILED', err.message, { url: shown, cause: err })
    fail('HELM_SOURCE_FAILED', `${shown}: index.yaml is not YAML: ${(err as Error).message}`, { url: shown, cause: err })
  }
  const entries = typeof index === 'object' && index !== null ? (index as Record<string, unknown>).entries : undefined
  if (typeof entries !== 'object' || entries === null) fail('HELM_SOURCE_FAILED', `${shown}: index.yaml has no entries`, { url: shown })
  const list = Object.prototype.hasOwnProperty.call(entries, chart) ? (entries as Record<string, unknown>)[chart] : undefined
  if (!Array.isArray(list)) return []
  const out: IndexEntry[] = []
  for (const e of list as unknown[]) {
    if (typeof e !== 'object' || e === null) continue
    const { version, urls, digest } = e as Record<string, unknown>
    if (typeof version !== 'string' || !Array.isArray(urls) || typeof urls[0] !== 'string') continue
    // Helm drops an entry whose version Masterminds cannot read (loose: 1.2 and v1.2.3 are versions).
    let parsed: SemVersion
    try {
      parsed = parseSemver(version)
    } catch {
      continue
    }
    out.push({ version, parsed, urls: urls as string[], digest: typeof digest === 'string' && digest !== '' ? digest : undefined })
  }
  return out
}

/**
 * Fetches a chart from a Helm HTTP repository as `helm pull --repo URL CHART --version V` does:
 * reads `index.yaml`, picks the version (an exact one, or the highest that satisfies a semver
 * range, stable versions only unless the range names a pre-release), downloads the archive, checks
 * its sha256 digest against the index and unpacks it strictly (no links, no paths leaving the
 * chart folder). When the index names `lastDigest`, nothing is downloaded (`changed: false`).
 * Credentials (from `auth` or the URL's user info) go only to the repository's origin and never
 * into errors.
 *
 * @experimental Chart sources are new; their options may change in any minor.
 * @throws `HELM_SOURCE_NOT_FOUND` (404, chart or version not in the index), `HELM_SOURCE_AUTH`
 *   (401/403), `HELM_SOURCE_FAILED` (network, timeout, HTTP error, HTML answer, bad index,
 *   an index nested too deep to parse),
 *   `HELM_SOURCE_TOO_LARGE` (past `maxIndexBytes`/`maxChartBytes`), `HELM_SOURCE_DIGEST_MISMATCH`,
 *   `HELM_CHART_INVALID` (an archive that is truncated, has links or `..` paths, or lacks
 *   Chart.yaml). An abort rejects with the signal's reason.
 * @example
 * ```ts
 * const chart = await fetchRepositoryChart('https://charts.example.com', { chart: 'web', version: '1.x' })
 * const { text } = await renderChart('web', { fs: memoryFs(Object.fromEntries([...chart.files].map(([p, b]) => [`web/${p}`, b]))) })
 * ```
 */
export async function fetchRepositoryChart(url: string, options: FetchRepositoryChartOptions): Promise<FetchedChart> {
  if (typeof options.chart !== 'string' || options.chart === '') throw new TypeError('fetchRepositoryChart: options.chart is required')
  options.signal?.throwIfAborted()
  const repo = endpoint(url, options.auth)
  const indexUrl = new URL('index.yaml', repo.base)
  const indexShown = `${repo.shown}/index.yaml`
  const index = await get(indexUrl, { shown: indexShown, headers: repo.headers, limit: options.maxIndexBytes ?? 64 * 1024 * 1024 }, options)
  const entries = entriesOf(index, options.chart, indexShown)
  const subject = `${repo.shown} ${options.chart}`
  if (entries.length === 0) fail('HELM_SOURCE_NOT_FOUND', `${subject}: no such chart in the repository's index`, { url: repo.shown, chart: options.chart })
  const wanted = options.version ?? '*'
  const exact = entries.find((e) => e.version === wanted)
  let chosen = exact
  if (chosen === undefined) {
    // As Helm's IndexFile.Get: the highest version the Masterminds constraint admits.
    let constraint: SemverConstraint | undefined
    try {
      constraint = parseSemverConstraint(wanted === '' ? '*' : wanted)
    } catch {
      constraint = undefined
    }
    if (constraint !== undefined) {
      const c = constraint
      chosen = [...entries].sort((a, b) => compareSemver(b.parsed, a.parsed)).find((e) => semverSatisfies(c, e.parsed))
    }
  }
  if (chosen === undefined) fail('HELM_SOURCE_NOT_FOUND', `${subject}: no version matches '${wanted}'`, { url: repo.shown, chart: options.chart, version: wanted })
  const base = { name: options.chart, version: chosen.version }
  const indexDigest = chosen.digest === undefined ? undefined : `sha256:${chosen.digest.replace(/^sha256:/u, '').toLowerCase()}`
  const chartUrl = new URL(chosen.urls[0] as string, repo.base)
  const sameOrigin = chartUrl.origin === repo.base.origin
  const chartUser = chartUrl.username !== '' || chartUrl.password !== ''
  chartUrl.username = ''
  chartUrl.password = ''
  const shown = chartUrl.href
  if (indexDigest !== undefined && indexDigest === options.lastDigest) return { ...base, digest: indexDigest, url: shown, changed: false, files: new Map() }
  // As helm (passCredentials off): credentials never follow a chart to another host.
  const headers = sameOrigin && !chartUser ? repo.headers : {}
  const limit = options.maxChartBytes ?? 32 * 1024 * 1024
  const bytes = await get(chartUrl, { shown, headers, limit }, options)
  const digest = `sha256:${nodeCrypto().createHash('sha256').update(bytes).digest('hex')}`
  if (indexDigest !== undefined && digest !== indexDigest) {
    fail('HELM_SOURCE_DIGEST_MISMATCH', `${shown}: digest ${digest} differs from the index's ${indexDigest}`, { url: shown, expected: indexDigest, actual: digest })
  }
  let archive
  try {
    archive = readChartArchive(bytes, limit)
  } catch (err) {
    if (err instanceof ChartArchiveError) fail('HELM_CHART_INVALID', `${shown}: ${err.message}`, { url: shown, cause: err })
    throw err
  }
  return { ...base, digest, url: shown, changed: digest !== options.lastDigest, files: archive.files }
}
