import { HelmError } from './errors.js'
import { toPlain } from './internal/plain.js'
import { YamlValuesError, parseYamlAsJson } from './internal/yamlValues.js'

/** Options of {@link parseValues}. */
export interface ParseValuesOptions {
  /** The file's name, for messages. @defaultValue `'values'` */
  readonly source?: string | undefined
  /** Values the file is merged over (maps merge deeply, the file wins; not modified). @defaultValue `{}` */
  readonly values?: Readonly<Record<string, unknown>> | undefined
}

function merge(dst: Readonly<Record<string, unknown>>, src: Record<string, unknown>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>
  for (const k of Object.keys(dst)) out[k] = dst[k]
  for (const k of Object.keys(src)) {
    const d = out[k]
    const s = src[k]
    const table = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
    out[k] = table(d) && table(s) ? merge(d, s) : s
  }
  return out
}

/**
 * Reads a values file (`helm template -f FILE`) as Helm does: YAML 1.1 (`yes` is true), every
 * number a float64, merged over `values` as Helm merges several `-f` files (later files win, maps
 * merge deeply, `null` is kept so it can delete a chart default). The result has no prototype.
 *
 * @experimental The renderer is new; its options may change in any minor.
 * @throws `HELM_VALUES_INVALID` when the text is not YAML or not a mapping, naming `source`.
 * @example
 * ```ts
 * let values = parseValues(await readFile('prod.yaml', 'utf8'), { source: 'prod.yaml' })
 * values = parseSetValues('replicas=3', { values })
 * ```
 */
export function parseValues(text: string, options: ParseValuesOptions = {}): Record<string, unknown> {
  const source = options.source ?? 'values'
  let parsed
  try {
    parsed = parseYamlAsJson(text, source)
  } catch (err) {
    if (err instanceof YamlValuesError) {
      throw new HelmError({ code: 'HELM_VALUES_INVALID', message: `${source}: ${err.message}`, details: { path: source }, cause: err })
    }
    throw err
  }
  const plain: unknown = parsed === null ? (Object.create(null) as Record<string, unknown>) : toPlain(parsed)
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new HelmError({ code: 'HELM_VALUES_INVALID', message: `${source}: values must be a mapping`, details: { path: source } })
  }
  return merge(options.values ?? {}, plain as Record<string, unknown>)
}
