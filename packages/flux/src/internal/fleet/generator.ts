// The kustomization kustomize-controller builds for a Flux Kustomization (fluxcd/pkg/kustomize's
// generator): the user's kustomization file, or one listing the directory's manifests when there
// is none, with the Kustomization's targetNamespace, namePrefix/Suffix, patches, components and
// images written into it.
import { isKubeMap, normalizePath, parseDocuments, readTextFile, stringifyValue } from '@gitops-sdk/core'
import type { FileSystem, KubeMap, KubeValue } from '@gitops-sdk/core'
import type { ObjectSelector } from '../../common.js'
import type { KustomizationSpec } from '../../kustomization.js'

/** The file names kustomize recognises, in its order. */
export const kustomizationFileNames: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']

const join = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`)

/** The kustomization file in `dir`, if any. */
export async function findKustomizationFile(fs: FileSystem, dir: string): Promise<string | undefined> {
  for (const name of kustomizationFileNames) {
    if ((await fs.stat(join(dir, name)))?.type === 'file') return join(dir, name)
  }
  return undefined
}

/**
 * The resources Flux lists for a directory without a kustomization file: every `.yaml`/`.yml` file
 * below it, and every subdirectory holding a kustomization file (not descended into), in the
 * order of a lexical walk.
 */
async function scanManifests(fs: FileSystem, base: string, dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await fs.readdir(dir)) {
    const path = join(dir, entry.name)
    const stat = await fs.stat(path)
    const relative = `./${path.slice(base === '' ? 0 : base.length + 1)}`
    if (stat?.type === 'directory') {
      if ((await findKustomizationFile(fs, path)) !== undefined) out.push(relative)
      else out.push(...(await scanManifests(fs, base, path)))
    } else if (stat?.type === 'file' && /\.ya?ml$/u.test(entry.name)) {
      out.push(relative)
    }
  }
  return out
}

function selector(target: ObjectSelector | undefined): KubeMap | undefined {
  if (target === undefined) return undefined
  const out: KubeMap = {}
  for (const key of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const value = target[key]
    if (value !== undefined && value !== '') out[key] = value
  }
  return out
}

const localRelative = /^(git::|gh:|ssh:\/\/|https:\/\/|http:\/\/|git@|github\.com:|github\.com\/)/iu

/** What the generator did: the kustomization file to build with, and whether it was created. */
export interface GeneratedKustomization {
  readonly file: string
  readonly text: string
}

/**
 * The kustomization file kustomize-controller would build `dir` with, for `spec`.
 *
 * @throws Error naming the component when a component path is not local and relative.
 */
export async function generateKustomization(
  fs: FileSystem,
  dir: string,
  what: {
    readonly spec: Pick<KustomizationSpec, 'targetNamespace' | 'namePrefix' | 'nameSuffix' | 'patches' | 'components' | 'images'>
    readonly origins?: boolean | undefined
  },
): Promise<GeneratedKustomization> {
  const { spec } = what
  const existing = await findKustomizationFile(fs, dir)
  let kustomization: KubeMap
  if (existing !== undefined) {
    const [doc] = parseDocuments(await readTextFile(fs, existing), { source: existing })
    kustomization = isKubeMap(doc?.value) ? { ...doc.value } : {}
  } else {
    const resources = await scanManifests(fs, dir, dir)
    kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }
  }
  if (spec.targetNamespace !== undefined) kustomization.namespace = spec.targetNamespace
  if (spec.namePrefix !== undefined) kustomization.namePrefix = spec.namePrefix
  if (spec.nameSuffix !== undefined) kustomization.nameSuffix = spec.nameSuffix
  const list = (key: string): KubeValue[] => {
    const value = kustomization[key]
    const copy = Array.isArray(value) ? [...value] : []
    kustomization[key] = copy
    return copy
  }
  if (spec.patches !== undefined && spec.patches.length > 0) {
    const patches = list('patches')
    for (const p of spec.patches) {
      const target = selector(p.target)
      patches.push(target === undefined ? { patch: p.patch } : { patch: p.patch, target })
    }
  }
  if (spec.components !== undefined && spec.components.length > 0) {
    const components = list('components')
    for (const component of spec.components) {
      if (localRelative.test(component) || component.startsWith('/') || component.toLowerCase().startsWith('file:///')) {
        throw new Error(`component path '${component}' must be local and relative`)
      }
      components.push(component)
    }
  }
  if (spec.images !== undefined && spec.images.length > 0) {
    const images = list('images')
    for (const image of spec.images) {
      const entry: KubeMap = { name: image.name }
      if (image.newName !== undefined) entry.newName = image.newName
      if (image.newTag !== undefined) entry.newTag = image.newTag
      if (image.digest !== undefined) entry.digest = image.digest
      const at = images.findIndex((i) => isKubeMap(i) && i.name === image.name)
      if (at >= 0) images[at] = entry
      else images.push(entry)
    }
  }
  if (what.origins === true) {
    // Where each object came from (fleet validate names the file), as kustomize's origin annotation.
    const metadata = list('buildMetadata')
    if (!metadata.includes('originAnnotations')) metadata.push('originAnnotations')
  }
  return { file: existing ?? join(normalizePath(dir), 'kustomization.yaml'), text: stringifyValue(kustomization) }
}
