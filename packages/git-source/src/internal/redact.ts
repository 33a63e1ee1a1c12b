// The last line of defence for credentials: whatever reaches an error, its details, its cause's
// message or a log line is scrubbed of every secret the caller gave (URL userinfo, query values,
// auth password and token). The first line is structural: messages are built from a URL that
// never held them.
import { isGitOpsError } from '@gitops-sdk/core/light'
import type { GitOpsError } from '@gitops-sdk/core/light'
import type { LogFields, Logger } from '@gitops-sdk/core/light'
import { GitSourceError } from '../errors.js'
import type { GitErrorCode } from '../errors.js'
import { masked } from './remoteUrl.js'

// Shorter values would blot out ordinary words of messages; structural redaction covers them.
const minLength = 4

/** The secrets worth scrubbing, longest first (so a secret containing another is replaced whole). */
export function scrubbable(secrets: readonly (string | undefined)[]): string[] {
  return [...new Set(secrets.filter((s): s is string => s !== undefined && s.length >= minLength))].sort((a, b) => b.length - a.length)
}

/** `text` with every secret replaced by `xxxxx`. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(masked)
  return out
}

function scrubValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrubText(value, secrets)
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    for (const key of Object.keys(value)) out[scrubText(key, secrets)] = scrubValue((value as Record<string, unknown>)[key], secrets)
    return out
  }
  return value
}

function carries(value: unknown, secrets: readonly string[]): boolean {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) as string | undefined) ?? ''
  return secrets.some((secret) => text.includes(secret))
}

/** `err` as it may be shown: a GitOpsError whose message, details and cause message hold no secret. */
export function scrubError(err: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0 || !isGitOpsError(err)) return err
  const cause = err.cause instanceof Error ? err.cause.message : undefined
  if (!carries(err.message, secrets) && !carries(err.details, secrets) && (cause === undefined || !carries(cause, secrets))) return err
  return new GitSourceError({
    code: err.code as GitErrorCode,
    message: scrubText(err.message, secrets),
    details: scrubValue(err.details, secrets) as GitOpsError['details'],
    cause: cause === undefined || !carries(cause, secrets) ? err.cause : new Error(scrubText(cause, secrets)),
  })
}

/** A logger that passes every line and field on scrubbed. */
export function scrubbingLogger(logger: Logger, secrets: readonly string[]): Logger {
  if (secrets.length === 0) return logger
  const wrap =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      logger[level](scrubText(message, secrets), fields === undefined ? undefined : (scrubValue(fields, secrets) as LogFields))
    }
  return { ...logger, debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') }
}
