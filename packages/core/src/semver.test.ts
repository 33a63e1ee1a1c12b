// Masterminds/semver as core holds it, where npm's semver (which helm, oci-source and git-source
// used before) answers otherwise. Every answer here is Masterminds' (checked against helm's
// semverCompare in packages/helm/test/differential/semverCases.ts).
import { describe, expect, it } from 'vitest'
import { isGitOpsError } from './errors.js'
import {
  SemverError,
  compareSemver,
  parseFluxVersion,
  parseSemver,
  parseSemverConstraint,
  semverConstraintError,
  semverSatisfies,
  semverText,
  tryParseFluxVersion,
} from './semver.js'

const satisfies = (range: string, version: string): boolean => semverSatisfies(parseSemverConstraint(range), parseSemver(version))

describe('parseSemverConstraint and semverSatisfies', () => {
  it.for([
    // node-semver refuses these constraints; Masterminds reads them
    { name: 'comma and', range: '>= 1.0, < 2.0', version: '1.9.9', expected: true },
    { name: 'comma and without spaces', range: '>=1.0,<2.0', version: '2.0.0', expected: false },
    { name: '!= on a partial version', range: '!=1.2', version: '1.2.7', expected: false },
    { name: 'the reversed =>', range: '=>1.2.3', version: '1.2.3', expected: true },
    { name: 'the reversed =<', range: '=<1.2.3', version: '1.2.4', expected: false },
    { name: 'a zero-padded constraint', range: '01.5.0', version: '1.5.0', expected: true },
    // both read them, with answers that differ
    { name: 'a pre-release lower bound admits pre-releases of later versions', range: '>=1.0.0-0', version: '1.2.0-rc.1', expected: true },
    { name: 'a plain upper bound takes the pre-release of that version', range: '>=1.0.0-0 <2', version: '2.0.0-rc.1', expected: true },
    { name: 'a pre-release upper bound alone admits pre-releases', range: '>=1.0.0 <2.0.0-0', version: '1.5.0-rc.1', expected: true },
    { name: 'a caret on a pre-release reaches other minors', range: '^1.2.3-beta', version: '1.3.0-alpha', expected: true },
    // the same answers, written down so a change shows
    { name: 'x wildcard', range: '1.x', version: '1.9.9', expected: true },
    { name: 'tilde on a major', range: '~1', version: '1.99.0', expected: true },
    { name: 'tilde on a major stops at the next', range: '~1', version: '2.0.0', expected: false },
    { name: 'caret on 0.2', range: '^0.2', version: '0.2.9', expected: true },
    { name: 'caret on 0.2 stops at 0.3', range: '^0.2', version: '0.3.0', expected: false },
    { name: 'or', range: '<1 || >=3', version: '3.1.0', expected: true },
    { name: 'a stable range refuses pre-releases', range: '*', version: '1.0.0-alpha', expected: false },
    { name: 'a v prefix on both sides', range: '=v1.5.0', version: 'v1.5.0', expected: true },
    { name: 'build metadata is ignored', range: '1.2.3+a', version: '1.2.3+b', expected: true },
    { name: 'a bare partial version is a tilde range', range: '1.5', version: '1.5.7', expected: true },
    { name: 'a hyphen range with partial ends', range: '1.2 - 1.4', version: '1.4.8', expected: true },
  ])('$name: $range on $version', ({ range, version, expected }) => {
    expect(satisfies(range, version)).toBe(expected)
  })

  it.for(['', 'bad', '>1 <', '1.2.3.4', '||', '1 ||', '>=1,,<2', '1x', '~ >1', '>1.2.3-01', '1|2'])('refuses %j with SEMVER_INVALID_CONSTRAINT naming the input', (range) => {
    const err = (() => {
      try {
        return parseSemverConstraint(range)
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(SemverError)
    expect(isGitOpsError(err, 'SEMVER_INVALID_CONSTRAINT')).toBe(true)
    expect(err).toMatchObject({ details: { input: range } })
  })
})

describe('parseSemver and parseFluxVersion', () => {
  it('reads loose versions as Masterminds NewVersion does', () => {
    expect(semverText(parseSemver('v1.2'))).toBe('1.2.0')
    expect(semverText(parseSemver('01.002.3-rc.1+b'))).toBe('1.2.3-rc.1+b')
    expect(parseSemver('v1').original).toBe('v1')
  })

  it('reads tags as fluxcd/pkg/version ParseVersion does: strict, a v prefix allowed', () => {
    expect(semverText(parseFluxVersion('v1.2.3-rc.1+b'))).toBe('1.2.3-rc.1+b')
    for (const tag of ['1.2', '2', '01.2.3', 'V1.2.3', 'vv1.2.3', 'release', '1.2.3.4', '']) {
      expect(() => parseFluxVersion(tag), tag).toThrow(SemverError)
    }
  })

  it('orders pre-releases numerically and before the release, ignoring metadata', () => {
    const sorted = ['1.0.0', '1.0.0-rc.10', '1.0.0-rc.2', '1.0.0-alpha', '0.9.0+z'].map(parseSemver).sort(compareSemver).map((v) => v.original)
    expect(sorted).toEqual(['0.9.0+z', '1.0.0-alpha', '1.0.0-rc.2', '1.0.0-rc.10', '1.0.0'])
  })

  it('refuses bad versions with SEMVER_INVALID_VERSION and Masterminds message', () => {
    expect(() => parseSemver('1.0.0-01')).toThrow('version segment starts with 0')
    expect(() => parseSemver('99999999999999999999.0.0')).toThrow('error parsing version segment: strconv.ParseUint: parsing "99999999999999999999": value out of range')
    try {
      parseSemver('x.y')
    } catch (err) {
      expect(err).toMatchObject({ code: 'SEMVER_INVALID_VERSION', message: 'invalid semantic version', details: { input: 'x.y' } })
    }
  })
})

describe('tryParseFluxVersion and semverConstraintError', () => {
  it('answers a tag that is no Flux version with undefined, by the same rule as parseFluxVersion', () => {
    expect(tryParseFluxVersion('v1.2.3')).toMatchObject({ major: 1n, minor: 2n, patch: 3n, original: 'v1.2.3' })
    expect(tryParseFluxVersion('1.2.3-rc.1+build')).toMatchObject({ pre: 'rc.1', metadata: 'build' })
    for (const tag of ['1.1', '2', '01.2.3', 'V1.2.3', 'release', '']) expect(tryParseFluxVersion(tag), tag).toBeUndefined()
  })

  it("answers Masterminds' reason for a range that is no constraint, and undefined for one that is", () => {
    expect(semverConstraintError('>= 1.0, < 2 || ~3')).toBeUndefined()
    expect(semverConstraintError('one')).toBe('improper constraint: one')
    expect(semverConstraintError('1.0 ||')).toBe('improper constraint: ')
  })
})
