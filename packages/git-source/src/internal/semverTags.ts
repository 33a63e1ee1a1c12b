// Tags read as semver versions, as Flux's source-controller does with Masterminds/semver. A module
// of its own so that semver is loaded only when a ref names a range.
import semver from 'semver'

// Masterminds/semver (Flux) separates AND-ed constraints with commas; node-semver with spaces.
function normalizeRange(range: string): string {
  return range.replaceAll(',', ' ')
}

/** Whether `range` is a semver range (Flux's comma-separated constraints allowed). */
export function isValidRange(range: string): boolean {
  return semver.validRange(normalizeRange(range)) !== null
}

/** The semver version a tag name stands for (`v` prefix and missing minor/patch allowed), or null. */
export function tagVersion(tag: string): semver.SemVer | null {
  const bare = tag.replace(/^v/, '')
  const padded = /^\d+$/.test(bare) ? `${bare}.0.0` : /^\d+\.\d+$/.test(bare) ? `${bare}.0` : bare
  return semver.parse(padded, { loose: true })
}

/** The tag with the highest version in `range` (on a tie, the greater name), or undefined. */
export function highestTag(tags: readonly string[], range: string): string | undefined {
  const normalized = normalizeRange(range)
  let best: { tag: string; version: semver.SemVer } | undefined
  for (const tag of tags) {
    const version = tagVersion(tag)
    if (version === null || !semver.satisfies(version, normalized)) continue
    if (best === undefined || semver.gt(version, best.version) || (semver.eq(version, best.version) && tag > best.tag)) {
      best = { tag, version }
    }
  }
  return best?.tag
}
