/**
 * The answer of a fetch that found the source still at the revision the caller already has:
 * nothing was downloaded, so there is no content, only the revision. `fetchSource` of
 * `@gitops-sdk/git-source` answers it (with the commit and ref besides), and the reconcile steps'
 * `fetch` may answer it.
 */
export interface UnchangedSource {
  /** Always `true`: tells this answer from one with content. */
  readonly unchanged: true
  /** Flux-style revision the source is still at, e.g. `main@sha1:3f2a…`. */
  readonly revision: string
}
