// Sprig's semver and semverCompare (Masterminds/semver v3): versions read loosely (`v1.2` is
// 1.2.0), constraints with `,` for and, `||` for or, `~`, `^`, wildcards and ranges.
import { satisfies, validRange } from '../lazy.js'
import { FuncError, type GoFunc, GoInt, GoStruct, type GoValue, goFunc } from '../template/values.js'

const versionRe = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/

const partialPrerelease = /(^|[^\d.])v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)/g

interface Version {
  readonly major: bigint
  readonly minor: bigint
  readonly patch: bigint
  readonly prerelease: string
  readonly metadata: string
  readonly original: string
}

function parseVersion(text: string): Version {
  const m = versionRe.exec(text)
  if (m === null) throw new FuncError('invalid semantic version')
  return { major: BigInt(m[1] ?? '0'), minor: BigInt(m[2] ?? '0'), patch: BigInt(m[3] ?? '0'), prerelease: m[4] ?? '', metadata: m[5] ?? '', original: text }
}

function versionText(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease === '' ? '' : `-${v.prerelease}`}${v.metadata === '' ? '' : `+${v.metadata}`}`
}

function method(name: string, body: () => GoValue): [string, GoFunc] {
  return [name, goFunc(name, [], body)]
}

/** Sprig's semver and semverCompare. */
export function semverFuncs(): [string, GoFunc][] {
  return [
    ['semver', goFunc('semver', ['string'], (s) => {
      const v = parseVersion(s as string)
      const text = versionText(v)
      return new GoStruct('*semver.Version', {
        methods: new Map([
          method('Major', () => new GoInt(v.major, 'uint64')),
          method('Minor', () => new GoInt(v.minor, 'uint64')),
          method('Patch', () => new GoInt(v.patch, 'uint64')),
          method('Prerelease', () => v.prerelease),
          method('Metadata', () => v.metadata),
          method('Original', () => v.original),
          method('String', () => text),
        ]),
        stringer: () => text,
      })
    })],
    ['semverCompare', goFunc('semverCompare', ['string', 'string'], (c, s) => {
      const constraint = (c as string).trim()
      const v = parseVersion((s as string).trim())
      // node-semver reads `a, b` as `a b` (and) and needs full versions in ranges it coerces itself.
      // Masterminds reads a partial version with a prerelease (`1.28-0`) as 1.28.0-0; node-semver refuses it.
      const fix = (text: string): string => text.replace(partialPrerelease, (...m: string[]) => `${m[1] ?? ''}${m[2] ?? ''}.${m[3] ?? '0'}.${m[4] ?? '0'}${m[5] ?? ''}`)
      const version = versionText(v)
      try {
        return constraint.split('||').some((part) => {
          const terms = part.split(',').map((x) => x.trim())
          // node-semver has no `!=`: Masterminds' not-equal is "not in the range the version names",
          // and false for a prerelease version when the constraint names no prerelease.
          const notEqual = terms.filter((t) => t.startsWith('!='))
          const rest = terms.filter((t) => !t.startsWith('!=')).join(' ')
          for (const t of notEqual) {
            const target = t.slice(2).trim()
            if (v.prerelease !== '' && !target.includes('-')) return false
            if (satisfies(version, fix(target))) return false
          }
          const range = fix(rest)
          // satisfies answers false for a range it cannot read; Masterminds refuses the constraint.
          if (validRange(range.trim() === '' ? '*' : range) === null) throw new FuncError(`improper constraint: ${constraint}`)
          return notEqual.length > 0 && range.trim() === '' ? true : satisfies(version, range.trim() === '' ? '*' : range)
        })
      } catch (err) {
        if (err instanceof FuncError) throw err
        throw new FuncError(`improper constraint: ${constraint}`)
      }
    })],
  ]
}
