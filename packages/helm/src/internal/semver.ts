// Semantic versions and constraints as Masterminds/semver v3.4.0 reads them (Helm's and Sprig's
// library): loose versions (`v1.2` is 1.2.0, leading zeros allowed), constraints with `,` or white
// space for and, `||` for or, hyphen ranges, `~`, `~>`, `^`, `x`/`X`/`*` wildcards, and pre-releases
// admitted for an and-group only when one of its comparators names a pre-release.

/** A version as Masterminds' Version holds it. */
export interface SemVersion {
  readonly major: bigint
  readonly minor: bigint
  readonly patch: bigint
  readonly pre: string
  readonly metadata: string
  readonly original: string
}

/** A refused version or constraint; the message is Masterminds' own. */
export class SemverError extends Error {}

const MAX_UINT64 = (1n << 64n) - 1n

// Go's RE2 \s is ASCII white space only, without \v.
const S = '[\\t\\n\\f\\r ]'
const looseVersion = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/
const cv = 'v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?'
// The empty alternative after `=` is Masterminds' (a bare version is an equality or a tilde).
const ops = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^'
const constraintRe = new RegExp(`^${S}*(${ops})${S}*(${cv})${S}*$`)
const rangeRe = new RegExp(`${S}*(${cv})${S}+-${S}+(${cv})${S}*`, 'g')
const findRe = new RegExp(`(${ops})${S}*(${cv})`, 'g')
const validRe = new RegExp(`^(${S}*(${ops})${S}*(${cv})${S}*)((?:${S}+|,${S}*)(${ops})${S}*(${cv})${S}*)*$`)

const numeric = /^[0-9]*$/
const allowed = /^[0-9A-Za-z-]*$/

function segment(text: string): bigint {
  const n = BigInt(text)
  if (n > MAX_UINT64) throw new SemverError(`error parsing version segment: strconv.ParseUint: parsing "${text}": value out of range`)
  return n
}

function validatePrerelease(pre: string): void {
  for (const p of pre.split('.')) {
    if (p === '') throw new SemverError('invalid prerelease string')
    if (numeric.test(p)) {
      if (p.length > 1 && p.startsWith('0')) throw new SemverError('version segment starts with 0')
    } else if (!allowed.test(p)) throw new SemverError('invalid prerelease string')
  }
}

function validateMetadata(meta: string): void {
  for (const p of meta.split('.')) if (p === '' || !allowed.test(p)) throw new SemverError('invalid metadata string')
}

/** Masterminds' NewVersion (coercing): `1`, `v1.2`, `01.2.3-rc.1+b` are versions. */
export function parseSemver(text: string): SemVersion {
  const m = looseVersion.exec(text)
  if (m === null) throw new SemverError('invalid semantic version')
  const v: SemVersion = {
    major: segment(m[1] ?? '0'),
    minor: m[2] === undefined ? 0n : segment(m[2].slice(1)),
    patch: m[3] === undefined ? 0n : segment(m[3].slice(1)),
    pre: m[5] ?? '',
    metadata: m[8] ?? '',
    original: text,
  }
  if (v.pre !== '') validatePrerelease(v.pre)
  if (v.metadata !== '') validateMetadata(v.metadata)
  return v
}

/** Masterminds' StrictNewVersion: exactly MAJOR.MINOR.PATCH, no `v`, no leading zeros. */
export function parseStrictSemver(text: string): SemVersion {
  if (text === '') throw new SemverError('version string empty')
  const parts = text.split('.')
  if (parts.length < 3) throw new SemverError('invalid semantic version')
  let last = parts.slice(2).join('.')
  let metadata = ''
  let pre = ''
  const plus = last.indexOf('+')
  if (plus >= 0) {
    metadata = last.slice(plus + 1)
    last = last.slice(0, plus)
    validateMetadata(metadata)
  }
  const dash = last.indexOf('-')
  if (dash >= 0) {
    pre = last.slice(dash + 1)
    last = last.slice(0, dash)
    validatePrerelease(pre)
  }
  const nums = [parts[0] ?? '', parts[1] ?? '', last]
  for (const p of nums) {
    if (!numeric.test(p)) throw new SemverError('invalid characters in version')
    if (p.length > 1 && p.startsWith('0')) throw new SemverError('version segment starts with 0')
  }
  if (nums.some((p) => p === '')) throw new SemverError('strconv.ParseUint: parsing "": invalid syntax')
  return { major: segment(nums[0] as string), minor: segment(nums[1] as string), patch: segment(nums[2] as string), pre, metadata, original: text }
}

/** Masterminds' Version.String. */
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

/** Masterminds' Version.Compare (metadata ignored). */
export function compareSemver(a: SemVersion, b: SemVersion): number {
  const d = cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch)
  if (d !== 0) return d
  if (a.pre === '' && b.pre === '') return 0
  if (a.pre === '') return 1
  if (b.pre === '') return -1
  return comparePrerelease(a.pre, b.pre)
}

interface Comparator {
  readonly op: string
  readonly con: SemVersion
  readonly dirty: boolean
  readonly minorDirty: boolean
  readonly patchDirty: boolean
}

const isX = (s: string): boolean => s === 'x' || s === 'X' || s === '*'

function parseComparator(text: string): Comparator {
  const m = constraintRe.exec(text)
  if (m === null) throw new SemverError(`improper constraint: ${text}`)
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
    throw new SemverError('constraint parser error')
  }
  return { op, con, dirty, minorDirty, patchDirty }
}

function tilde(v: SemVersion, c: Comparator): boolean {
  if (compareSemver(v, c.con) < 0) return false
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true
  if (v.major !== c.con.major) return false
  return v.minor === c.con.minor || c.minorDirty
}

function check(v: SemVersion, c: Comparator): boolean {
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
  readonly groups: readonly (readonly Comparator[])[]
  readonly hasPre: readonly boolean[]
  readonly text: string
}

/** Masterminds' NewConstraint. @throws SemverError with Masterminds' message. */
export function parseSemverConstraint(text: string): SemverConstraint {
  const rewritten = text.replace(rangeRe, (_all: string, ...m: string[]) => `>= ${m[0] ?? ''}, <= ${m[10] ?? ''} `)
  const groups: Comparator[][] = []
  const hasPre: boolean[] = []
  for (const part of rewritten.split('||')) {
    if (!validRe.test(part)) throw new SemverError(`improper constraint: ${part}`)
    const found = part.match(findRe) ?? [part]
    const group = found.map(parseComparator)
    groups.push(group)
    hasPre.push(group.some((c) => c.con.pre !== ''))
  }
  return { groups, hasPre, text }
}

/** Masterminds' Constraints.Check. */
export function semverSatisfies(c: SemverConstraint, v: SemVersion): boolean {
  return c.groups.some((group, i) => (v.pre === '' || c.hasPre[i] === true) && group.every((comp) => check(v, comp)))
}
