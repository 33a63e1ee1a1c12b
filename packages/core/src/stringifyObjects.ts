import { CoreError } from './errors.js'
import { createEmitCache, emitDocument, UnsupportedValueError } from './internal/yaml/emit.js'
import type { EmitCache } from './internal/yaml/emit.js'
import type { KubeObject, KubeValue } from './object.js'

/**
 * Prints objects as a YAML stream, byte for byte as `kubectl kustomize` (kustomize v5.5.0) prints
 * the same objects: keys sorted in go-yaml v2's order, two-space indentation, sequences level with
 * their key, YAML 1.1 look-alikes (`"yes"`, `"on"`, `"1:20"`) double-quoted, multi-line strings as
 * literal blocks, long scalars folded at 80 columns, and `---` between documents.
 *
 * @throws `CORE_VALUE_UNSUPPORTED` for values JSON cannot carry (NaN, infinities), naming the object and field.
 * @example
 * ```ts
 * process.stdout.write(stringifyObjects(await render('clusters/prod', { fs })))
 * ```
 */
export function stringifyObjects(objects: readonly KubeObject[]): string {
  const cache = createEmitCache()
  const docs: string[] = []
  for (let i = 0; i < objects.length; i++) {
    const object = objects[i] as KubeObject
    try {
      docs.push(emitDocument(object, cache))
    } catch (err) {
      throw named(err, describe(object, i))
    }
  }
  return docs.join('---\n')
}

/**
 * Prints one value as a YAML document the way {@link stringifyObjects} prints an object.
 *
 * @throws `CORE_VALUE_UNSUPPORTED` naming `subject` and the field.
 */
export function stringifyValue(value: KubeValue | KubeObject, subject = 'value'): string {
  return emit(value, subject, createEmitCache())
}

function emit(value: KubeValue | KubeObject, subject: string, cache: EmitCache): string {
  try {
    return emitDocument(value, cache)
  } catch (err) {
    throw named(err, subject)
  }
}

/** An emitter error as a CoreError naming `subject` and the field; other errors as they are. */
function named(err: unknown, subject: string): unknown {
  if (!(err instanceof UnsupportedValueError)) return err
  return new CoreError({
    code: 'CORE_VALUE_UNSUPPORTED',
    message: `${subject}: field ${err.path === '' ? '(root)' : err.path}: ${err.message}`,
    details: { subject, field: err.path },
  })
}

function describe(object: KubeObject, index: number): string {
  const meta = object.metadata as KubeObject['metadata'] | undefined
  if (typeof object.kind === 'string' && meta !== undefined && typeof meta.name === 'string') {
    return meta.namespace === undefined ? `${object.kind}/${meta.name}` : `${object.kind}/${meta.namespace}/${meta.name}`
  }
  return `object ${index + 1}`
}
