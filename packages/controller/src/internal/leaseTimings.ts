/** Flux's leader election defaults (`--leader-election-lease-duration` etc.), in ms. */
export const FLUX_LEADER_ELECTION = {
  /** How long a lease holds without renewal before others may take it, in milliseconds. */
  leaseDuration: 35_000,
  /** How long the leader keeps trying to renew before it gives up leading, in milliseconds. */
  renewDeadline: 30_000,
  /** How often candidates try to acquire or renew, in milliseconds. */
  retryPeriod: 5_000,
} as const

/** client-go's jitter factor for Lease rounds: a wait is `retryPeriod` times 1 to 1.2. */
export const LEASE_JITTER = 1.2

/** The three durations of a Lease user, in ms. */
export interface LeaseTimings {
  /** How long a Lease holds without a change seen before others count it lapsed. */
  readonly leaseDuration: number
  /** How long after its last successful round a holder keeps working before it gives up. */
  readonly renewDeadline: number
  /** The time between rounds (acquire, renew, list), before jitter. */
  readonly retryPeriod: number
}

/**
 * Fills the durations a leader elector or a hash-sharding member was given with Flux's defaults and
 * checks that they can be safe: `leaseDuration > renewDeadline > 1.2 · retryPeriod`, `retryPeriod`
 * positive, `leaseDuration` whole seconds (the Lease stores seconds).
 * @throws a `TypeError` naming `caller` when they are not.
 */
export function leaseTimings(caller: string, options: { readonly [K in keyof LeaseTimings]?: number | undefined }): LeaseTimings {
  const leaseDuration = options.leaseDuration ?? FLUX_LEADER_ELECTION.leaseDuration
  const renewDeadline = options.renewDeadline ?? FLUX_LEADER_ELECTION.renewDeadline
  const retryPeriod = options.retryPeriod ?? FLUX_LEADER_ELECTION.retryPeriod
  if (!(leaseDuration > renewDeadline)) throw new TypeError(`${caller}: leaseDuration must be greater than renewDeadline`)
  if (!(renewDeadline > LEASE_JITTER * retryPeriod) || !(retryPeriod > 0)) throw new TypeError(`${caller}: renewDeadline must be greater than 1.2 × retryPeriod, and retryPeriod positive`)
  if (leaseDuration % 1000 !== 0) throw new TypeError(`${caller}: leaseDuration must be whole seconds (the Lease stores seconds)`)
  return { leaseDuration, renewDeadline, retryPeriod }
}
