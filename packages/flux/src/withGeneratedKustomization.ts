import type { FileSystem } from '@gitops-sdk/core'
import { overlayFs } from '@gitops-sdk/core'
import { generateKustomization } from './internal/fleet/generator.js'
import type { KustomizationSpec } from './kustomization.js'

/** The parts of a Kustomization's spec that shape its build. */
export type KustomizationBuildSpec = Pick<KustomizationSpec, 'targetNamespace' | 'namePrefix' | 'nameSuffix' | 'patches' | 'components' | 'images'>

/**
 * A file system showing, in `dir`, the kustomization file kustomize-controller builds a
 * Kustomization with: the directory's own, or for a plain directory one listing every YAML file
 * below it (and every subdirectory holding a kustomization, not descended into), with the spec's
 * `targetNamespace`, `namePrefix`, `nameSuffix`, `patches`, `components` and `images` written into
 * it. Nothing is written to `fs`.
 *
 * @throws Error naming a component path that is not local and relative.
 * @example
 * ```ts
 * const objects = await render('apps', { fs: await withGeneratedKustomization(fs, 'apps', k.spec), loadRestrictions: 'none' })
 * ```
 */
export async function withGeneratedKustomization(fs: FileSystem, dir: string, spec: KustomizationBuildSpec): Promise<FileSystem> {
  const generated = await generateKustomization(fs, dir, { spec })
  return overlayFs(fs, new Map([[generated.file, new TextEncoder().encode(generated.text)]]))
}
