// The parsed form of a Kubernetes Status answer, shared by the error builders and the Secret masking.

/** A cause of a Status, as the API sends it. */
export interface StatusCause {
  readonly type: string
  readonly message: string
  readonly field: string
}

/** What an error answer says, parsed leniently. */
export interface ParsedStatus {
  readonly httpStatus: number
  readonly reason: string
  readonly message: string
  readonly causes: readonly StatusCause[]
}
