import type { KubeObject } from '@gitops-sdk/core'
import { render } from './render.js'
import type { RenderOptions } from './types.js'

/** Options of {@link renderMany}: those of `render`, with warnings and failures told per root. */
export interface RenderManyOptions extends Omit<RenderOptions, 'onWarning'> {
  /** Receives kustomize's warnings, one line each, with the root that gave it. @defaultValue ignored */
  readonly onWarning?: ((message: string, root: string) => void) | undefined
  /**
   * Stop at the first root that fails (the roots after it are left out of the result) instead of
   * building every root and reporting each failure in its entry.
   * @defaultValue false
   */
  readonly stopOnError?: boolean | undefined
  /** Called when a root is built or failed, in the order of `roots` (for progress). */
  readonly onResult?: ((result: RenderManyResult) => void) | undefined
}

/** What {@link renderMany} gives for one root: its objects, or why it failed. */
export type RenderManyResult =
  | {
      /** The kustomization root, as given. */
      readonly root: string
      /** What `render` built from it. */
      readonly objects: KubeObject[]
      /** Absent when the root was built. */
      readonly error?: undefined
    }
  | {
      /** The kustomization root, as given. */
      readonly root: string
      /** Absent when the root failed. */
      readonly objects?: undefined
      /** Why it failed: a `RenderError` naming the file and field, as `render` throws it. */
      readonly error: unknown
    }

/**
 * Builds several kustomization roots of one file system, one after another in this process, as
 * `render` builds each: the fixed cost of a process (start-up, module loading, compilation) is
 * paid once for all of them, which is what a CI job over thousands of directories needs. A root
 * that fails does not stop the others (unless `stopOnError`): its entry carries the error
 * (a `RenderError` naming the file and field, as `render` throws it), and the results keep the
 * order of `roots`.
 *
 * @throws `signal.reason` when aborted; a `TypeError` for malformed arguments. Build failures are
 * returned in the results, never thrown.
 * @example
 * ```ts
 * import { nodeFs, stringifyObjects } from '@gitops-sdk/core'
 * const results = await renderMany(['apps/web', 'apps/api'], { fs: nodeFs('/srv/fleet') })
 * for (const r of results) {
 *   if (r.error !== undefined) console.error(`${r.root}: ${String(r.error)}`)
 *   else process.stdout.write(`# Source: ${r.root}\n${stringifyObjects(r.objects)}`)
 * }
 * ```
 */
export async function renderMany(roots: readonly string[], options: RenderManyOptions): Promise<RenderManyResult[]> {
  if (!isStringList(roots)) throw new TypeError('renderMany: roots must be an array of strings')
  if (typeof options !== 'object' || typeof options.fs !== 'object') throw new TypeError('renderMany: options.fs is required')
  const { onWarning, stopOnError, onResult, ...common } = options
  const results: RenderManyResult[] = []
  for (const root of roots) {
    options.signal?.throwIfAborted()
    let result: RenderManyResult
    try {
      const objects = await render(root, { ...common, onWarning: onWarning === undefined ? undefined : (message) => onWarning(message, root) })
      result = { root, objects }
    } catch (error) {
      if (options.signal?.aborted === true && error === options.signal.reason) throw error
      result = { root, error }
    }
    results.push(result)
    onResult?.(result)
    if (result.error !== undefined && stopOnError === true) break
  }
  return results
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && (value as unknown[]).every((item) => typeof item === 'string')
}
