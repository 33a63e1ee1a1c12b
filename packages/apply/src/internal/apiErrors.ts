// Turns an API answer that is not 2xx into an ApplyError with a code callers can branch on. The
// immutable-field detection follows kubectl and Flux (fluxcd/pkg ssa/errors/immutable.go): an
// Invalid answer whose message or causes say the field is immutable or may not change.
import { isKubeMap, oneLine } from '@gitops-sdk/core'
import type { ApplyErrorCode } from '../errors.js'
import { ApplyError } from '../errors.js'
import type { ParsedStatus } from './parsedStatus.js'
import { maskStatus } from './secretErrors.js'
import { shownServer } from './transport.js'
import type { SecretMask } from './secretErrors.js'

/** Parses a Status body (JSON text), tolerating any other body. */
export function parseStatus(httpStatus: number, text: string): ParsedStatus {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (!isKubeMap(body)) return { httpStatus, reason: '', message: text.trim().split('\n')[0] ?? '', causes: [] }
  const details = isKubeMap(body.details) ? body.details : {}
  const causes = Array.isArray(details.causes) ? details.causes : []
  return {
    httpStatus,
    reason: typeof body.reason === 'string' ? body.reason : '',
    message: typeof body.message === 'string' ? body.message : '',
    causes: causes.filter(isKubeMap).map((c) => ({
      type: typeof c.reason === 'string' ? c.reason : typeof c.type === 'string' ? c.type : '',
      message: typeof c.message === 'string' ? c.message : '',
      field: typeof c.field === 'string' ? c.field : '',
    })),
  }
}

const IMMUTABLE = [/is immutable/i, /immutable field/i, /may not change once set/i]

const UPDATES_TO = 'updates to '
const OTHER_THAN = ' spec for fields other than '
const FORBIDDEN = ' are forbidden'
/** Where a run of `[\w ]` ends. */
const NOT_WORD_OR_SPACE = /[^\w ]/g
/** What `.` does not match. */
const LINE_BREAK = /[\n\r\u2028\u2029]/g

/**
 * Whether `text` has what `/updates to [\w ]+ spec for fields other than .* are forbidden/i` finds
 * (a StatefulSet's answer), in one pass: that pattern read the run of words after each
 * `updates to ` to its end (a long run repeating the phrase took seconds). Both phrases are words
 * and spaces, so they must fall in one run of them, the second at least one character after the
 * first; the first of each phrase in a run is the best choice, and `.*` needs a
 * ` are forbidden` after them before the next line break.
 */
function isSpecUpdateForbidden(text: string): boolean {
  // `/i` without `u` folds ASCII letters only.
  const lower = text.replace(/[A-Z]+/g, (s) => s.toLowerCase())
  let other = -1
  let forbidden = -1
  let lineBreak = -1
  let at = lower.indexOf(UPDATES_TO)
  while (at >= 0) {
    NOT_WORD_OR_SPACE.lastIndex = at
    const runEnd = NOT_WORD_OR_SPACE.exec(lower)?.index ?? lower.length
    if (other < at + UPDATES_TO.length + 1) other = lower.indexOf(OTHER_THAN, at + UPDATES_TO.length + 1)
    if (other < 0) return false
    if (other < runEnd) {
      const after = other + OTHER_THAN.length
      if (forbidden < after) forbidden = lower.indexOf(FORBIDDEN, after)
      if (forbidden < 0) return false
      if (lineBreak < after) {
        LINE_BREAK.lastIndex = after
        lineBreak = LINE_BREAK.exec(lower)?.index ?? lower.length
      }
      if (forbidden < lineBreak) return true
    }
    at = lower.indexOf(UPDATES_TO, runEnd)
  }
  return false
}

/** Whether a message says a field cannot change. */
function saysImmutable(text: string): boolean {
  return IMMUTABLE.some((re) => re.test(text)) || isSpecUpdateForbidden(text)
}

/** Tells whether an Invalid answer is about a field that cannot change. */
function isImmutable(status: ParsedStatus): boolean {
  if (status.httpStatus !== 422 && status.reason !== 'Invalid') return false
  const texts = [status.message, ...status.causes.map((c) => c.message)]
  return texts.some(saysImmutable)
}

function codeOf(status: ParsedStatus): ApplyErrorCode {
  if (status.httpStatus === 409 && status.causes.some((c) => c.type === 'FieldManagerConflict')) return 'APPLY_FIELD_CONFLICT'
  if (isImmutable(status)) return 'APPLY_IMMUTABLE_FIELD'
  switch (status.httpStatus) {
    case 400:
    case 422:
      return 'APPLY_INVALID'
    case 401:
      return 'APPLY_UNAUTHORIZED'
    case 403:
      return 'APPLY_FORBIDDEN'
    case 404:
      return 'APPLY_NOT_FOUND'
    default:
      return 'APPLY_API_ERROR'
  }
}

/** Field paths as the API names them: `.spec.replicas` for conflicts, `spec.selector` for Invalid. */
function fieldsOf(status: ParsedStatus, code: ApplyErrorCode): string[] {
  const relevant =
    code === 'APPLY_IMMUTABLE_FIELD'
      ? status.causes.filter((c) => saysImmutable(c.message))
      : status.causes
  return [...new Set(relevant.map((c) => c.field).filter((f) => f !== ''))]
}

/** Managers named in conflict causes: `conflict with "hpa" using autoscaling/v2`. */
function managersOf(status: ParsedStatus): string[] {
  const names = status.causes.flatMap((c) => {
    const match = /conflict with "([^"]+)"/.exec(c.message)
    return match?.[1] === undefined ? [] : [match[1]]
  })
  return [...new Set(names)]
}

/**
 * The ApplyError for an error answer. `subject` is the object (`Deployment/apps/web`) or the URL
 * path the request was for; `action` says what was tried (`apply`, `dry-run apply`, `list`, …);
 * `secret`, for an answer about a Secret, hides its values in the message and causes.
 */
export function errorFromStatus(answer: ParsedStatus, where: { readonly subject: string; readonly action: string; readonly secret?: SecretMask | undefined }): ApplyError {
  const status = where.secret === undefined ? answer : maskStatus(answer, where.secret)
  const code = codeOf(status)
  const fields = fieldsOf(status, code)
  const managers = code === 'APPLY_FIELD_CONFLICT' ? managersOf(status) : []
  const reason = status.reason === '' ? String(status.httpStatus) : status.reason
  let detail = status.message === '' ? `HTTP ${status.httpStatus}` : status.message
  if (code === 'APPLY_FIELD_CONFLICT') {
    const pairs = status.causes.map((c) => `${c.field} (${managersOf({ ...status, causes: [c] }).join(', ') || 'another manager'})`)
    detail = `field${pairs.length === 1 ? '' : 's'} owned by another manager: ${pairs.join(', ')}`
  } else if (code === 'APPLY_IMMUTABLE_FIELD') {
    detail = `immutable field${fields.length === 1 ? '' : 's'} changed: ${fields.join(', ') || status.message}`
  }
  return new ApplyError({
    code,
    message: `${where.subject}: ${where.action} failed (${reason}): ${oneLine(detail)}`,
    details: { httpStatus: status.httpStatus, reason: status.reason, fields, managers, causes: status.causes.map((c) => ({ ...c })) },
  })
}

/** The ApplyError for a request that got no answer; `more` joins its details (e.g. the connect deadline that ended it). */
export function unreachable(where: { readonly subject: string; readonly action: string; readonly server: string }, cause: unknown, more: Readonly<Record<string, unknown>> = {}): ApplyError {
  const raw = cause instanceof Error ? cause.message : String(cause)
  // client-node's fetch names the URL as the kubeconfig has it, user and password included: such a
  // cause is replaced by one that says the same without them (toJSON and logs show the cause).
  const why = shownServer(raw)
  return new ApplyError({
    code: 'APPLY_UNREACHABLE',
    message: `${where.subject}: ${where.action} failed: ${where.server} did not answer (${oneLine(why)})`,
    details: { ...more, server: where.server },
    cause: why === raw ? cause : withoutUserinfo(cause, why),
  })
}

/** An error like `cause` (name, code) with `message`, and no link to the original. */
function withoutUserinfo(cause: unknown, message: string): Error {
  const error = new Error(message)
  if (cause instanceof Error) error.name = cause.name
  const code = (cause as { code?: unknown } | null)?.code
  if (typeof code === 'string') Object.assign(error, { code })
  return error
}

/**
 * kube-apiserver's whole answer (a 422, reason Invalid, no causes) to a JSON patch one of whose
 * operations does not apply, a failed `test` included: it names neither the operation nor the path.
 */
const PATCH_NOT_APPLIED = 'the server rejected our request due to an error in our request'

/**
 * Whether `err` is the API server's answer to a JSON patch whose operations did not apply to the
 * object as it now is: kube's generic 422 above, or a server's Invalid answer naming `path` (the
 * path of the patch's `test`).
 */
export function isPatchNotApplied(err: unknown, path: string): boolean {
  if (!(err instanceof ApplyError) || err.code !== 'APPLY_INVALID') return false
  const details = err.details as { httpStatus?: unknown; reason?: unknown; causes?: unknown } | undefined
  const generic = details?.httpStatus === 422 && details.reason === 'Invalid' && Array.isArray(details.causes) && details.causes.length === 0 && err.message.endsWith(`: ${PATCH_NOT_APPLIED}`)
  return generic || err.message.includes(path)
}

