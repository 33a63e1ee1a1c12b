// A YAML request body (a create or update under application/yaml, an apply patch) passes core's
// nesting check before it reaches the `yaml` package's `parse`, whose composer recurses once per
// level: a body nested thousands deep overflows the stack, and close to the limit V8 may abort the
// whole server process ("RegExpCompiler Allocation failed"), which no catch can stop. Such a body
// is a 400, as kube-apiserver answers a body its decoder refuses.
import { isGitOpsError } from '@gitops-sdk/core'
import { parseYamlStream } from '@gitops-sdk/core/yaml'

/** The name core's errors give the body; taken off again, since the answer is about the body anyway. */
const source = 'body'

/**
 * Why a YAML request body nests deeper than the `yaml` package's parser composes safely (core's
 * limit, 512 levels), `line N: nested more than … levels deep…`, else undefined.
 * Every text is measured by core's own parse (its nesting, not its syntax, size or aliases, which
 * are left to the caller's parse, whose options and results stay as they are). Core's quick scan
 * (`withinYamlNesting`) is no proof for the `yaml` parser: it misses nesting that closing brackets
 * inside quotes hide (`[a, "]", [a, "]", …`) and lines of bare entries (`- - - …`), which only
 * the measure sees.
 */
export function yamlBodyTooDeep(body: string): string | undefined {
  try {
    parseYamlStream(body, { source, uniqueKeys: false, budget: { maxDocumentSize: Infinity, maxAliasExpansion: Infinity } })
  } catch (err) {
    if (isGitOpsError(err, 'CORE_YAML_TOO_DEEP')) return err.message.startsWith(`${source}: `) ? err.message.slice(source.length + 2) : err.message
  }
  return undefined
}
