// The parses of masterminds.ts for callers that treat a text which is no version or range as an
// answer rather than a fault: tags that are not versions are passed over, and a range that is no
// constraint is reported in the caller's own error.
import { SemverError, type SemVersion, parseFluxVersion, parseSemverConstraint } from './masterminds.js'

/**
 * {@link parseFluxVersion}, or undefined where it refuses the text: the test Flux's
 * source-controller puts to each tag (fluxcd/pkg/version `ParseVersion`: strict MAJOR.MINOR.PATCH,
 * a leading `v` allowed).
 *
 * @example
 * ```ts
 * tryParseFluxVersion('v1.2.3')?.minor // 2n
 * tryParseFluxVersion('latest') // undefined
 * ```
 */
export function tryParseFluxVersion(text: string): SemVersion | undefined {
  try {
    return parseFluxVersion(text)
  } catch (err) {
    if (err instanceof SemverError) return undefined
    throw err
  }
}

/**
 * Why `text` is not a Masterminds/semver constraint (Masterminds' message, as Flux reports it),
 * or undefined when {@link parseSemverConstraint} reads it.
 *
 * @example
 * ```ts
 * semverConstraintError('>= 1.0, < 2') // undefined
 * semverConstraintError('one') // 'improper constraint: one'
 * ```
 */
export function semverConstraintError(text: string): string | undefined {
  try {
    parseSemverConstraint(text)
    return undefined
  } catch (err) {
    if (err instanceof SemverError) return err.message
    throw err
  }
}
