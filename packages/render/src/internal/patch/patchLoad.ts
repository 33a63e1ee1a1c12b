// Reading patches: the legacy patchesStrategicMerge entries (inline YAML or a file), and the
// `patches` entries whose text is either strategic-merge objects or a JSON 6902 operation list.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { objectsFromText, objectsFromValues, parseYaml } from '../build/factory.js'
import { StepError, stepError } from '../build/fail.js'
import type { JsonPatchOp } from './jsonPatch.js'
import { toJsonPatch } from './jsonPatch.js'
import type { Loader } from '../build/loader.js'
import { parseYaml11 } from '../yaml/yaml11.js'

function tryValues<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch (err) {
    if (err instanceof StepError) return undefined
    throw err
  }
}

/** Objects of `text`, or undefined when it is not a list of valid objects (kustomize's SliceFromBytes failing). */
export function tryObjects(text: string, source: string): KubeMap[] | undefined {
  // One line can only hold an object in flow style; anything else on one line is a file path.
  if (!text.includes('\n') && !text.trimStart().startsWith('{')) return undefined
  try {
    return objectsFromText(text, source)
  } catch (err) {
    if (err instanceof StepError) return undefined
    throw err
  }
}

/** The JSON 6902 operations of `text`, or undefined when it is not one. */
export function tryJsonPatch(text: string, source: string): JsonPatchOp[] | undefined {
  if (text === '') return undefined
  try {
    // kustomize v5.5.0 decodes text that does not start with '[' through sigs.k8s.io/yaml's
    // YAMLToJSON (go-yaml v2, YAML 1.1: `on` is true, the first document only).
    if (!text.startsWith('[')) {
      const doc = parseYaml11(text, source)
      return doc === undefined ? undefined : toJsonPatch(doc)
    }
    const docs = parseYaml(text, source)
    if (docs.length === 0) return undefined
    return toJsonPatch(docs[0] ?? null)
  } catch (err) {
    if (err instanceof StepError) return undefined
    throw err
  }
}

/** patchesStrategicMerge: each entry is inline YAML if it parses as objects, else a file path. */
export async function loadStrategicMergePatches(entries: readonly string[], loader: Loader): Promise<KubeMap[]> {
  const out: KubeMap[] = []
  for (const entry of entries) {
    const inline = tryObjects(entry, 'patchesStrategicMerge')
    if (inline !== undefined) {
      out.push(...inline)
      continue
    }
    const text = await loader.load(entry)
    try {
      out.push(...objectsFromText(text, entry))
    } catch (err) {
      if (err instanceof StepError) throw stepError(err.code, `${entry}: ${err.message}`)
      throw err
    }
  }
  if (out.length === 0) {
    throw stepError('RENDER_PATCH_FAILED', `patch appears to be empty; files=[${entries.join(' ')}]`)
  }
  return out
}

export interface LoadedPatch {
  readonly sm: KubeMap[] | undefined
  readonly json: JsonPatchOp[] | undefined
  readonly source: string
}

/** A `patches` entry's text parsed as strategic-merge objects or as a JSON patch. */
export async function loadPatch(p: { readonly path?: string | undefined; readonly patch?: string | undefined }, loader: Loader): Promise<LoadedPatch> {
  const patch = (p.patch ?? '').trim()
  const path = p.path ?? ''
  if (patch === '' && path === '') throw stepError('RENDER_PATCH_FAILED', 'must specify one of patch and path')
  if (patch !== '' && path !== '') throw stepError('RENDER_PATCH_FAILED', "patch and path can't be set at the same time")
  let text: string
  let source: string
  if (patch !== '') {
    text = patch
    source = `[patch: ${JSON.stringify(patch)}]`
  } else {
    try {
      text = await loader.load(path)
    } catch (err) {
      if (err instanceof StepError) throw stepError(err.code, `failed to get the patch file from path(${path}): ${err.message}`)
      throw err
    }
    source = `[path: ${JSON.stringify(path)}]`
  }
  const src = path === '' ? 'patch' : path
  let docs: KubeValue[] | undefined
  try {
    docs = parseYaml(text, src)
  } catch (err) {
    if (!(err instanceof StepError)) throw err
  }
  const sm = docs === undefined ? undefined : tryValues(() => objectsFromValues(docs, src))
  // Only a list can be a JSON patch: anything else is refused here without building an error.
  const json = docs === undefined || !Array.isArray(docs[0]) ? undefined : tryJsonPatch(text, src)
  if (sm !== undefined && json !== undefined) throw stepError('RENDER_PATCH_FAILED', `illegally qualifies as both an SM and JSON patch: ${source}`)
  if (sm === undefined && json === undefined) throw stepError('RENDER_PATCH_FAILED', `unable to parse SM or JSON patch from ${source}`)
  return { sm, json, source }
}
