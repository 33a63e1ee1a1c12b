// What every verb does around its requests: a deadline of its own merged with the caller's signal,
// an abort rethrown untouched, the deadline turned into OCI_TIMEOUT, and the credentials the call
// was given scrubbed from whatever error escapes.
import { isGitOpsError } from '@gitops-sdk/core/light'
import { OciSourceError } from '../errors.js'
import type { RegistryOptions } from '../types.js'
import type { OciUrl } from './ociUrl.js'

const defaultTimeout = 60_000

function scrub(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('xxxxx')
  return out
}

/** Runs `body` under the call's deadline and signal. */
export async function withDeadline<T>(url: OciUrl, options: RegistryOptions, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timeout = options.timeout ?? defaultTimeout
  if (!(timeout > 0)) throw new TypeError('timeout must be a positive number of milliseconds')
  options.signal?.throwIfAborted()
  const deadline = AbortSignal.timeout(timeout)
  const signal = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline])
  try {
    return await body(signal)
  } catch (err) {
    if (options.signal?.aborted === true) throw options.signal.reason
    if (deadline.aborted) {
      throw new OciSourceError({ code: 'OCI_TIMEOUT', message: `${url.display}: no result within ${timeout} ms`, details: { url: url.display, timeout } })
    }
    const secrets = [options.auth?.password, options.auth?.token].filter((s): s is string => s !== undefined)
    if (isGitOpsError(err) && secrets.some((s) => err.message.includes(s))) {
      throw new OciSourceError({ code: err.code as OciSourceError['code'], message: scrub(err.message, secrets), details: { url: url.display } })
    }
    throw err
  }
}
