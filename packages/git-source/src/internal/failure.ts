// Turns what the network, isomorphic-git and the wire code throw into GitSourceErrors whose message
// starts with the URL (already without credentials) and never carries a header or a secret.
import { isGitOpsError } from '@gitops-sdk/core/light'
import { GitSourceError } from '../errors.js'
import type { GitErrorCode } from '../errors.js'
import { HttpStatusError, NotSmartHttpError } from './discoverRefs.js'
import { PktLineError } from './pktLine.js'
import { RemoteError, WireError } from './uploadPack.js'

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED'])
const tls = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/** The phase of the ref advertisement, for {@link describeFailure}. */
export const listingRefs = 'listing refs'

interface Subject {
  readonly url: string
  readonly signal: AbortSignal
}

interface Failure {
  readonly text: string
  readonly cause?: unknown
  readonly details?: Record<string, unknown>
}

function make(code: GitErrorCode, subject: Subject, failure: Failure): GitSourceError {
  const { text, cause, details } = failure
  return new GitSourceError({ code, message: `${subject.url}: ${text}`, details: { url: subject.url, ...details }, cause })
}

/** The status of an HTTP error: ours (the advertisement) or isomorphic-git's (the pack request). */
function httpStatusOf(err: unknown): { status: number; statusText: string } | undefined {
  if (err instanceof HttpStatusError) return { status: err.status, statusText: err.statusText }
  const e = err as { code?: unknown; data?: { statusCode?: number; statusMessage?: string } }
  if (e.code !== 'HttpError') return undefined
  return { status: e.data?.statusCode ?? 0, statusText: e.data?.statusMessage ?? '' }
}

/**
 * Classifies a failure while `phase` (e.g. `listing refs`). An abort is rethrown as the signal's
 * reason; a GitSourceError passes through.
 */
export function describeFailure(err: unknown, subject: Subject, phase: string): unknown {
  if (subject.signal.aborted) return subject.signal.reason
  if (isGitOpsError(err)) return err
  const e = err as { code?: unknown; message?: unknown }
  const code = typeof e.code === 'string' ? e.code : undefined
  const message = typeof e.message === 'string' ? (e.message.split('\n')[0] ?? '') : String(err)
  const http = httpStatusOf(err)
  if (http !== undefined) {
    const { status } = http
    const reason = `HTTP ${status}${http.statusText === '' ? '' : ` ${http.statusText}`}`
    if (status === 401 || status === 403) {
      return make('GIT_AUTH_FAILED', subject, { text: `authentication failed while ${phase} (${reason}); check the credentials`, details: { status } })
    }
    if (status === 404) return make('GIT_REPOSITORY_NOT_FOUND', subject, { text: `repository not found (${reason})`, details: { status } })
    if (status === 408 || status === 502 || status === 503 || status === 504) {
      return make('GIT_UNREACHABLE', subject, { text: `server unavailable while ${phase} (${reason})`, details: { status } })
    }
    return make('GIT_PROTOCOL_ERROR', subject, { text: `unexpected ${reason} while ${phase}`, details: { status } })
  }
  if (err instanceof NotSmartHttpError) {
    return make('GIT_PROTOCOL_ERROR', subject, { text: `not a smart git HTTP server while ${phase} (${err.message})` })
  }
  if (code !== undefined && tls.has(code)) {
    return make('GIT_TLS_ERROR', subject, { text: `TLS certificate not trusted (${code}); pass the CA bundle as \`ca\``, cause: err, details: { reason: code } })
  }
  if ((code !== undefined && unreachable.has(code)) || message === 'aborted' || message === 'socket hang up') {
    return make('GIT_UNREACHABLE', subject, { text: `connection failed while ${phase} (${code ?? message})`, cause: err, details: { reason: code ?? message } })
  }
  if (err instanceof RemoteError) {
    // An error in the advertisement is about the repository (access, existence), never a ref.
    if (phase !== listingRefs && /not our ref|unadvertised object|want .* not valid|not found/i.test(err.message)) {
      return make('GIT_REF_NOT_FOUND', subject, { text: `the server refused the object: ${err.message}`, cause: err })
    }
    return make('GIT_PROTOCOL_ERROR', subject, { text: `the server reported an error while ${phase}: ${err.message}`, cause: err })
  }
  if (err instanceof WireError || err instanceof PktLineError) {
    return make('GIT_PROTOCOL_ERROR', subject, { text: `bad response while ${phase}: ${err.message}`, cause: err })
  }
  return make('GIT_PROTOCOL_ERROR', subject, { text: `failed while ${phase}: ${message}`, cause: err })
}
