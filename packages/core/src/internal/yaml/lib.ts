// The `yaml` package, loaded on first use. Loading it costs hundreds of milliseconds of start-up on
// a busy machine (it is many CommonJS files), and callers that read plain block YAML with their own
// fast reader (render, `gitops build`) or never parse YAML (apply) may not need it.
//
// The load is written as a literal `require('yaml')` so that a bundler (esbuild, webpack, rollup's
// commonjs plugin) sees the dependency and bundles it. Node's ESM has no `require` (in the ESM build
// the bundler's stand-in throws), and there `createRequire` loads the same CommonJS module an
// import would.
import { createRequire } from 'node:module'
import type * as Yaml from 'yaml'

// Empty in the CommonJS build, where __filename stands in for it.
const moduleUrl: string | undefined = import.meta.url
let loaded: typeof Yaml | undefined

function load(): typeof Yaml {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see the note above: visible to bundlers, lazy for start-up
    return require('yaml') as typeof Yaml
  } catch {
    // Only where Node's ESM has no require; a bundle never gets here.
    const nodeRequire = createRequire(moduleUrl ?? __filename)
    return nodeRequire('yaml') as typeof Yaml
  }
}

/** The `yaml` module, required the first time it is asked for. */
export function yamlLib(): typeof Yaml {
  loaded ??= load()
  return loaded
}
