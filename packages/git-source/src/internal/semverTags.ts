// Tags read as versions and ranked against a range the way Flux's source-controller does for a
// GitRepository `ref.semver` (fluxcd/pkg git/gogit, checkout by semver): the constraint is read by
// Masterminds/semver (core's `semver` entry), a tag counts only when fluxcd/pkg/version's
// ParseVersion accepts it (strict MAJOR.MINOR.PATCH, a `v` prefix allowed), and the highest wins.
// A module of its own so that the semver rules are loaded only when a ref names a range.
import {
  compareSemver,
  parseSemverConstraint,
  semverSatisfies,
  tryParseFluxVersion,
  type SemVersion,
  type SemverConstraint,
} from '@gitops-sdk/core/semver'

/**
 * The tag with the highest version in `range` (on a tie, the greater name: Flux orders equal
 * versions by their commits' times, which the advertised refs do not carry), or undefined.
 */
export function highestTag(tags: readonly string[], range: string): string | undefined {
  const constraint: SemverConstraint = parseSemverConstraint(range)
  let best: { tag: string; version: SemVersion } | undefined
  for (const tag of tags) {
    const version = tryParseFluxVersion(tag)
    if (version === undefined || !semverSatisfies(constraint, version)) continue
    const d = best === undefined ? 1 : compareSemver(version, best.version)
    if (d > 0 || (d === 0 && best !== undefined && tag > best.tag)) best = { tag, version }
  }
  return best?.tag
}
