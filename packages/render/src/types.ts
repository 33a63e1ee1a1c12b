import type { FileSystem } from '@gitops-sdk/core'

/** Flux post-build substitution settings (`spec.postBuild` of a Flux Kustomization). */
export interface SubstituteOptions {
  /** Variables by name; they win over variables read from `files`. */
  readonly variables?: Readonly<Record<string, string>> | undefined
  /**
   * Files in the file system holding more variables, read in order (later ones win): a ConfigMap
   * or Secret manifest (its data, as Flux's `substituteFrom`), a YAML or JSON mapping, or
   * dotenv `KEY=value` lines.
   */
  readonly files?: readonly string[] | undefined
  /** An undefined variable without a default is an error (Flux's strict substitution). @defaultValue false */
  readonly strict?: boolean | undefined
}

/** Options of {@link render}. */
export interface RenderOptions {
  /** The file system to read; `root` and every path are inside it, nothing outside it is read. */
  readonly fs: FileSystem
  /** Flux post-build substitution applied to the built objects; none when absent. */
  readonly substitute?: SubstituteOptions | undefined
  /**
   * Build a root directory without a kustomization file as if it had one listing every YAML file
   * in it, recursively, and every subdirectory with a kustomization file, as Flux does.
   * @defaultValue false
   */
  readonly plainDirectories?: boolean | undefined
  /**
   * `rootOnly` (kustomize's default): a kustomization reads files only in or below its own
   * directory. `none`: anywhere inside the file system (Flux's setting).
   * @defaultValue 'rootOnly'
   */
  readonly loadRestrictions?: 'rootOnly' | 'none' | undefined
  /** Receives kustomize's warnings (deprecated fields, unused vars), one line each. @defaultValue ignored */
  readonly onWarning?: ((message: string) => void) | undefined
  /**
   * Renders one chart of a kustomization's `helmCharts` (kustomize's `--enable-helm`): given the
   * entry, resolved, it returns what `helm template` prints for it. render never renders Helm
   * itself; `@gitops-sdk/cli` passes `@gitops-sdk/helm`'s renderer. Without it a kustomization
   * with `helmCharts` fails with `RENDER_PLUGIN_UNSUPPORTED`, as kustomize without `--enable-helm`.
   * @defaultValue none
   */
  readonly renderHelmChart?: RenderHelmChart | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** A values file to pass to `helm template -f`, in order. */
export interface HelmValuesFile {
  /** Where it came from (a path in the file system, or `valuesInline`), for messages. */
  readonly source: string
  /** Its YAML text. */
  readonly text: string
}

/**
 * One `helmCharts` entry of a kustomization, resolved as kustomize v5.5.0's
 * HelmChartInflationGenerator resolves it before it runs `helm pull` and `helm template`.
 */
export interface HelmChartRequest {
  /** The file system of the build; `chartPath` is inside it. */
  readonly fs: FileSystem
  /** The kustomization file that lists the chart. */
  readonly kustomization: string
  /** The chart's `name`. */
  readonly name: string
  /** The chart repository (`https://…` or `oci://…`), when the chart is pulled. */
  readonly repo?: string | undefined
  /** The chart version or range asked for. */
  readonly version?: string | undefined
  /** `.Release.Name`: the entry's `releaseName`, or `release-name` as helm prints without one. */
  readonly releaseName: string
  /** `.Release.Namespace` (`--namespace`). */
  readonly namespace?: string | undefined
  /**
   * Where the chart directory is in `fs`: `<chartHome>/<name>`, or `<chartHome>/<name>-<version>/<name>`
   * when both `repo` and `version` are set (where kustomize pulls it to).
   */
  readonly chartPath: string
  /** Whether `chartPath` is a directory; when it is not, the chart must be pulled from `repo`. */
  readonly chartPresent: boolean
  /**
   * The values files helm reads (`-f`), in order, given the text of the chart's own
   * `values.yaml` (`undefined` when it has none): the entry's `valuesFile` (the chart's
   * values.yaml by default) merged with `valuesInline` as `valuesMerge` says, then
   * `additionalValuesFiles`.
   * @throws `RENDER_FILE_NOT_FOUND` when the default values file is needed and the chart has none.
   */
  readonly valuesFiles: (chartValues: string | undefined) => readonly HelmValuesFile[]
  /** `--include-crds`. */
  readonly includeCrds: boolean
  /** `--skip-tests`: test hooks are not printed. */
  readonly skipTests: boolean
  /** `--api-versions`, in order. */
  readonly apiVersions: readonly string[]
  /** `--kube-version`. */
  readonly kubeVersion?: string | undefined
}

/** What renders a {@link HelmChartRequest}: the text `helm template` prints. */
export type RenderHelmChart = (chart: HelmChartRequest, options: { readonly signal?: AbortSignal | undefined }) => Promise<string>
