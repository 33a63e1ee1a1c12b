/**
 * Semantic versions and constraints as Masterminds/semver v3.4.0 reads them: the one rule for
 * Helm's `semverCompare`, chart dependency versions, and Flux's GitRepository and OCIRepository
 * `ref.semver`. A subpath of its own, so programs that never resolve a range do not load it.
 *
 * @experimental For the sibling packages of gitops-sdk; may change in any minor version.
 * @packageDocumentation
 */
export type { SemVersion, SemverComparator, SemverConstraint, SemverErrorCode } from './semver/masterminds.js'
export {
  SemverError,
  compareSemver,
  parseFluxVersion,
  parseSemver,
  parseSemverConstraint,
  parseStrictSemver,
  semverSatisfies,
  semverText,
} from './semver/masterminds.js'
export { semverConstraintError, tryParseFluxVersion } from './semver/orUndefined.js'
