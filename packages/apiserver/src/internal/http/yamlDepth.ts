// A YAML request body (a create or update under application/yaml, an apply patch) passes core's
// nesting measure before it reaches the `yaml` package's `parse`, whose composer recurses once per
// level: a body nested thousands deep overflows the stack, and close to the limit V8 may abort the
// whole server process, which no catch can stop. Such a body is a 400, as kube-apiserver answers a
// body its decoder refuses.
import { yamlNestingError } from '@gitops-sdk/core/yaml'

/** The name core's errors give the body; taken off again, since the answer is about the body anyway. */
const source = 'body'

/**
 * Why a YAML request body nests deeper than the `yaml` package's parser composes safely (core's
 * limit, 512 levels), `line N: nested more than … levels deep…`, else undefined.
 */
export function yamlBodyTooDeep(body: string): string | undefined {
  const message = yamlNestingError(body, source)?.message
  if (message === undefined) return undefined
  return message.startsWith(`${source}: `) ? message.slice(source.length + 2) : message
}
