// A `.sops.yaml` passes core's nesting check before it reaches the `yaml` package's `parse`, whose
// composer recurses once per level: text nested thousands deep overflows the stack, and close to the
// limit V8 may abort the whole process ("RegExpCompiler Allocation failed"), which no catch can stop.
// Core's YAML entry is one this package loads at start-up anyway (the YAML store's reader).
import { isGitOpsError } from '@gitops-sdk/core/light'
import type { GitOpsError } from '@gitops-sdk/core/light'
import { parseYamlStream } from '@gitops-sdk/core/yaml'

/**
 * Why `text` nests deeper than the `yaml` package's parser composes safely (core's limit, 512
 * levels): core's `CORE_YAML_TOO_DEEP` error, with the line, else undefined.
 * Every text is measured by core's own parse (its nesting, not its syntax, size or aliases, which
 * are left to the caller's parse, whose options and results stay as they are). Core's quick scan
 * (`withinYamlNesting`) is no proof for the `yaml` parser: it misses nesting that closing brackets
 * inside quotes hide (`[a, "]", [a, "]", …`) and lines of bare entries (`- - - …`), which only
 * the measure sees.
 */
export function yamlTooDeep(text: string, source: string): GitOpsError | undefined {
  try {
    parseYamlStream(text, { source, uniqueKeys: false, budget: { maxDocumentSize: Infinity, maxAliasExpansion: Infinity } })
  } catch (err) {
    if (isGitOpsError(err, 'CORE_YAML_TOO_DEEP')) return err
  }
  return undefined
}
