// Modules that few charts need, loaded the first time a template calls for them: bcryptjs (for
// `bcrypt` and `htpasswd`) is many kilobytes of JavaScript that every start-up would otherwise
// compile. The load is a literal `require` so that bundlers see the dependency; Node's ESM has no
// `require` (the bundler's stand-in throws there), and `createRequire` loads the same module.
import { createRequire } from 'node:module'
import type * as Bcrypt from 'bcryptjs'
import type * as YamlLib from 'yaml'
import type * as Zlib from 'node:zlib'
import type SemverSatisfies from 'semver/functions/satisfies.js'
import type SemverValid from 'semver/functions/valid.js'
import type SemverRcompare from 'semver/functions/rcompare.js'
import type SemverValidRange from 'semver/ranges/valid.js'
import type SemverMaxSatisfying from 'semver/ranges/max-satisfying.js'

// Empty in the CommonJS build, where __filename stands in for it.
const moduleUrl: string | undefined = import.meta.url
let bcryptLoaded: typeof Bcrypt | undefined

function loadBcrypt(): typeof Bcrypt {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see the note above: visible to bundlers, lazy for start-up
    return require('bcryptjs') as typeof Bcrypt
  } catch {
    return createRequire(moduleUrl ?? __filename)('bcryptjs') as typeof Bcrypt
  }
}

/** bcryptjs's two functions Sprig's `bcrypt` uses, the module required on first call. */
export const bcryptjs = {
  hashSync: (password: string, salt: string): string => (bcryptLoaded ??= loadBcrypt()).hashSync(password, salt),
  genSaltSync: (rounds: number): string => (bcryptLoaded ??= loadBcrypt()).genSaltSync(rounds),
}

type SemverModule = 'functions/satisfies' | 'functions/valid' | 'functions/rcompare' | 'ranges/valid' | 'ranges/max-satisfying'
const semverLoaded = new Map<SemverModule, unknown>()

// A literal require per module, for bundlers (see the note above).
function loadSemver(name: SemverModule): unknown {
  try {
    switch (name) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy for start-up, see above
      case 'functions/satisfies': return require('semver/functions/satisfies.js')
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy for start-up, see above
      case 'functions/valid': return require('semver/functions/valid.js')
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy for start-up, see above
      case 'functions/rcompare': return require('semver/functions/rcompare.js')
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy for start-up, see above
      case 'ranges/valid': return require('semver/ranges/valid.js')
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy for start-up, see above
      case 'ranges/max-satisfying': return require('semver/ranges/max-satisfying.js')
    }
  } catch {
    return createRequire(moduleUrl ?? __filename)(`semver/${name}.js`)
  }
}

function semverModule(name: SemverModule): unknown {
  let f = semverLoaded.get(name)
  if (f === undefined) {
    f = loadSemver(name)
    semverLoaded.set(name, f)
  }
  return f
}

// The semver functions the renderer and the chart sources use, each module required on first call:
// a local chart whose templates compare no versions never loads semver (a dozen CommonJS files).
export const satisfies: typeof SemverSatisfies = (...args) => (semverModule('functions/satisfies') as typeof SemverSatisfies)(...args)
export const valid: typeof SemverValid = (...args) => (semverModule('functions/valid') as typeof SemverValid)(...args)
export const rcompare: typeof SemverRcompare = (...args) => (semverModule('functions/rcompare') as typeof SemverRcompare)(...args)
export const validRange: typeof SemverValidRange = (...args) => (semverModule('ranges/valid') as typeof SemverValidRange)(...args)
export const maxSatisfying: typeof SemverMaxSatisfying = (...args) => (semverModule('ranges/max-satisfying') as typeof SemverMaxSatisfying)(...args)

/** zlib's gunzipSync, the module loaded on the first `.tgz` (a chart directory never needs it). */
export const gunzipSync: typeof Zlib.gunzipSync = (buffer, options) => process.getBuiltinModule('node:zlib').gunzipSync(buffer, options)

let yamlLoaded: typeof YamlLib | undefined

function loadYaml(): typeof YamlLib {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy for start-up, see above
    return require('yaml') as typeof YamlLib
  } catch {
    return createRequire(moduleUrl ?? __filename)('yaml') as typeof YamlLib
  }
}

/**
 * The `yaml` package, required on first use: its sixty CommonJS files were a fifth of the CPU of
 * `gitops template` of a chart whose values and documents the quick readers take.
 */
export function yamlLib(): typeof YamlLib {
  return (yamlLoaded ??= loadYaml())
}

/** The `yaml` package's `parse`, the module required on first call. */
export function parseYaml(text: string, options: YamlLib.ParseOptions & YamlLib.DocumentOptions & YamlLib.SchemaOptions & YamlLib.ToJSOptions): unknown {
  return yamlLib().parse(text, options) as unknown
}
