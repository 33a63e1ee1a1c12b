import type { FileSystem } from '@gitops-sdk/core'
import { trimCharRun } from '@gitops-sdk/core/light'
import type { RenderHelmRelease } from '@gitops-sdk/flux'
import type { HelmChartRequest, RenderHelmChart } from '@gitops-sdk/render'
import type { HelmTimeZone } from '@gitops-sdk/helm'
import type { RegistryCredentials } from './ociCharts.js'

/** Where the chart of a `helmCharts` entry that is not in the repository comes from. */
export type PullChart = (request: HelmChartRequest, options: { readonly signal?: AbortSignal | undefined }) => Promise<{ readonly fs: FileSystem; readonly path: string }>

/** Options of {@link helmChartRenderer}. */
export interface HelmChartRendererOptions {
  /** Fetches a chart that is not in the repository; without it such a chart is an error naming its repo. */
  readonly pullChart?: PullChart | undefined
  /**
   * The environment whose `TZ` (unset: `/etc/localtime`) sets the zone of the charts' date
   * functions, as the helm that kustomize runs inherits it. @defaultValue none: UTC
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
}

/** Whether a hook manifest is one of `helm test`'s (its `helm.sh/hook` lists `test`), which `--skip-tests` drops. */
function isTestHook(content: string, parse: (text: string) => Record<string, unknown>): boolean {
  let doc: Record<string, unknown>
  try {
    doc = parse(content)
  } catch {
    return false
  }
  const meta = doc.metadata
  const annotations = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).annotations : undefined
  const hook = typeof annotations === 'object' && annotations !== null ? (annotations as Record<string, unknown>)['helm.sh/hook'] : undefined
  if (typeof hook !== 'string') return false
  return hook.split(',').some((e) => e.trim() === 'test' || e.trim() === 'test-success')
}

/**
 * Fetches a chart from a Helm HTTP repository, or an OCI one (`oci://host/path`, the chart at
 * `<repo>/<name>` as helm pull takes it), into memory: the file system and the chart's directory in
 * it (`<name>`).
 */
export async function fetchChartToFs(
  repo: string,
  chart: { readonly name: string; readonly version?: string | undefined },
  options: { readonly signal?: AbortSignal | undefined; readonly credentials?: RegistryCredentials | undefined; readonly insecure?: boolean | undefined },
): Promise<{ readonly fs: FileSystem; readonly path: string }> {
  const { signal, credentials } = options
  if (repo.startsWith('oci://')) {
    const { fetchOciChartToFs } = await import('./ociCharts.js')
    // One pass over the trailing slashes: `/\/+$/` retried from each slash of a long run inside the URL.
    return fetchOciChartToFs(`${trimCharRun(repo, '/', 'end')}/${chart.name}`, { version: chart.version, credentials, insecure: options.insecure, signal })
  }
  const [{ memoryFs }, { fetchRepositoryChart }] = await Promise.all([import('@gitops-sdk/core'), import('@gitops-sdk/helm')])
  const auth = credentials?.username !== undefined || credentials?.token !== undefined ? { username: credentials.username, password: credentials.password, token: credentials.token } : undefined
  const fetched = await fetchRepositoryChart(repo, { chart: chart.name, version: chart.version, auth, signal })
  const files: Record<string, Uint8Array> = Object.create(null) as Record<string, Uint8Array>
  for (const [path, bytes] of fetched.files) files[`${chart.name}/${path}`] = bytes
  return { fs: memoryFs(files), path: chart.name }
}

/** kustomize's `helm pull` for a `helmCharts` entry whose chart is not in the repository: fetched into memory, nothing written. */
export const pullChart: PullChart = (request, { signal }) => fetchChartToFs(request.repo ?? '', { name: request.name, version: request.version }, { signal })

/**
 * {@link pullChart} with the registry credentials the `helm pull` kustomize runs would read from
 * `env` for an oci:// repo: `$HELM_REGISTRY_CONFIG`, then Docker's config.json. kustomize v5.5.0
 * points `HELM_CONFIG_HOME` at a directory of its own, so helm's registry/config.json in the
 * user's config home is not read. Other repos are pulled anonymously, as kustomize's helm pull does.
 */
export function pullChartWithHelmConfig(env: Readonly<Record<string, string | undefined>>, cwd: string): PullChart {
  return async (request, { signal }) => {
    const repo = request.repo ?? ''
    if (!repo.startsWith('oci://')) return pullChart(request, { signal })
    const { helmRegistryConfigFiles, registryConfigAuth } = await import('./helmRegistryConfig.js')
    const rest = repo.slice('oci://'.length)
    const host = rest.slice(0, rest.indexOf('/') < 0 ? rest.length : rest.indexOf('/'))
    const files = helmRegistryConfigFiles(env).filter((f) => f.from !== "helm's registry config")
    const credentials = await registryConfigAuth(host, files, { cwd, signal, env })
    return fetchChartToFs(repo, { name: request.name, version: request.version }, { signal, credentials })
  }
}

/**
 * The renderer the cli gives `render` for kustomize's `helmCharts` (what `kubectl kustomize
 * --enable-helm` runs `helm template` for): `@gitops-sdk/helm`'s `renderChart` with the values
 * files, release, namespace, CRDs, tests and capabilities of the entry.
 */
export function helmChartRenderer(options: HelmChartRendererOptions = {}): RenderHelmChart {
  let timeZone: HelmTimeZone | undefined
  return async (request, { signal }) => {
    const helm = await import('@gitops-sdk/helm')
    if (options.env !== undefined) timeZone ??= helm.loadLocalTimeZone(options.env)
    let fs = request.fs
    let chartPath = request.chartPath
    if (!request.chartPresent) {
      if (options.pullChart === undefined) {
        throw new Error(`${request.repo ?? ''}: the chart is not in the repository and fetching charts is not enabled`)
      }
      ;({ fs, path: chartPath } = await options.pullChart(request, { signal }))
    }
    let chartValues: string | undefined
    try {
      chartValues = new TextDecoder().decode(await fs.readFile(`${chartPath}/values.yaml`))
    } catch {
      chartValues = undefined
    }
    let values: Record<string, unknown> = {}
    for (const file of request.valuesFiles(chartValues)) values = helm.parseValues(file.text, { source: file.source, values })
    const rendered = await helm.renderChart(chartPath, {
      fs,
      releaseName: request.releaseName,
      namespace: request.namespace,
      kubeVersion: request.kubeVersion,
      apiVersions: request.apiVersions,
      includeCrds: request.includeCrds,
      values,
      timeZone,
      signal,
    })
    if (!request.skipTests || !rendered.manifests.some((m) => m.hook)) return rendered.text
    // --skip-tests prints the same stream without the test hooks.
    const parse = (text: string): Record<string, unknown> => helm.parseValues(text)
    return without(rendered, (m) => m.hook && isTestHook(m.content, parse))
  }
}

/** The text of a rendered chart without the manifests `drop` rejects: the CRDs printed first stay. */
/**
 * `fs` with every answer kept by path: a read, listing, stat or realpath asked again gets the
 * first answer (a failure too), a fresh copy of bytes and listings so that no caller sees
 * another's changes.
 */
function memoFs(fs: FileSystem): FileSystem {
  const memo = <T>(read: (path: string) => Promise<T>): ((path: string) => Promise<T>) => {
    const seen = new Map<string, Promise<T>>()
    return (path) => {
      let p = seen.get(path)
      if (p === undefined) {
        p = read(path)
        seen.set(path, p)
      }
      return p
    }
  }
  const readFile = memo((path) => fs.readFile(path))
  const readdir = memo((path) => fs.readdir(path))
  const realpath = fs.realpath === undefined ? undefined : memo(fs.realpath.bind(fs))
  const out: FileSystem = {
    readFile: async (path) => (await readFile(path)).slice(),
    readdir: async (path) => [...(await readdir(path))],
    stat: memo((path) => fs.stat(path)),
  }
  return realpath === undefined ? out : { ...out, realpath }
}

function without(rendered: { readonly text: string; readonly manifests: readonly { readonly source: string; readonly content: string; readonly hook: boolean }[] }, drop: (m: { readonly content: string; readonly hook: boolean }) => boolean): string {
  const print = (ms: readonly { readonly source: string; readonly content: string }[]): string => ms.map((m) => `---\n# Source: ${m.source}\n${m.content}\n`).join('')
  const printed = print(rendered.manifests)
  return rendered.text.slice(0, rendered.text.length - printed.length) + print(rendered.manifests.filter((m) => !drop(m)))
}

/**
 * The renderer the cli gives `buildFleet` for HelmReleases: `@gitops-sdk/helm`'s `renderChart`
 * with the values layers merged as helm-controller merges them, hooks left out (helm-controller
 * runs them, it does not apply them as release objects), CRDs first unless `install.crds` is Skip.
 * The date functions see UTC whatever `$TZ` says: helm-controller renders in its container's zone,
 * which is UTC. Each renderer answers every chart file read once (per file system and path): make
 * one per build, not one for a long-lived process whose files change.
 */
export function helmReleaseRenderer(): RenderHelmRelease {
  // The HelmReleases of a fleet mostly share a few charts in one repository: each release reads
  // the same chart files again (in a 200-release fleet, about 2,400 reads, stats and realpaths,
  // each a round trip through the thread pool). Reads are answered once per file system and path
  // for the life of this renderer (one command), as a build reads the repository as it was.
  const cached = new WeakMap<FileSystem, FileSystem>()
  const readOnce = (fs: FileSystem): FileSystem => {
    let out = cached.get(fs)
    if (out === undefined) {
      out = memoFs(fs)
      cached.set(fs, out)
    }
    return out
  }
  return async (request, { signal }) => {
    const helm = await import('@gitops-sdk/helm')
    let values: Record<string, unknown> = {}
    for (const layer of request.values) {
      values = layer.type === 'yaml' ? helm.parseValues(layer.text, { source: layer.source, values }) : helm.parseSetValues(layer.expression, { type: layer.type, values })
    }
    let fs = readOnce(request.fs)
    if (request.chartValuesFiles !== undefined) {
      // source-controller packages the chart with the merge of valuesFiles as its values.yaml.
      const { overlayFs, stringifyValue } = await import('@gitops-sdk/core')
      let merged: Record<string, unknown> = {}
      for (const file of request.chartValuesFiles) merged = helm.parseValues(file.text, { source: file.source, values: merged })
      const path = request.path === '' ? 'values.yaml' : `${request.path}/values.yaml`
      fs = overlayFs(fs, new Map([[path, new TextEncoder().encode(stringifyValue(merged as Parameters<typeof stringifyValue>[0]))]]))
    }
    const rendered = await helm.renderChart(request.path, {
      fs,
      releaseName: request.releaseName,
      namespace: request.namespace,
      includeCrds: request.includeCrds,
      values,
      signal,
    })
    return without(rendered, (m) => m.hook)
  }
}
