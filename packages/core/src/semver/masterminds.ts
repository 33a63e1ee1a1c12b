// Semantic versions and constraints as Masterminds/semver v3.4.0 reads them (Helm's, Sprig's and
// Flux's source-controller's library): loose versions (`v1.2` is 1.2.0, leading zeros allowed), constraints with `,` or white
// space for and, `||` for or, hyphen ranges, `~`, `~>`, `^`, `x`/`X`/`*` wildcards, and pre-releases
// admitted for an and-group only when one of its comparators names a pre-release.

import { GitOpsError } from '../errors.js'

/** A version as Masterminds' `Version` holds it. */
export interface SemVersion {
  /** The major number (up to 2^64-1, hence a bigint). */
  readonly major: bigint
  /** The minor number (0 when the text left it out). */
  readonly minor: bigint
  /** The patch number (0 when the text left it out). */
  readonly patch: bigint
  /** The pre-release, without its `-` (empty when none). */
  readonly pre: string
  /** The build metadata, without its `+` (empty when none). */
  readonly metadata: string
  /** The text the version was read from, as given (`v1.2`). */
  readonly original: string
}

/** The codes of {@link SemverError}. */
export type SemverErrorCode = 'SEMVER_INVALID_VERSION' | 'SEMVER_INVALID_CONSTRAINT'

/**
 * A refused version or constraint. The message is Masterminds' own, byte for byte (Helm prints it
 * inside template errors), so it does not name a subject: callers wrap it with theirs (a ref, a
 * chart, a file). `details.input` holds the refused text.
 */
export class SemverError extends GitOpsError<SemverErrorCode> {
  /** Always `'SemverError'`. */
  override readonly name = 'SemverError'
}

function versionError(message: string, input: string): SemverError {
  return new SemverError({ code: 'SEMVER_INVALID_VERSION', message, details: { input } })
}

function constraintError(message: string, input: string): SemverError {
  return new SemverError({ code: 'SEMVER_INVALID_CONSTRAINT', message, details: { input } })
}

const MAX_UINT64 = (1n << 64n) - 1n

// Go's RE2 \s is ASCII white space only, without \v.
const S = '[\\t\\n\\f\\r ]'
const looseVersion = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/
const cv = 'v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?'
// The empty alternative after `=` is Masterminds' (a bare version is an equality or a tilde).
const ops = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^'
const constraintRe = new RegExp(`^${S}*(${ops})${S}*(${cv})${S}*$`)
// Each pattern below runs in linear time: a match begins only where a run of white space begins
// (the lookbehind), and a constraint list is one operator-and-version term after another, the
// operator optional (Masterminds' `ops` has an empty alternative; inside a repeated group that made
// the matcher try every split of the white space: 49 characters took seconds).
const rangeRe = new RegExp(`(?<!${S})${S}*(${cv})${S}+-${S}+(${cv})${S}*`, 'g')
const findRe = new RegExp(`(${ops})${S}*(${cv})`, 'g')
const term = `(?:(?:=|!=|>|<|>=|=>|<=|=<|~|~>|\\^)${S}*)?(?:${cv})`
const validRe = new RegExp(`^${S}*${term}(?:(?:${S}*,${S}*|${S}+)${term})*${S}*$`)

const numeric = /^[0-9]*$/
const allowed = /^[0-9A-Za-z-]*$/

function segment(text: string, input: string): bigint {
  const n = BigInt(text)
  if (n > MAX_UINT64) throw versionError(`error parsing version segment: strconv.ParseUint: parsing "${text}": value out of range`, input)
  return n
}

function validatePrerelease(pre: string, input: string): void {
  for (const p of pre.split('.')) {
    if (p === '') throw versionError('invalid prerelease string', input)
    if (numeric.test(p)) {
      if (p.length > 1 && p.startsWith('0')) throw versionError('version segment starts with 0', input)
    } else if (!allowed.test(p)) throw versionError('invalid prerelease string', input)
  }
}

function validateMetadata(meta: string, input: string): void {
  for (const p of meta.split('.')) if (p === '' || !allowed.test(p)) throw versionError('invalid metadata string', input)
}

/**
 * Masterminds' `NewVersion` (coercing): `1`, `v1.2`, `01.2.3-rc.1+b` are versions.
 *
 * @throws {@link SemverError} `SEMVER_INVALID_VERSION` with Masterminds' message.
 */
export function parseSemver(text: string): SemVersion {
  const m = looseVersion.exec(text)
  if (m === null) throw versionError('invalid semantic version', text)
  const v: SemVersion = {
    major: segment(m[1] ?? '0', text),
    minor: m[2] === undefined ? 0n : segment(m[2].slice(1), text),
    patch: m[3] === undefined ? 0n : segment(m[3].slice(1), text),
    pre: m[5] ?? '',
    metadata: m[8] ?? '',
    original: text,
  }
  if (v.pre !== '') validatePrerelease(v.pre, text)
  if (v.metadata !== '') validateMetadata(v.metadata, text)
  return v
}

/**
 * Masterminds' `StrictNewVersion`: exactly MAJOR.MINOR.PATCH, no `v`, no leading zeros.
 *
 * @throws {@link SemverError} `SEMVER_INVALID_VERSION` with Masterminds' message.
 */
export function parseStrictSemver(text: string): SemVersion {
  if (text === '') throw versionError('version string empty', text)
  const parts = text.split('.')
  if (parts.length < 3) throw versionError('invalid semantic version', text)
  let last = parts.slice(2).join('.')
  let metadata = ''
  let pre = ''
  const plus = last.indexOf('+')
  if (plus >= 0) {
    metadata = last.slice(plus + 1)
    last = last.slice(0, plus)
    validateMetadata(metadata, text)
  }
  const dash = last.indexOf('-')
  if (dash >= 0) {
    pre = last.slice(dash + 1)
    last = last.slice(0, dash)
    validatePrerelease(pre, text)
  }
  const nums = [parts[0] ?? '', parts[1] ?? '', last]
  for (const p of nums) {
    if (!numeric.test(p)) throw versionError('invalid characters in version', text)
    if (p.length > 1 && p.startsWith('0')) throw versionError('version segment starts with 0', text)
  }
  if (nums.some((p) => p === '')) throw versionError('strconv.ParseUint: parsing "": invalid syntax', text)
  return { major: segment(nums[0] as string, text), minor: segment(nums[1] as string, text), patch: segment(nums[2] as string, text), pre, metadata, original: text }
}

/** Masterminds' `Version.String`: `1.2.0-rc.1+b` (no `v`, missing parts filled in). */
export function semverText(v: SemVersion): string {
  return `${v.major}.${v.minor}.${v.patch}${v.pre === '' ? '' : `-${v.pre}`}${v.metadata === '' ? '' : `+${v.metadata}`}`
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function isUint(s: string): boolean {
  return /^[0-9]+$/.test(s) && BigInt(s) <= MAX_UINT64
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0
  if (s === '') return -1
  if (o === '') return 1
  const sNum = isUint(s)
  const oNum = isUint(o)
  if (!sNum && !oNum) return s > o ? 1 : -1
  if (!oNum) return -1
  if (!sNum) return 1
  return BigInt(s) > BigInt(o) ? 1 : -1
}

function comparePrerelease(a: string, b: string): number {
  const sp = a.split('.')
  const op = b.split('.')
  for (let i = 0; i < Math.max(sp.length, op.length); i++) {
    const d = comparePrePart(sp[i] ?? '', op[i] ?? '')
    if (d !== 0) return d
  }
  return 0
}

/** Masterminds' `Version.Compare`: negative, 0 or positive; build metadata is ignored. */
export function compareSemver(a: SemVersion, b: SemVersion): number {
  const d = cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch)
  if (d !== 0) return d
  if (a.pre === '' && b.pre === '') return 0
  if (a.pre === '') return 1
  if (b.pre === '') return -1
  return comparePrerelease(a.pre, b.pre)
}

/** One comparator of a constraint (`>=1.2`, `~1`, `^0.2.x`), as Masterminds holds it. */
export interface SemverComparator {
  /** The operator as written (`''` for a bare version, `=`, `!=`, `>`, `<`, `>=`, `=>`, `<=`, `=<`, `~`, `~>`, `^`). */
  readonly op: string
  /** The version compared with, wildcards and missing parts read as 0. */
  readonly con: SemVersion
  /** Whether some part was a wildcard or missing. */
  readonly dirty: boolean
  /** Whether the minor part (and so the patch) was a wildcard or missing. */
  readonly minorDirty: boolean
  /** Whether only the patch part was a wildcard or missing. */
  readonly patchDirty: boolean
}

const isX = (s: string): boolean => s === 'x' || s === 'X' || s === '*'

function parseComparator(text: string, input: string): SemverComparator {
  const m = constraintRe.exec(text)
  if (m === null) throw constraintError(`improper constraint: ${text}`, input)
  const op = m[1] ?? ''
  const major = m[3] ?? ''
  const minor = m[4] ?? ''
  const patch = m[5] ?? ''
  const pre = m[6] ?? ''
  let ver = m[2] ?? ''
  let dirty = false
  let minorDirty = false
  let patchDirty = false
  if (isX(major)) {
    ver = `0.0.0${pre}`
    dirty = true
  } else if (minor === '' || isX(minor.slice(1))) {
    ver = `${major}.0.0${pre}`
    dirty = minorDirty = true
  } else if (patch === '' || isX(patch.slice(1))) {
    ver = `${major}${minor}.0${pre}`
    dirty = patchDirty = true
  }
  let con: SemVersion
  try {
    con = parseSemver(ver)
  } catch {
    throw constraintError('constraint parser error', input)
  }
  return { op, con, dirty, minorDirty, patchDirty }
}

function tilde(v: SemVersion, c: SemverComparator): boolean {
  if (compareSemver(v, c.con) < 0) return false
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true
  if (v.major !== c.con.major) return false
  return v.minor === c.con.minor || c.minorDirty
}

function check(v: SemVersion, c: SemverComparator): boolean {
  const k = c.con
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : compareSemver(v, k) === 0
    case '!=':
      if (c.dirty) {
        if (k.major !== v.major) return true
        if (k.minor !== v.minor && !c.minorDirty) return true
        if (c.minorDirty) return false
        if (k.patch !== v.patch && !c.patchDirty) return true
        if (c.patchDirty) return (v.pre !== '' || k.pre !== '') && comparePrerelease(v.pre, k.pre) !== 0
      }
      return compareSemver(v, k) !== 0
    case '>':
      if (!c.dirty) return compareSemver(v, k) > 0
      if (v.major !== k.major) return v.major > k.major
      if (c.minorDirty) return false
      if (c.patchDirty) return v.minor > k.minor
      return compareSemver(v, k) > 0
    case '<':
      return compareSemver(v, k) < 0
    case '>=':
    case '=>':
      return compareSemver(v, k) >= 0
    case '<=':
    case '=<':
      if (!c.dirty) return compareSemver(v, k) <= 0
      if (v.major > k.major) return false
      return !(v.major === k.major && v.minor > k.minor && !c.minorDirty)
    case '~':
    case '~>':
      return tilde(v, c)
    default: {
      // ^
      if (compareSemver(v, k) < 0) return false
      if (k.major > 0n || c.minorDirty) return v.major === k.major
      if (v.major > 0n) return false
      if (k.minor > 0n || c.patchDirty) return v.minor === k.minor
      if (v.minor > 0n) return false
      return k.patch === v.patch
    }
  }
}

/** A parsed constraint: or-groups of and-ed comparators. */
export interface SemverConstraint {
  /** The `||`-separated groups, each a list of comparators that must all hold. */
  readonly groups: readonly (readonly SemverComparator[])[]
  /** Per group, whether one of its comparators names a pre-release (only then may a pre-release version pass). */
  readonly hasPre: readonly boolean[]
  /** The constraint as given. */
  readonly text: string
}

/**
 * Masterminds' `NewConstraint`: `,` or white space for and, `||` for or, hyphen ranges, `~`, `~>`,
 * `^`, `x`/`X`/`*` wildcards, a bare partial version as a tilde range.
 *
 * @throws {@link SemverError} `SEMVER_INVALID_CONSTRAINT` with Masterminds' message.
 * @example
 * ```ts
 * semverSatisfies(parseSemverConstraint('>= 1.0, < 2.0'), parseSemver('1.4.0')) // true
 * ```
 */
export function parseSemverConstraint(text: string): SemverConstraint {
  const rewritten = text.replace(rangeRe, (_all: string, ...m: string[]) => `>= ${m[0] ?? ''}, <= ${m[10] ?? ''} `)
  const groups: SemverComparator[][] = []
  const hasPre: boolean[] = []
  for (const part of rewritten.split('||')) {
    if (!validRe.test(part)) throw constraintError(`improper constraint: ${part}`, text)
    const found = part.match(findRe) ?? [part]
    const group = found.map((found) => parseComparator(found, text))
    groups.push(group)
    hasPre.push(group.some((c) => c.con.pre !== ''))
  }
  return { groups, hasPre, text }
}

/** Masterminds' `Constraints.Check`: whether `v` passes one of the or-groups of `c`. */
export function semverSatisfies(c: SemverConstraint, v: SemVersion): boolean {
  return c.groups.some((group, i) => (v.pre === '' || c.hasPre[i] === true) && group.every((comp) => check(v, comp)))
}

/**
 * A tag or chart version as Flux reads it (fluxcd/pkg/version `ParseVersion`, used by
 * source-controller for GitRepository and OCIRepository `ref.semver` and for HelmChart versions):
 * strict MAJOR.MINOR.PATCH, a leading `v` allowed; `1.2`, `01.2.3` and `release` are not versions.
 *
 * @throws {@link SemverError} `SEMVER_INVALID_VERSION` with Masterminds' message.
 */
export function parseFluxVersion(text: string): SemVersion {
  // The strict parse's fields are the loose parse's for every text it accepts: one parse, with
  // the text as given (its `v`) kept as the original.
  const bare = text.startsWith('v') ? text.slice(1) : text
  const v = parseStrictSemver(bare)
  return bare === text ? v : { ...v, original: text }
}
