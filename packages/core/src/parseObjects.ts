import { CoreError } from './errors.js'
import { parseYamlValues } from './yaml/parseValues.js'
import { isKubeMap } from './object.js'
import type { KubeObject, KubeValue } from './object.js'

/** Options of {@link parseDocuments} and {@link parseObjects}. */
export interface ParseOptions {
  /** Where the text came from (a file path or URL), named in every error. @defaultValue `'<input>'` */
  readonly source?: string | undefined
  /**
   * Largest document accepted, in characters; a larger one fails with `CORE_YAML_TOO_LARGE` before it
   * is parsed. @defaultValue 8 MiB, well above etcd's 1.5 MiB limit for one object
   */
  readonly maxDocumentSize?: number | undefined
  /** Most alias expansions in one document, against YAML bombs. @defaultValue 10,000 */
  readonly maxAliasExpansion?: number | undefined
  /**
   * Deepest nesting of collections in one document, aliases expanded; deeper fails with
   * `CORE_YAML_TOO_DEEP`. Applied as given; nesting written out in the text (not through aliases)
   * is refused beyond 512 levels whatever this is, the most the YAML parser composes safely.
   * @defaultValue 1,000
   */
  readonly maxDepth?: number | undefined
}

/** A document of a YAML stream and where it was. */
export interface YamlDocument {
  /** 1-based position in the stream, counting empty documents too. */
  readonly index: number
  /** 1-based line where the document's content starts. */
  readonly line: number
  /** The document's content (`null` for an empty document). */
  readonly value: KubeValue
}

/**
 * Parses a YAML (or JSON) stream into plain values, one per non-empty document. Scalars resolve as
 * kustomize resolves them (go-yaml v3: `0x1F` and `012` are integers, `yes` is a string, a bare
 * `2001-12-14` is a timestamp), integers beyond 2^53 become `bigint`, anchors, aliases and `<<`
 * merge keys are expanded.
 *
 * @throws `CORE_YAML_INVALID` (tabs as indentation, duplicate keys, undefined aliases, bad syntax,
 * too many alias expansions), naming the source, document, line and column; `CORE_YAML_TOO_LARGE`;
 * `CORE_YAML_TOO_DEEP`.
 * @example
 * ```ts
 * const docs = parseDocuments('a: 1\n---\nb: [x]\n', { source: 'values.yaml' })
 * // → [{ index: 1, line: 1, value: { a: 1 } }, { index: 2, line: 3, value: { b: ['x'] } }]
 * ```
 */
export function parseDocuments(text: string, options: ParseOptions = {}): YamlDocument[] {
  return parseYamlValues(stripBom(text), {
    source: options.source ?? '<input>',
    budget: { maxDocumentSize: options.maxDocumentSize, maxAliasExpansion: options.maxAliasExpansion, maxDepth: options.maxDepth },
  })
}

/**
 * Parses a multi-document YAML or JSON text into Kubernetes objects. Empty documents are skipped;
 * a document that is not a mapping, or lacks `apiVersion`, `kind` or `metadata.name`, is rejected.
 *
 * @throws `CORE_YAML_INVALID`, `CORE_YAML_TOO_LARGE`, `CORE_YAML_TOO_DEEP`, and `CORE_OBJECT_INVALID` naming the source,
 * the document and the missing field.
 * @example
 * ```ts
 * const objects = parseObjects(await readFile('app.yaml', 'utf8'), { source: 'app.yaml' })
 * for (const o of objects) console.log(formatRef(refOf(o)))
 * ```
 */
export function parseObjects(text: string, options: ParseOptions = {}): KubeObject[] {
  const source = options.source ?? '<input>'
  return parseDocuments(text, options).map((doc) => toObject(doc, source))
}

function toObject(doc: YamlDocument, source: string): KubeObject {
  const where = `${source}: document ${doc.index} (line ${doc.line})`
  const invalid = (field: string, problem: string): CoreError =>
    new CoreError({
      code: 'CORE_OBJECT_INVALID',
      message: `${where}: ${field} ${problem}`,
      details: { source, document: doc.index, line: doc.line, field },
    })
  const value = doc.value
  if (!isKubeMap(value)) throw invalid('document', `is a ${Array.isArray(value) ? 'sequence' : 'scalar'}, not an object`)
  for (const field of ['apiVersion', 'kind'] as const) {
    const v = value[field]
    if (v === undefined || v === null || v === '') throw invalid(field, 'is missing')
    if (typeof v !== 'string') throw invalid(field, 'must be a string')
  }
  const metadata = value.metadata
  if (metadata === undefined || metadata === null) throw invalid('metadata.name', 'is missing')
  if (!isKubeMap(metadata)) throw invalid('metadata', 'must be a mapping')
  const name = metadata.name
  if (name === undefined || name === null || name === '') throw invalid('metadata.name', 'is missing')
  if (typeof name !== 'string') throw invalid('metadata.name', 'must be a string')
  return value as unknown as KubeObject
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}
