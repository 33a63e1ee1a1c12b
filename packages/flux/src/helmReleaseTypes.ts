import type { FileSystem, KubeObject } from '@gitops-sdk/core'

/**
 * One layer of a HelmRelease's values, in the order helm-controller merges them: YAML texts
 * (`valuesFrom` documents and `spec.values`) merge deeply, later ones win; a `targetPath`
 * reference sets one value as `helm --set` (`set`) or, when quoted, `--set-string` (`string`).
 */
export type HelmValuesLayer = HelmValuesDocument | HelmValuesSet

/** A values document (YAML or JSON) merged over the layers before it. */
export interface HelmValuesDocument {
  /** Always `'yaml'`. */
  readonly type: 'yaml'
  /** Where it came from (`ConfigMap/NS/NAME KEY`, or the HelmRelease's `spec.values`), for messages. */
  readonly source: string
  /** The document's text. */
  readonly text: string
}

/** One value set at a `targetPath`, as `helm --set` (`set`) or `--set-string` (`string`) sets it. */
export interface HelmValuesSet {
  /** `'set'` types the value as `--set` does; `'string'` keeps it a string. */
  readonly type: 'set' | 'string'
  /** Where it came from (`Secret/NS/NAME KEY`), for messages. */
  readonly source: string
  /** `PATH=VALUE`, as on helm's command line. */
  readonly expression: string
}

/** What {@link RenderHelmRelease} renders: a chart as helm-controller installs it for one HelmRelease. */
export interface HelmReleaseChartRequest {
  /** `NS/NAME` of the HelmRelease, for messages. */
  readonly helmRelease: string
  /** The file system holding the chart. */
  readonly fs: FileSystem
  /** The chart directory in `fs` (`''` for its root). */
  readonly path: string
  /** `.Release.Name`. */
  readonly releaseName: string
  /** `.Release.Namespace`. */
  readonly namespace: string
  /** The values, in merge order. */
  readonly values: readonly HelmValuesLayer[]
  /** Whether the chart's `crds/` are part of what is applied (`spec.install.crds` is not `Skip`). */
  readonly includeCrds: boolean
  /**
   * `chart.spec.valuesFiles`, read and in order: when present, their merge (later files win, as
   * source-controller merges them) replaces the chart's own `values.yaml`. @defaultValue none (the chart's values.yaml)
   */
  readonly chartValuesFiles?: readonly HelmValuesDocument[] | undefined
}

/**
 * Renders a HelmRelease's chart: the manifests of the release (hooks excluded, CRDs first when
 * `includeCrds`), as `helm template --no-hooks` prints them. The cli passes `@gitops-sdk/helm`'s
 * renderer.
 */
export type RenderHelmRelease = (request: HelmReleaseChartRequest, options: { readonly signal?: AbortSignal | undefined }) => Promise<string>

/** A chart a HelmRelease needs from outside the repository, for {@link FetchHelmChart}. */
export interface HelmChartFetchRequest {
  /** `NS/NAME` of the HelmRelease. */
  readonly helmRelease: string
  /** The source object as the fleet renders it (a HelmRepository or OCIRepository). */
  readonly source: KubeObject
  /** The chart name (HelmRepository); `undefined` for an OCIRepository, whose artifact is the chart. */
  readonly chart?: string | undefined
  /** The version or semver range asked for. @defaultValue `'*'` */
  readonly version?: string | undefined
  /** Credentials from the source's `spec.secretRef` Secret of the fleet; never to be printed. @defaultValue anonymous */
  readonly auth?: HelmChartAuth | undefined
}

/**
 * Credentials of a chart source, from its `spec.secretRef` Secret as Flux reads them: `username`
 * and `password` (basic auth, or traded for a registry token), `bearerToken`, or a
 * `.dockerconfigjson` (for OCI registries: the entry of the registry's host applies).
 */
export interface HelmChartAuth {
  /** The Secret's `username`. */
  readonly username?: string | undefined
  /** The Secret's `password`. */
  readonly password?: string | undefined
  /** The Secret's `bearerToken`. */
  readonly token?: string | undefined
  /** The Secret's `.dockerconfigjson` text. */
  readonly dockerConfigJson?: string | undefined
}

/** Fetches a chart from a HelmRepository or OCIRepository: the file system and directory of the unpacked chart. */
export type FetchHelmChart = (request: HelmChartFetchRequest, options: { readonly signal?: AbortSignal | undefined }) => Promise<FetchedHelmChart>

/** Where a fetched chart is: a file system and the chart's directory in it. */
export interface FetchedHelmChart {
  /** The file system holding the unpacked chart (usually in memory). */
  readonly fs: FileSystem
  /** The chart directory in `fs`. */
  readonly path: string
}

/** What one HelmRelease of the fleet would apply. */
export interface FleetHelmRelease {
  /** `NS/NAME` of the HelmRelease. */
  readonly helmRelease: string
  /** The release name (Flux's `[targetNamespace-]name` by default, shortened past 53 characters). */
  readonly releaseName: string
  /** The release namespace (`targetNamespace`, else the HelmRelease's namespace). */
  readonly namespace: string
  /** `Kind/NS/NAME` of the chart's source, and the chart path or name in it. */
  readonly chart: string
  /** `NS/NAME` of the Kustomization that renders the HelmRelease. */
  readonly kustomization: string
  /** The objects it would apply, post-rendered, with commonMetadata and Flux's labels. */
  readonly objects: readonly KubeObject[]
}
