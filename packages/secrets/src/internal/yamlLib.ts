// The `yaml` package, loaded on first use, as core loads it (core's internal/yaml/lib.ts): it is
// many CommonJS files, some 25 ms of CPU to load, and only the YAML store and `.sops.yaml` need
// it; a `gitops decrypt` of a JSON, dotenv, INI or binary file never does.
//
// A literal `require('yaml')` so that bundlers see the dependency; where Node's ES modules have no
// `require` (this package's ES module build), `createRequire` loads the same CommonJS module.
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
    const nodeRequire = createRequire(moduleUrl ?? __filename)
    return nodeRequire('yaml') as typeof Yaml
  }
}

/** The `yaml` module, required the first time it is asked for. */
export function yamlLib(): typeof Yaml {
  loaded ??= load()
  return loaded
}
