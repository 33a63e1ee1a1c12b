// A YAML request body (a create or update under application/yaml, an apply patch) is read by the
// `yaml` package's `parse` behind core's nesting measure (parseMeasuredYaml: one lex and parse for
// both), whose composer recurses once per level: a body nested thousands deep overflows the stack,
// and close to the limit V8 may abort the whole server process, which no catch can stop. Such a
// body is a 400, as kube-apiserver answers a body its decoder refuses.
import { isGitOpsError } from '@gitops-sdk/core'
import { parseMeasuredYaml } from '@gitops-sdk/core/yaml'
import type { MeasuredYamlOptions } from '@gitops-sdk/core/yaml'
import { badRequest } from '../../status.js'

/** The name core's errors give the body; taken off again, since the answer is about the body anyway. */
const source = 'body'

/**
 * A YAML request body parsed as `yaml`'s `parse(body, options)` parses it, or a 400 whose message
 * is `prefix` then why: `line N: nested more than … levels deep…` when it nests deeper than the
 * parser composes safely (core's limit, 512 levels), else the first line of the parser's error.
 */
export function parseYamlBody(body: string, options: Omit<MeasuredYamlOptions, 'source'>, prefix: string): unknown {
  try {
    return parseMeasuredYaml(body, { ...options, source })
  } catch (err) {
    if (isGitOpsError(err, 'CORE_YAML_TOO_DEEP')) {
      const { message } = err
      throw badRequest(`${prefix}${message.startsWith(`${source}: `) ? message.slice(source.length + 2) : message}`)
    }
    throw badRequest(`${prefix}${(err as Error).message.split('\n')[0] ?? ''}`)
  }
}
