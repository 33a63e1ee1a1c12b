// kustomize's builtin transformer configuration as a build reads it: the parsed form of the table
// in builtinConfig.ts, kept as JSON text (builtinConfigData.ts) so that a build pays one
// JSON.parse instead of parsing and sorting the table in every process.
import { BUILTIN_CONFIG_JSON } from './builtinConfigData.js'
import type { TransformerConfig } from './configs.js'
import { markMerged } from './configs.js'

let defaults: TransformerConfig | undefined

/** kustomize's builtin configuration. Configurations are never modified once built: share them. */
export function defaultConfig(): TransformerConfig {
  if (defaults === undefined) {
    defaults = JSON.parse(BUILTIN_CONFIG_JSON) as TransformerConfig
    // Already in merged form (deduplicated and sorted; builtinConfig.test.ts checks it), so
    // merging it into an empty configuration returns it as it is.
    markMerged(defaults)
  }
  return defaults
}
