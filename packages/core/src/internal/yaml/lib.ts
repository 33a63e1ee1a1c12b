// The `yaml` package, loaded on first use. Loading it costs tens of milliseconds of start-up, and
// the callers that read plain block YAML with their own fast reader (render, `gitops build`) may
// never need it. Under Node its `node` export is CommonJS either way, so `require` gives the same
// module an import would.
import { createRequire } from 'node:module'
import type * as Yaml from 'yaml'

// Empty in the CommonJS build, where __filename stands in for it.
const moduleUrl: string | undefined = import.meta.url
let loaded: typeof Yaml | undefined

/** The `yaml` module, required the first time it is asked for. */
export function yamlLib(): typeof Yaml {
  loaded ??= createRequire(moduleUrl ?? __filename)('yaml') as typeof Yaml
  return loaded
}
