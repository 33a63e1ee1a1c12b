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

/**
 * A YAML body as JSON text in its document order (mappings as written, integer-like keys included),
 * as kube-apiserver converts YAML to JSON before decoding it; undefined when it does not parse (a
 * body the first read accepted always does). Its nesting is bounded by the parser's limit, so the
 * writer may recurse.
 */
export function yamlBodyAsJsonText(body: string): string | undefined {
  let value: unknown
  try {
    value = parseMeasuredYaml(body, { version: '1.2', mapAsMap: true, source })
  } catch {
    return undefined
  }
  return orderedJson(value)
}

function orderedJson(value: unknown): string {
  if (value instanceof Map) {
    const entries: string[] = []
    for (const [key, v] of value as Map<unknown, unknown>) entries.push(`${JSON.stringify(String(key))}:${orderedJson(v)}`)
    return `{${entries.join(',')}}`
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => orderedJson(v)).join(',')}]`
  return value === undefined ? 'null' : JSON.stringify(value)
}
