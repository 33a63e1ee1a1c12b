// Sprig's semver and semverCompare, on Masterminds/semver v3.4.0's rules (../semver.ts).
import { SemverError, parseSemver, parseSemverConstraint, semverSatisfies, semverText } from '@gitops-sdk/core/semver'
import { FuncError, type GoFunc, GoInt, GoStruct, type GoValue, goFunc } from '../template/values.js'

function method(name: string, body: () => GoValue): [string, GoFunc] {
  return [name, goFunc(name, [], body)]
}

function guarded<T>(body: () => T): T {
  try {
    return body()
  } catch (err) {
    if (err instanceof SemverError) throw new FuncError(err.message)
    throw err
  }
}

/** Sprig's semver and semverCompare. */
export function semverFuncs(): [string, GoFunc][] {
  return [
    ['semver', goFunc('semver', ['string'], (s) => {
      const v = guarded(() => parseSemver(s as string))
      const text = semverText(v)
      return new GoStruct('*semver.Version', {
        // Its unexported fields, which %#v prints (`&semver.Version{major:0x1, …}`).
        fields: new Map<string, GoValue>([
          ['major', new GoInt(v.major, 'uint64')],
          ['minor', new GoInt(v.minor, 'uint64')],
          ['patch', new GoInt(v.patch, 'uint64')],
          ['pre', v.pre],
          ['metadata', v.metadata],
          ['original', v.original],
        ]),
        // Version.MarshalJSON writes its String.
        marshalJson: () => text,
        methods: new Map([
          method('Major', () => new GoInt(v.major, 'uint64')),
          method('Minor', () => new GoInt(v.minor, 'uint64')),
          method('Patch', () => new GoInt(v.patch, 'uint64')),
          method('Prerelease', () => v.pre),
          method('Metadata', () => v.metadata),
          method('Original', () => v.original),
          method('String', () => text),
        ]),
        stringer: () => text,
      })
    })],
    // Sprig parses the constraint first, then the version, and reports the first refusal.
    ['semverCompare', goFunc('semverCompare', ['string', 'string'], (c, s) => guarded(() => {
      const constraint = parseSemverConstraint(c as string)
      return semverSatisfies(constraint, parseSemver(s as string))
    }))],
  ]
}
