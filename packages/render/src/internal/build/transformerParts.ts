// The pieces the builtin transformers are made of when a kustomization or a plugin config asks
// for them: patch transformers from patch entries, the field specs of a `labels` entry, and the
// replacements of a `replacements` entry (inline or from a file), as kustomize v5.5.0 builds them.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import type { FieldSpec, TransformerConfig } from '../fields/configs.js'
import { mergeFieldSpecs, mergeFieldSpec, toFieldSpec } from '../fields/configs.js'
import { decode } from './decode.js'
import { stepError } from './fail.js'
import type { Label, Patch, Replacement, Selector } from './kustomization.js'
import { replacementShape } from './kustomization.js'
import type { Loader } from './loader.js'
import { loadPatch } from '../patch/patchLoad.js'
import { tryJsonPatch } from '../patch/patchLoad.js'
import type { Transformer } from '../transformers/context.js'
import type { SmPatch } from '../transformers/patches.js'
import { PatchJson6902Transformer, PatchTransformer } from '../transformers/patches.js'
import { isMap } from '../yaml/values.js'
import { parseYaml11 } from '../yaml/yaml11.js'

export function smPatches(objs: readonly KubeMap[], options: ReadonlyMap<string, boolean> | undefined): SmPatch[] {
  return objs.map((obj) => ({ obj, allowNameChange: options?.get('allowNameChange') === true, allowKindChange: options?.get('allowKindChange') === true }))
}

export async function patchTransformer(p: Patch, loader: Loader): Promise<Transformer> {
  const loaded = await loadPatch(p, loader)
  return new PatchTransformer({
    sm: loaded.sm === undefined ? undefined : smPatches(loaded.sm, p.options),
    json: loaded.json,
    target: p.target,
    source: loaded.source,
  })
}

export async function json6902Transformer(c: { readonly target: Selector | undefined; readonly path: string; readonly jsonOp: string }, loader: Loader): Promise<Transformer> {
  const { target, path, jsonOp } = c
  if (target?.name === undefined || target.name === '') throw stepError('RENDER_PATCH_FAILED', 'must specify the target name')
  if (path === '' && jsonOp === '') throw stepError('RENDER_PATCH_FAILED', 'empty file path and empty jsonOp')
  let text = jsonOp
  if (path !== '') {
    if (jsonOp !== '') throw stepError('RENDER_PATCH_FAILED', 'must specify a file path or jsonOp, not both')
    text = await loader.load(path)
    if (text === '') throw stepError('RENDER_PATCH_FAILED', `patch file '${path}' empty seems to be empty`)
  }
  const ops = tryJsonPatch(text, path === '' ? 'jsonOp' : path)
  if (ops === undefined) throw stepError('RENDER_PATCH_FAILED', `decoding ${path === '' ? 'jsonOp' : path}: not a JSON patch`)
  if (ops.length === 0) throw stepError('RENDER_PATCH_FAILED', `patch appears to be empty; file=${path}`)
  return new PatchJson6902Transformer(target, ops)
}

export function labelSpecs(label: Label, tc: TransformerConfig): FieldSpec[] {
  let fieldSpecs = (label.fields ?? []).map(toFieldSpec)
  fieldSpecs = mergeFieldSpecs(fieldSpecs, tc.labels)
  if (label.includeSelectors === true) {
    fieldSpecs = mergeFieldSpecs(fieldSpecs, tc.commonLabels)
  } else {
    if (label.includeTemplates === true) fieldSpecs = mergeFieldSpecs(fieldSpecs, tc.templateLabels)
    fieldSpecs = mergeFieldSpec(fieldSpecs, { group: '', version: '', kind: '', path: 'metadata/labels', create: true })
  }
  return fieldSpecs
}

export function decodeReplacement(v: KubeValue): Replacement {
  const r = decode(v, replacementShape, { strict: false }) as Replacement | undefined
  return r ?? {}
}

export async function loadReplacements(list: readonly Replacement[], loader: Loader): Promise<Replacement[]> {
  const out: Replacement[] = []
  for (const r of list) {
    const path = r.path ?? ''
    if (path !== '' && (r.source !== undefined || (r.targets ?? []).length > 0)) {
      throw stepError('RENDER_TRANSFORM_FAILED', 'cannot specify both path and inline replacement')
    }
    if (path === '') {
      out.push(r)
      continue
    }
    const doc = parseYaml11(await loader.load(path), path)
    if (Array.isArray(doc)) {
      for (const item of doc) out.push(decodeReplacement(item))
    } else if (isMap(doc)) {
      out.push(decodeReplacement(doc))
    } else {
      throw stepError('RENDER_TRANSFORM_FAILED', `unsupported replacement type encountered within replacement path: ${path}`)
    }
  }
  return out
}
