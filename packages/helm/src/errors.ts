import { GitOpsError } from '@gitops-sdk/core'

/** Codes of the errors `@gitops-sdk/helm` throws. */
export type HelmErrorCode =
  | 'HELM_TEMPLATE_PARSE'
  | 'HELM_TEMPLATE_EXEC'
  | 'HELM_TEMPLATE_NOT_FOUND'
  | 'HELM_CHART_INVALID'
  | 'HELM_VALUES_INVALID'
  | 'HELM_MANIFEST_INVALID'
  | 'HELM_DEPENDENCY_MISSING'
  /** An option of `renderChart` does not parse: `kubeVersion` (helm's `invalid kube version`). */
  | 'HELM_OPTION_INVALID'
  /** A chart repository, chart or version does not exist (404, not in the index). */
  | 'HELM_SOURCE_NOT_FOUND'
  /** A chart repository refused the credentials (401, 403). */
  | 'HELM_SOURCE_AUTH'
  /** A chart repository cannot be read: network, timeout, HTTP error, HTML answer, bad index. */
  | 'HELM_SOURCE_FAILED'
  /** An index or chart archive is larger than its limit. */
  | 'HELM_SOURCE_TOO_LARGE'
  /** A chart archive's digest differs from the one its index names. */
  | 'HELM_SOURCE_DIGEST_MISMATCH'

/**
 * An error thrown by `@gitops-sdk/helm`. Template errors carry Go's message unchanged (`template:
 * NAME:LINE:COL: executing "NAME" at <...>: ...`), so it reads as helm's would.
 *
 * @example
 * ```ts
 * try { renderTemplate('{{ fail "no" }}', {}) }
 * catch (err) { if (isGitOpsError(err, 'HELM_TEMPLATE_EXEC')) console.error(err.message) }
 * ```
 */
export class HelmError extends GitOpsError<HelmErrorCode> {
  override readonly name: string = 'HelmError'
}
