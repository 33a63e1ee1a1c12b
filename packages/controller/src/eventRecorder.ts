import { systemClock } from '@gitops-sdk/core'
import type { Clock, KubeObject } from '@gitops-sdk/core'
import type { ControllerClient } from './controllerClient.js'
import { apiVersionOf, EVENT_RESOURCE } from './types.js'
import { isGitOpsError } from '@gitops-sdk/core'
import { EventCorrelator } from './internal/eventCorrelator.js'

/** An Event to record about an object. */
export interface EventInit {
  /** `Normal` or `Warning`. */
  readonly type: 'Normal' | 'Warning'
  /** A CamelCase reason, such as one of `FluxReason`. */
  readonly reason: string
  /** What happened, for humans; never secret values. Cut to 1024 characters as kube-apiserver requires. */
  readonly message: string
  /** Annotations of the Event (Flux puts the revision there). */
  readonly annotations?: Readonly<Record<string, string>> | undefined
}

/** What happened to one recorded Event. */
export type RecordOutcome = 'created' | 'updated' | 'dropped' | 'failed'

/** Options of {@link createEventRecorder}. */
export interface EventRecorderOptions {
  /** The client that writes Events. */
  readonly client: ControllerClient
  /** The component in `source.component` and `reportingComponent` (Flux: `kustomize-controller`). */
  readonly component: string
  /** This replica, in `source.host` and `reportingInstance`. @defaultValue '' */
  readonly instance?: string | undefined
  /** Clock of timestamps and of the rate limit. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Events one object may get at once before the rate limit applies (client-go: 25). @defaultValue 25 */
  readonly burst?: number | undefined
  /** After the burst, one Event per this many ms per object (client-go: 5 min). @defaultValue 300,000 */
  readonly refillInterval?: number | undefined
  /** Told about Events that could not be written. */
  readonly onError?: ((error: unknown) => void) | undefined
}

/** Records Events, aggregated as client-go's recorder does. */
export interface EventRecorder {
  /** Records an Event about `object`; never throws, resolves with what happened. */
  record(object: KubeObject, event: EventInit, options?: { readonly signal?: AbortSignal | undefined }): Promise<RecordOutcome>
}

/**
 * Creates an Event recorder writing core/v1 Events with client-go's correlation (`tools/record`):
 * an Event equal to an earlier one (same object, type, reason, message, source) is not written
 * again but counted: `count`, `lastTimestamp` and `series` are patched on the existing Event.
 * More than 10 similar Events (same object, type and reason, other messages) in 10 minutes are
 * combined into one whose message says so. Each object gets at most `burst` Events at once, then
 * one per `refillInterval`; the rest are dropped, as client-go's spam filter does.
 *
 * @example
 * ```ts
 * const recorder = createEventRecorder({ client, component: 'my-controller' })
 * await recorder.record(kustomization, { type: 'Normal', reason: FluxReason.ReconciliationSucceeded, message: 'Applied revision: main@sha1:…' })
 * ```
 */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  if (typeof options !== 'object' || typeof options.client !== 'object') throw new TypeError('createEventRecorder: options.client is required')
  if (typeof options.component !== 'string' || options.component === '') throw new TypeError('createEventRecorder: component must not be empty')
  const clock = options.clock ?? systemClock
  const instance = options.instance ?? ''
  const correlator = new EventCorrelator({ clock, burst: options.burst ?? 25, refillInterval: options.refillInterval ?? 300_000 })
  const report = (error: unknown): void => {
    try {
      options.onError?.(error)
    } catch {
      // Recording an Event never fails its caller.
    }
  }
  return {
    async record(object, init, recordOptions = {}) {
      const signal = recordOptions.signal
      const now = clock.now()
      const involved = {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
        ...(typeof object.metadata.uid === 'string' ? { uid: object.metadata.uid } : {}),
        ...(typeof object.metadata.resourceVersion === 'string' ? { resourceVersion: object.metadata.resourceVersion } : {}),
      }
      const namespace = object.metadata.namespace === undefined || object.metadata.namespace === '' ? 'default' : object.metadata.namespace
      const message = init.message.length > 1024 ? `${init.message.slice(0, 1021)}...` : init.message
      const decision = correlator.correlate({ source: `${options.component}|${instance}`, object: involved, type: init.type, reason: init.reason, message })
      if (decision.action === 'drop') return 'dropped'
      const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z')
      const micro = now.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
      try {
        if (decision.action === 'update') {
          try {
            await options.client.patch(
              EVENT_RESOURCE,
              { namespace, name: decision.name },
              { patch: { type: 'merge', body: { count: decision.count, lastTimestamp: time, message: decision.message, series: { count: decision.count, lastObservedTime: micro } } }, signal },
            )
            return 'updated'
          } catch (error) {
            // The Event expired or was deleted: write it anew, as client-go does.
            if (!isGitOpsError(error, 'CONTROLLER_NOT_FOUND')) throw error
            correlator.forget(decision.key)
            const again = correlator.correlate({ source: `${options.component}|${instance}`, object: involved, type: init.type, reason: init.reason, message })
            if (again.action !== 'create') return 'dropped'
            decision.name = again.name
            decision.message = again.message
          }
        }
        await options.client.create(
          EVENT_RESOURCE,
          {
            apiVersion: apiVersionOf(EVENT_RESOURCE),
            kind: 'Event',
            metadata: { name: decision.name, namespace, ...(init.annotations === undefined ? {} : { annotations: { ...init.annotations } }) },
            involvedObject: involved,
            type: init.type,
            reason: init.reason,
            message: decision.message,
            count: 1,
            firstTimestamp: time,
            lastTimestamp: time,
            source: { component: options.component, ...(instance === '' ? {} : { host: instance }) },
            reportingComponent: options.component,
            reportingInstance: instance,
          },
          { signal },
        )
        return 'created'
      } catch (error) {
        if (signal?.aborted === true) return 'failed'
        report(error)
        return 'failed'
      }
    },
  }
}
