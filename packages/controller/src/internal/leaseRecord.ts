// The leader election record of a coordination.k8s.io/v1 Lease, as client-go's resourcelock reads
// and writes it (LeaseSpec ↔ LeaderElectionRecord).
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'

/** What a Lease says about its holder. */
export interface LeaseRecord {
  readonly holderIdentity: string
  readonly leaseDurationSeconds: number
  /** ms since the epoch, or undefined when absent. */
  readonly acquireTime: number | undefined
  readonly renewTime: number | undefined
  readonly leaseTransitions: number
}

/** The record of a Lease object's spec; missing fields read as empty. */
export function recordOf(lease: KubeObject): LeaseRecord {
  const spec = isKubeMap(lease.spec) ? lease.spec : {}
  const time = (value: unknown): number | undefined => {
    if (typeof value !== 'string') return undefined
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? undefined : ms
  }
  const int = (value: unknown): number => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0)
  return {
    holderIdentity: typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '',
    leaseDurationSeconds: int(spec.leaseDurationSeconds),
    acquireTime: time(spec.acquireTime),
    renewTime: time(spec.renewTime),
    leaseTransitions: int(spec.leaseTransitions),
  }
}

/** A Lease spec for a record, times as Kubernetes MicroTime (`2026-01-01T00:00:00.000000Z`). */
export function specOf(record: LeaseRecord): Record<string, unknown> {
  const micro = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'))
  const spec: Record<string, unknown> = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
  }
  const acquire = micro(record.acquireTime)
  const renew = micro(record.renewTime)
  if (acquire !== undefined) spec.acquireTime = acquire
  if (renew !== undefined) spec.renewTime = renew
  return spec
}

/** Whether two records are the same (client-go compares the raw record bytes). */
export function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  )
}
