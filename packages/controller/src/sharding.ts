import { createHash } from 'node:crypto'
import type { KubeObject } from '@gitops-sdk/core'
import { ControllerError } from './errors.js'

/** The label that assigns an object to a shard, as Flux's sharding does. */
export const SHARD_KEY_LABEL = 'sharding.fluxcd.io/key'

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/

/**
 * The watch label selector of a shard, as Flux's controllers take it in `--watch-label-selector`:
 * no shards gives the main controller's `!sharding.fluxcd.io/key` (every object without a shard),
 * one shard `sharding.fluxcd.io/key=shard1`, several `sharding.fluxcd.io/key in (shard1,shard2)`.
 *
 * @throws `CONTROLLER_CONFIG_INVALID` when a shard name is not a valid label value.
 * @example
 * ```ts
 * shardSelector([])          // '!sharding.fluxcd.io/key'
 * shardSelector(['shard1'])  // 'sharding.fluxcd.io/key=shard1'
 * ```
 */
export function shardSelector(shards: readonly string[] = []): string {
  for (const shard of shards) {
    if (typeof shard !== 'string' || !LABEL_VALUE.test(shard)) {
      const shown = typeof shard === 'string' ? shard.slice(0, 80) : typeof shard
      throw new ControllerError({
        code: 'CONTROLLER_CONFIG_INVALID',
        message: `shard "${shown}": not a valid label value (63 characters at most, alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric)`,
        details: { shard: shown },
      })
    }
  }
  const unique = [...new Set(shards)].sort()
  if (unique.length === 0) return `!${SHARD_KEY_LABEL}`
  if (unique.length === 1) return `${SHARD_KEY_LABEL}=${unique[0] ?? ''}`
  return `${SHARD_KEY_LABEL} in (${unique.join(',')})`
}

/**
 * The Lease name of a controller watching `selector`: `<controller>-leader-election` without a
 * selector, as Flux names it, and that name plus a short digest of the selector with one, so the
 * main controller and every shard elect their leaders independently. Stays within 63 characters.
 *
 * @example
 * ```ts
 * leaseNameFor('my-controller', shardSelector(['shard1'])) // 'my-controller-leader-election-…'
 * ```
 */
export function leaseNameFor(controller: string, selector = ''): string {
  if (controller === '') throw new TypeError('leaseNameFor: the controller name must not be empty')
  const base = `${controller}-leader-election`
  if (selector === '') return base.slice(0, 63)
  const digest = createHash('sha256').update(selector).digest('hex').slice(0, 8)
  return `${base.slice(0, 63 - 9)}-${digest}`
}

/** The shard an object is assigned to, or undefined for the main controller. */
export function shardOf(object: KubeObject): string | undefined {
  const labels = object.metadata.labels
  if (labels === undefined || !Object.hasOwn(labels, SHARD_KEY_LABEL)) return undefined
  return labels[SHARD_KEY_LABEL]
}
