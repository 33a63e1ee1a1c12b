// The failures a test git server plays on demand (see gitServer.ts's failNext).

/**
 * A failure the server plays once, on the next matching request, to test error paths. Together they
 * cover what a git host or the network between does wrong: a server that never answers, a cut or
 * garbled ref advertisement, a pack that dies or arrives corrupt, redirects, and error statuses.
 */
export type GitServerFault =
  /**
   * Send the status line and headers, then `afterBytes` bytes of the body, then drop the connection
   * (a server that dies mid-answer: mid-advertisement or mid-pack).
   */
  | {
      /** Drop the connection mid-answer. */
      readonly type: 'disconnect'
      /** Body bytes sent before the drop. */
      readonly afterBytes: number
    }
  /** Send `afterBytes` bytes of the body and end the response cleanly: a truncated answer. */
  | {
      /** End the answer early, cleanly. */
      readonly type: 'truncate'
      /** Body bytes sent before the end. */
      readonly afterBytes: number
    }
  /** Accept the request and never answer (until {@link GitServer.stop}). */
  | {
      /** Never answer. */
      readonly type: 'stall'
    }
  /** Answer with this HTTP status, these headers and an empty body. */
  | {
      /** Answer a bare status. */
      readonly type: 'status'
      /** The HTTP status, e.g. 503. */
      readonly status: number
      /** Headers to send, e.g. `Retry-After`. */
      readonly headers?: Readonly<Record<string, string>> | undefined
    }
  /**
   * Answer 200 with git's content type for the service and this body instead of git's (by default a
   * few lines of text that are no pkt-lines).
   */
  | {
      /** Answer 200 with a body that is not git's. */
      readonly type: 'garbage'
      /** The body. @defaultValue a few lines of text */
      readonly body?: string | Uint8Array | undefined
    }
  /**
   * Let git answer, but flip every bit of the pack byte at offset `at` (counted in the pack itself,
   * inside the side-band packets; 20, inside the first object, unless set), so the pack arrives
   * complete but corrupt.
   */
  | {
      /** Corrupt one byte of the pack. */
      readonly type: 'corrupt-pack'
      /** The offset in the pack. @defaultValue 20 */
      readonly at?: number | undefined
    }
  /**
   * Redirect to `to` (a base URL, e.g. another test server's `url`) followed by the request's path
   * and query, with this status (302 unless set).
   */
  | {
      /** Redirect elsewhere. */
      readonly type: 'redirect'
      /** The base URL redirected to; the request's path and query follow. */
      readonly to: string
      /** The redirect status. @defaultValue 302 */
      readonly status?: 301 | 302 | 303 | 307 | 308 | undefined
    }

/** Which requests a fault applies to: the ref advertisement, the pack request, or either. */
export type GitServerFaultTarget = 'info-refs' | 'upload-pack' | 'any'
