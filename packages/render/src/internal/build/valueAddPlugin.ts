// The builtin ValueAddTransformer's configuration, read as kustomize v5.5.0's plugin reads it.
import { decode } from './decode.js'
import type { Shape } from './decode.js'
import { stepError } from './fail.js'
import { parseYaml } from './factory.js'
import type { Selector } from './kustomization.js'
import { selectorShape } from './kustomization.js'
import type { Loader } from './loader.js'
import type { Transformer } from '../transformers/context.js'
import { ValueAddTransformer } from '../transformers/valueAdd.js'
import { isMap } from '../yaml/values.js'

export const valueAddTargetShape: Shape = { object: { selector: selectorShape, fieldPath: 'string', filePathPosition: 'int' } }

interface DecodedTarget {
  readonly selector?: Selector
  readonly fieldPath?: string
  readonly filePathPosition?: number
}

/** The builtin ValueAddTransformer's Config: the value (default: the kustomization directory's name) and targets. */
export async function valueAddTransformer(c: Readonly<Record<string, unknown>>, loader: Loader): Promise<Transformer> {
  let value = ((c.value as string | undefined) ?? '').trim()
  if (value === '') value = loader.root === '' ? '.' : (loader.root.split('/').pop() as string)
  const targets = [...((c.targets as DecodedTarget[] | undefined) ?? [])]
  const file = (c.targetFilePath as string | undefined) ?? ''
  if (file !== '') {
    const doc = parseYaml(await loader.load(file), file)[0]
    const more = decode(isMap(doc) ? { targets: doc.targets ?? null } : undefined, { object: { targets: { array: valueAddTargetShape } } }, { strict: false, scalarsAsStrings: true }) as { targets?: DecodedTarget[] } | undefined
    targets.push(...(more?.targets ?? []))
  }
  if (targets.length === 0) throw stepError('RENDER_TRANSFORM_FAILED', 'must specify at least one target')
  for (const t of targets) {
    if ((t.fieldPath ?? '') === '') throw stepError('RENDER_TRANSFORM_FAILED', 'fieldPath cannot be empty')
    if ((t.filePathPosition ?? 0) < 0) throw stepError('RENDER_TRANSFORM_FAILED', `value of FilePathPosition (${t.filePathPosition}) cannot be negative`)
  }
  return new ValueAddTransformer(value, targets.map((t) => ({ selector: t.selector, fieldPath: t.fieldPath ?? '', filePathPosition: t.filePathPosition ?? 0 })))
}

