import type { FileSystem, KubeObject, ObjectRef } from '@gitops-sdk/core'
import type { RenderHelmChart } from '@gitops-sdk/render'
import type { FetchHelmChart, FleetHelmRelease, RenderHelmRelease } from './helmReleaseTypes.js'
import type { AgeIdentity, DecryptionIntegrity } from '@gitops-sdk/secrets'

/** Options of {@link buildFleet}. */
export interface FleetBuildOptions {
  /** The repository checkout: the file system every path is read from. */
  readonly fs: FileSystem
  /**
   * The cluster directory, e.g. `clusters/prod`. @defaultValue the one directory that holds a
   * `flux-system` directory
   */
  readonly path?: string | undefined
  /** Build only this Kustomization and what it needs (`NS/NAME`). @defaultValue every one */
  readonly kustomization?: string | undefined
  /** age identities for Kustomizations with `spec.decryption`. @defaultValue none */
  readonly identities?: readonly AgeIdentity[] | undefined
  /**
   * How encrypted objects are decrypted, as the reconcile does it: the MAC is checked as built,
   * else on the encrypted document as it is in the source (before kustomize's transformers); an
   * object neither verifies is decrypted and listed in `unverifiedDecryptions` (`lenient`, as
   * Flux) or fails its Kustomization's build (`strict`).
   * @defaultValue 'lenient'
   */
  readonly integrity?: DecryptionIntegrity | undefined
  /**
   * Other sources mapped to local file systems, by `NS/NAME` of the GitRepository,
   * OCIRepository, Bucket or HelmRepository (a directory of unpacked charts by name; an
   * OCIRepository of a HelmRelease's `chartRef` is the chart's directory). Kustomizations of a
   * source not mapped here are reported as unavailable.
   */
  readonly sources?: Readonly<Record<string, FileSystem>> | undefined
  /**
   * Renders kustomize `helmCharts` entries of the built kustomizations (kustomize's
   * `--enable-helm`; Flux's kustomize-controller does not enable it, so by default they fail
   * their Kustomization's build as in Flux). The cli passes `@gitops-sdk/helm`'s renderer.
   * @defaultValue none
   */
  readonly renderHelmChart?: RenderHelmChart | undefined
  /**
   * Renders the charts of the fleet's HelmReleases (`helm.toolkit.fluxcd.io/v2`), as
   * helm-controller installs them; the cli passes `@gitops-sdk/helm`'s renderer. Without it
   * HelmReleases are listed in `problems` as `unsupported`. @defaultValue none
   */
  readonly renderHelmRelease?: RenderHelmRelease | undefined
  /**
   * Fetches a HelmRelease's chart from a HelmRepository or OCIRepository that is not mapped in
   * `sources` (network). Without it such HelmReleases are listed in `problems`. @defaultValue none
   */
  readonly fetchChart?: FetchHelmChart | undefined
  /** Stops the build; it rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** What one Flux Kustomization of the fleet would apply. */
export interface FleetKustomization {
  /** `NS/NAME` of the Kustomization. */
  readonly kustomization: string
  /** The path it builds, normalised, in its source. */
  readonly path: string
  /** `Kind/NS/NAME` of its source. */
  readonly source: string
  /** The objects it would apply, in kustomize's order, decrypted and substituted, with Flux's labels. */
  readonly objects: readonly KubeObject[]
  /** `Kind/NS/NAME` of substituteFrom references the fleet does not render. */
  readonly unresolved: readonly string[]
  /** Encrypted objects decrypted without a MAC check (see `integrity`); absent or empty when none. */
  readonly unverifiedDecryptions?: readonly ObjectRef[] | undefined
}

/** Why part of the fleet was not built. */
export interface FleetProblem {
  /** `unsupported`: a Flux kind the SDK does not build (HelmRelease…); `unavailable`: a source not in
   * this repository nor mapped; `failed`: the build failed; `dependency`: an unknown or cyclic dependsOn. */
  readonly type: 'unsupported' | 'unavailable' | 'failed' | 'dependency'
  /** The Flux object concerned. */
  readonly ref: ObjectRef
  /** What went wrong, naming the object or file. */
  readonly message: string
}

/** The result of {@link buildFleet}. */
export interface FleetBuild {
  /** The cluster directory the build started from. */
  readonly path: string
  /** Every Kustomization built, dependencies first. */
  readonly kustomizations: readonly FleetKustomization[]
  /** Every HelmRelease built (with `renderHelmRelease`), in the order the fleet renders them. */
  readonly helmReleases?: readonly FleetHelmRelease[] | undefined
  /** What was left out and why; the build goes on past them. */
  readonly problems: readonly FleetProblem[]
}
