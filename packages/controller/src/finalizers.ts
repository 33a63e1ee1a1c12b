import type { KubeObject } from '@gitops-sdk/core'
import type { ControllerClient } from './controllerClient.js'
import type { ResourceType } from './types.js'

/** Whether `object` carries `finalizer`. */
export function hasFinalizer(object: KubeObject, finalizer: string): boolean {
  return finalizersOf(object).includes(finalizer)
}

function finalizersOf(object: KubeObject): readonly string[] {
  const list: unknown = object.metadata.finalizers
  return Array.isArray(list) ? list.filter((f): f is string => typeof f === 'string') : []
}

/** Options of {@link addFinalizer} and {@link removeFinalizer}. */
export interface FinalizerOptions {
  /** The finalizer, such as `finalizers.fluxcd.io`. */
  readonly finalizer: string
  /** The client that patches. */
  readonly client: ControllerClient
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Adds a finalizer to an object, unless it has it. The patch carries the resourceVersion read, so
 * a concurrent change fails with `CONTROLLER_CONFLICT` instead of losing someone else's finalizer.
 *
 * @returns the object as patched (or as given, when it already had the finalizer).
 * @throws `CONTROLLER_CONFLICT`, `CONTROLLER_NOT_FOUND`
 * @example
 * ```ts
 * object = await addFinalizer(WIDGETS, object, { finalizer: 'example.com/cleanup', client, signal })
 * ```
 */
export async function addFinalizer(resource: ResourceType, object: KubeObject, options: FinalizerOptions): Promise<KubeObject> {
  const { finalizer } = options
  if (hasFinalizer(object, finalizer)) return object
  return patchFinalizers(resource, object, { finalizers: [...finalizersOf(object), finalizer], options })
}

/**
 * Removes a finalizer from an object, if it has it; the same concurrency rule as {@link addFinalizer}.
 *
 * @throws `CONTROLLER_CONFLICT`, `CONTROLLER_NOT_FOUND`
 * @example
 * ```ts
 * await removeFinalizer(WIDGETS, object, { finalizer: 'example.com/cleanup', client, signal })
 * ```
 */
export async function removeFinalizer(resource: ResourceType, object: KubeObject, options: FinalizerOptions): Promise<KubeObject> {
  const { finalizer } = options
  if (!hasFinalizer(object, finalizer)) return object
  return patchFinalizers(resource, object, { finalizers: finalizersOf(object).filter((f) => f !== finalizer), options })
}

async function patchFinalizers(resource: ResourceType, object: KubeObject, change: { readonly finalizers: readonly string[]; readonly options: FinalizerOptions }): Promise<KubeObject> {
  const { finalizers, options } = change
  if (typeof options !== 'object' || typeof options.client !== 'object') throw new TypeError('finalizers: options.client is required')
  const key = { namespace: resource.namespaced ? (object.metadata.namespace ?? '') : '', name: object.metadata.name }
  const metadata: Record<string, unknown> = { finalizers }
  // A merge patch with a resourceVersion is a precondition: the server refuses it (409) when stale.
  if (typeof object.metadata.resourceVersion === 'string') metadata.resourceVersion = object.metadata.resourceVersion
  return options.client.patch(resource, key, { patch: { type: 'merge', body: { metadata } }, signal: options.signal })
}
