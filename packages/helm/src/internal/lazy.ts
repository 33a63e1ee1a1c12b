// Modules that few charts need, loaded the first time a template calls for them: bcryptjs (for
// `bcrypt` and `htpasswd`) is many kilobytes of JavaScript that every start-up would otherwise
// compile. The load is a literal `require` so that bundlers see the dependency; Node's ESM has no
// `require` (the bundler's stand-in throws there), and `createRequire` loads the same module.
import { createRequire } from 'node:module'
import type * as Bcrypt from 'bcryptjs'
import type * as Crypto from 'node:crypto'
import type * as YamlLib from 'yaml'
import type * as Zlib from 'node:zlib'

// Empty in the CommonJS build, where __filename stands in for it.
const moduleUrl: string | undefined = import.meta.url
let bcryptLoaded: typeof Bcrypt | undefined

/** `literal()` (a literal `require(name)`), or where there is no `require`, `name` through createRequire. */
function load(literal: () => unknown, name: string): unknown {
  try {
    return literal()
  } catch {
    return createRequire(moduleUrl ?? __filename)(name)
  }
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- see the note above: visible to bundlers, lazy for start-up
const loadBcrypt = (): typeof Bcrypt => load(() => require('bcryptjs'), 'bcryptjs') as typeof Bcrypt

/** bcryptjs's two functions Sprig's `bcrypt` uses, the module required on first call. */
export const bcryptjs = {
  hashSync: (password: string, salt: string): string => (bcryptLoaded ??= loadBcrypt()).hashSync(password, salt),
  genSaltSync: (rounds: number): string => (bcryptLoaded ??= loadBcrypt()).genSaltSync(rounds),
}

/** zlib's gunzipSync, the module loaded on the first `.tgz` (a chart directory never needs it). */
export const gunzipSync: typeof Zlib.gunzipSync = (buffer, options) => process.getBuiltinModule('node:zlib').gunzipSync(buffer, options)

/**
 * node:crypto, loaded on the first call of a function that needs it (hashes, ciphers, keys and
 * certificates): requiring it costs about 4 ms of start-up that a chart without them never repays.
 */
export function nodeCrypto(): typeof Crypto {
  return process.getBuiltinModule('node:crypto')
}

let yamlLoaded: typeof YamlLib | undefined

// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy for start-up, see above
const loadYaml = (): typeof YamlLib => load(() => require('yaml'), 'yaml') as typeof YamlLib

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
