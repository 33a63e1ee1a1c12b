import { withDeadline } from './internal/call.js'
import { parseOciUrl } from './internal/ociUrl.js'
import { createRegistryClient } from './internal/registryClient.js'
import { highestMatch } from './internal/resolveTag.js'
import { checkRange, semverFilterOf } from './pullArtifact.js'
import type { RegistryOptions } from './types.js'

/** Options of {@link resolveSemverTag}. */
export interface ResolveSemverTagOptions extends RegistryOptions {
  /** The semver range (`ref.semver`) and the regular expression tags must match first (`ref.semverFilter`). */
  readonly ref: {
    /** The semver range the tag must satisfy, e.g. `>=1.0.0 <2.0.0` (a range naming a pre-release lets pre-releases in). */
    readonly semver: string
    /** A regular expression the tag must match before the range is applied; without it, every tag is a candidate. */
    readonly semverFilter?: string | undefined
  }
}

/**
 * Resolves the tag of `url` (`oci://host/repo`) a semver range selects, as Flux's OCIRepository
 * does for `ref.semver` and `ref.semverFilter`: the tags the filter matches (all without one),
 * those that are semantic versions (a `v` prefix allowed; Helm's `_` for `+` is not a version
 * here), the highest in the range. Nothing else is read: use it where the artifact is fetched by
 * another client, such as a Helm chart by `@gitops-sdk/helm`'s `fetchOciChart`.
 *
 * @throws `OCI_INVALID_OPTION` (a range or filter that does not parse), `OCI_NO_SEMVER_MATCH`
 *   (listing the tags seen), `OCI_AUTH_FAILED`, `OCI_NOT_FOUND`, `OCI_UNREACHABLE`, `OCI_TIMEOUT`,
 *   `OCI_PROTOCOL_ERROR`; rejects with `signal.reason` when aborted.
 * @example
 * ```ts
 * const tag = await resolveSemverTag('oci://ghcr.io/acme/charts/web', { ref: { semver: '>=1.0.0-0', semverFilter: '.*-rc.*' } })
 * ```
 */
export async function resolveSemverTag(url: string, options: ResolveSemverTagOptions): Promise<string> {
  if (typeof url !== 'string') throw new TypeError('resolveSemverTag: url must be a string')
  if (typeof (options.ref as { semver?: unknown } | undefined)?.semver !== 'string') throw new TypeError('resolveSemverTag: options.ref.semver must be a string')
  const parsed = parseOciUrl(url)
  await checkRange(parsed, options.ref.semver)
  const filter = await semverFilterOf(parsed, options.ref)
  return withDeadline(parsed, options, async (signal) => {
    const client = createRegistryClient({ url: parsed, auth: options.auth, insecure: options.insecure ?? false, fetch: options.fetch ?? globalThis.fetch, signal, actions: 'pull' })
    return highestMatch(client, options.ref.semver, filter)
  })
}
