// ImageTagTransformer: rewrites container images matching a name, first in every `containers`
// and `initContainers` list anywhere in the object (the legacy walk), then at the field specs.
import type { KubeMap } from '@gitops-sdk/core'
import type { FieldSpec } from '../fields/configs.js'
import { stepError } from '../build/fail.js'
import { applyFieldSpec } from '../fields/fieldSpec.js'
import type { Image } from '../build/kustomization.js'
import type { ResMap } from '../build/resMap.js'
import type { Value } from '../yaml/values.js'
import { getField, isMap, nodeText } from '../yaml/values.js'
import type { GoRegexp } from '@gitops-sdk/core/go'
import { goRegExp } from '../fields/goRegexp.js'
import type { Transformer } from './context.js'

const TAG = '(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$'

/**
 * kustomize's image matcher, the Go pattern `^<name>` followed by an optional tag and digest: Go's
 * regexp (linear time), undefined if invalid. A name whose only metacharacter is `.` (most:
 * `registry.example.com/app`) takes compileGoRegexp's prefix-and-tail path, which needs no re2js.
 */
function imagePattern(name: string): Pick<GoRegexp, 'test'> | undefined {
  return goRegExp(`^${name}${TAG}`)
}

export class ImageTagTransformer implements Transformer {
  readonly kind = 'ImageTagTransformer'
  private readonly pattern: Pick<GoRegexp, 'test'> | undefined

  constructor(
    private readonly image: Image,
    private readonly fieldSpecs: readonly FieldSpec[],
  ) {
    this.pattern = imagePattern(image.name ?? '')
  }

  transform(m: ResMap): void {
    for (const r of m.resources()) {
      if (nodeText(getField(r.obj, 'kind')) === 'CustomResourceDefinition') continue
      this.legacyWalk(r.obj)
      for (const fieldSpec of this.fieldSpecs) {
        applyFieldSpec(r.obj, { fieldSpec, create: undefined }, (v, set) => this.update(v, set))
      }
    }
  }

  private legacyWalk(node: KubeMap | Value[]): void {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const e = node[i] as Value
        if (e !== null && typeof e === 'object') this.legacyWalk(e)
      }
      return
    }
    // Only image fields are ever set, which a for-in loop allows.
    for (const key in node) {
      const v = node[key] as Value
      if (v === null || typeof v !== 'object') continue
      this.legacyWalk(v)
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(v)) {
        for (const c of v) {
          if (!isMap(c)) continue
          const img = getField(c, 'image')
          if (img === undefined) continue
          this.update(img, (nv) => {
            c.image = nv
          })
        }
      }
    }
  }

  private update(v: Value, set: (v: Value) => void): void {
    if (v !== null && typeof v === 'object') throw stepError('RENDER_TRANSFORM_FAILED', 'image field is not a scalar')
    const value = nodeText(v)
    if (this.pattern === undefined || !this.pattern.test(value)) return
    let [name, tag, digest] = splitImage(value)
    const t = this.image
    if (t.newName !== undefined && t.newName !== '') name = t.newName
    if (t.newTag !== undefined && t.newTag !== '' && t.digest !== undefined && t.digest !== '') {
      tag = t.newTag
      digest = t.digest
    } else if (t.newTag !== undefined && t.newTag !== '') {
      tag = t.newTag
      digest = ''
    } else if (t.digest !== undefined && t.digest !== '') {
      tag = ''
      digest = t.digest
    } else if (t.tagSuffix !== undefined && t.tagSuffix !== '') {
      tag += t.tagSuffix
      digest = ''
    }
    let out = name
    if (tag !== '') out += `:${tag}`
    if (digest !== '') out += `@${digest}`
    set(out)
  }
}

/** kustomize image.Split: name, tag and digest of an image reference. */
export function splitImage(image: string): [string, string, string] {
  let slash = image.indexOf('/')
  let search = image
  if (slash > 0) search = image.slice(slash)
  else slash = 0
  let id = search.indexOf('@')
  let ic = search.indexOf(':')
  if (ic < 0 && id < 0) return [image, '', '']
  if (id >= 0 && (id < ic || ic < 0)) {
    id += slash
    return [image.slice(0, id), '', image.slice(id + 1)]
  }
  if (id >= 0 && ic >= 0) {
    id += slash
    ic += slash
    return [image.slice(0, ic), image.slice(ic + 1, id), image.slice(id + 1)]
  }
  ic += slash
  return [image.slice(0, ic), image.slice(ic + 1), '']
}
