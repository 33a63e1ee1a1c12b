import type { KubeValue } from '@gitops-sdk/core'
import { isGitOpsError, parseDocuments } from '@gitops-sdk/core'
import { RenderError } from './errors.js'

function fail(source: string, why: string): RenderError {
  return new RenderError({ code: 'RENDER_SUBSTITUTE_FAILED', message: `${source}: ${why}`, details: { file: source } })
}

function isRecord(v: KubeValue | undefined): v is Record<string, KubeValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function text(v: KubeValue | undefined): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/**
 * Reads substitution variables from a file's text: a ConfigMap or Secret manifest (its `data`,
 * base64-decoded for Secrets, and `stringData`), a YAML or JSON mapping of names to values, or
 * dotenv `KEY=value` lines (`#` comments, optional `export`, quoted values).
 *
 * @throws `RENDER_SUBSTITUTE_FAILED` when the text is none of these, naming `source`.
 * @example
 * ```ts
 * const variables = parseVariables(await readFile('cluster-vars.env', 'utf8'), 'cluster-vars.env')
 * ```
 */
export function parseVariables(content: string, source = '<input>'): Record<string, string> {
  const trimmed = content.trim()
  if (trimmed === '') return {}
  if (looksLikeDotenv(trimmed)) return parseDotenv(content, source)
  let doc: KubeValue | undefined
  try {
    doc = parseDocuments(content, { source })[0]?.value
  } catch (err) {
    if (isGitOpsError(err)) throw fail(source, `not a YAML mapping or dotenv file: ${err.message}`)
    throw err
  }
  if (!isRecord(doc)) throw fail(source, 'must be a mapping of variable names to values, a ConfigMap, a Secret or dotenv lines')
  const out: Record<string, string> = {}
  if ((doc.kind === 'ConfigMap' || doc.kind === 'Secret') && typeof doc.apiVersion === 'string') {
    const secret = doc.kind === 'Secret'
    const data = doc.data
    if (isRecord(data)) {
      for (const [k, v] of Object.entries(data)) out[k] = secret ? Buffer.from(text(v), 'base64').toString('utf8') : text(v)
    }
    const sd = doc.stringData
    if (isRecord(sd)) for (const [k, v] of Object.entries(sd)) out[k] = text(v)
    return out
  }
  for (const [k, v] of Object.entries(doc)) out[k] = text(v)
  return out
}

function looksLikeDotenv(t: string): boolean {
  return t
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .every((l) => /^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=/.test(l))
}

function parseDotenv(content: string, source: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of content.split('\n')) {
    const line = raw.replace(/\r$/, '').trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line)
    if (m === null) throw fail(source, `not a KEY=value line: ${line.slice(0, 40)}`)
    let v = m[2] as string
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) v = v.slice(1, -1)
    out[m[1] as string] = v
  }
  return out
}
