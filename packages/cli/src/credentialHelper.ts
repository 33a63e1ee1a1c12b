// Docker credential helpers as oras-go (Helm's registry client) runs them: `docker-credential-<name>
// get` with the registry host on stdin, a JSON answer of ServerURL, Username and Secret; the
// Username `<token>` marks an identity (refresh) token. Bounded in time and output; the helper's
// output never reaches a message, as it may hold the secret.
import { spawn } from 'node:child_process'
import { CliError } from './errors.js'

/** What a credential helper answered for a host. */
export interface HelperCredential {
  readonly username?: string | undefined
  readonly password?: string | undefined
  /** An OAuth2 refresh token for the registry's token realm (Username `<token>`). */
  readonly identityToken?: string | undefined
}

/** Options of {@link runCredentialHelper}. */
export interface CredentialHelperOptions {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly signal?: AbortSignal | undefined
  /** @defaultValue 30000 */
  readonly timeoutMs?: number | undefined
  /** @defaultValue 65536 */
  readonly maxBytes?: number | undefined
}

// docker-credential-helpers' message for a host it holds nothing for: an empty credential, not an error.
const notFound = 'credentials not found in native keychain'

/**
 * Runs `docker-credential-<helper> get` for `host`; `undefined` when the helper holds nothing for
 * it. A helper name with a path separator or `..` is refused, so a config cannot point elsewhere.
 *
 * @throws `CLI_CREDENTIAL_HELPER_FAILED` (missing, exit status, timeout, output too large or not
 *   the JSON a helper answers), naming the helper and the host only
 */
export function runCredentialHelper(helper: string, host: string, options: CredentialHelperOptions): Promise<HelperCredential | undefined> {
  const program = `docker-credential-${helper}`
  const failure = (why: string, cause?: unknown): CliError =>
    new CliError({ code: 'CLI_CREDENTIAL_HELPER_FAILED', message: `${program} (credential helper for ${host}): ${why}`, details: { helper, host }, cause })
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(helper) || helper.includes('..')) return Promise.reject(failure('not a helper name'))
  options.signal?.throwIfAborted()
  const timeoutMs = options.timeoutMs ?? 30_000
  const maxBytes = options.maxBytes ?? 64 * 1024
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'ignore'] })
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const finish = (err: Error | undefined, value?: HelperCredential): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      if (err !== undefined) reject(err)
      else resolve(value)
    }
    const onAbort = (): void => {
      const reason: unknown = options.signal?.reason
      finish(reason instanceof Error ? reason : new Error(String(reason)))
    }
    const timer = setTimeout(() => finish(failure(`no answer within ${timeoutMs} ms (killed)`)), timeoutMs)
    options.signal?.addEventListener('abort', onAbort, { once: true })
    child.on('error', (err: NodeJS.ErrnoException) => finish(failure(err.code === 'ENOENT' ? 'not found on PATH' : `cannot be run: ${err.code ?? 'error'}`, err.code === 'ENOENT' ? undefined : err)))
    child.stdin.on('error', () => undefined)
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) finish(failure(`answered more than ${maxBytes} bytes`))
      else chunks.push(chunk)
    })
    child.on('close', (code) => {
      const out = Buffer.concat(chunks).toString('utf8')
      if (code !== 0) {
        if (out.trim() === notFound) finish(undefined, undefined)
        else finish(failure(`exited with status ${code ?? 'killed'}`))
        return
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(out)
      } catch {
        finish(failure('answered something that is not JSON'))
        return
      }
      const username = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).Username : undefined
      const secret = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).Secret : undefined
      if ((username !== undefined && typeof username !== 'string') || (secret !== undefined && typeof secret !== 'string') || Array.isArray(parsed)) {
        finish(failure('answered JSON without a string Username and Secret'))
        return
      }
      if (username === '<token>') finish(undefined, { identityToken: secret })
      else finish(undefined, { username, password: secret })
    })
    child.stdin.end(host)
  })
}
