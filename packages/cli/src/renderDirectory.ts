import type { KubeObject } from '@gitops-sdk/core'
import type { RenderOptions } from '@gitops-sdk/render'

/**
 * Builds a directory on disk as `kubectl kustomize DIR` does (a kustomization, or with
 * `plainDirectories` a plain directory of manifests), reading through the fast synchronous disk
 * file system rooted at `/`.
 */
export async function renderDirectory(dir: string, options: Omit<RenderOptions, 'fs'>): Promise<KubeObject[]> {
  const [{ render }, path, { diskFs }] = await Promise.all([import('@gitops-sdk/render'), import('node:path'), import('./diskFs.js')])
  const absolute = path.resolve(dir)
  const root = path.parse(absolute).root
  return render(path.relative(root, absolute).split(path.sep).join('/'), { ...options, fs: diskFs(root) })
}
