/** One document of a rendered chart, as `helm template` prints it. */
export interface RenderedManifest {
  /** The template it came from, e.g. `mychart/templates/deployment.yaml`. */
  readonly source: string
  /** The document, trimmed, without the `---` separator. */
  readonly content: string
  /** Its `kind`, or `''` when it has none. */
  readonly kind: string
  /** Whether it is a Helm hook (`helm.sh/hook` annotation); hooks print after the rest. */
  readonly hook: boolean
}

/** What {@link renderChart} returns. */
export interface RenderedChart {
  /** The documents, in `helm template`'s order. */
  readonly manifests: readonly RenderedManifest[]
  /** Every rendered file by template name, before splitting (partials excluded). */
  readonly files: ReadonlyMap<string, string>
  /** The output `helm template` prints, byte for byte. */
  readonly text: string
}
