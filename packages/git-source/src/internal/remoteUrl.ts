// Splits a repository URL into the URL shown in messages, the URL requests go to, and the
// credentials it carried, and refuses transports we have no implementation of. Neither URL holds a
// password; the shown one also hides query values (`?access_token=…`), which the request needs.
import { trimCharRun } from '@gitops-sdk/core/light'
import { GitSourceError } from '../errors.js'
import type { GitAuth } from '../auth.js'

/** A repository URL without credentials, and what it carried. */
export interface RemoteUrl {
  /** For messages, details, logs and the cache: no userinfo (HTTP), no password, query values masked, no fragment. */
  readonly url: string
  /** For requests: no userinfo (HTTP) or password (other schemes), the query kept. */
  readonly requestUrl: string
  readonly scheme: 'http' | 'https' | 'other'
  readonly auth: GitAuth | undefined
  /** Every secret the URL carried (password, userinfo of HTTP URLs, query values), to scrub from any output. */
  readonly secrets: readonly string[]
}

/** What a masked query value is shown as, as Go's `url.URL.Redacted` shows a password. */
export const masked = 'xxxxx'

const scpLike = /^(?:[^@/:]+@)?[^/:]+:(?!\/\/)/

/** Parses `input`; other schemes are accepted only when a transport is given. */
export function parseRemoteUrl(input: string, customTransport: boolean): RemoteUrl {
  if (scpLike.test(input) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    if (customTransport) return { url: input, requestUrl: input, scheme: 'other', auth: undefined, secrets: [] }
    throw unsupported(input, 'ssh')
  }
  let parsed: URL
  try {
    parsed = new URL(input)
  } catch {
    throw new GitSourceError({ code: 'GIT_INVALID_OPTION', message: `${redact(input)}: not a valid repository URL`, details: { url: redact(input) } })
  }
  const secrets = querySecrets(parsed)
  const protocol = parsed.protocol.slice(0, -1)
  if (protocol !== 'http' && protocol !== 'https') {
    if (parsed.password !== '') secrets.push(parsed.password, decodeURIComponent(parsed.password))
    parsed.password = ''
    trimPath(parsed)
    const requestUrl = trimCharRun(parsed.href, '/', 'end')
    const shown = shownUrl(parsed)
    if (customTransport) return { url: shown, requestUrl, scheme: 'other', auth: undefined, secrets }
    throw unsupported(shown, protocol.includes('ssh') ? 'ssh' : protocol)
  }
  let auth: GitAuth | undefined
  if (parsed.username !== '' || parsed.password !== '') {
    auth = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
    // A token is often passed as the user name (https://TOKEN@host/…): both parts are secrets.
    for (const part of [parsed.username, parsed.password]) if (part !== '') secrets.push(part, decodeURIComponent(part))
    parsed.username = ''
    parsed.password = ''
  }
  parsed.hash = ''
  trimPath(parsed)
  return { url: shownUrl(parsed), requestUrl: trimCharRun(parsed.href, '/', 'end'), scheme: protocol, auth, secrets }
}

function trimPath(parsed: URL): void {
  if (parsed.pathname !== '/' && parsed.pathname.endsWith('/')) parsed.pathname = trimCharRun(parsed.pathname, '/', 'end')
}

function querySecrets(parsed: URL): string[] {
  const secrets: string[] = []
  for (const [, value] of parsed.searchParams) if (value !== '') secrets.push(value, encodeURIComponent(value))
  for (const part of parsed.search.slice(1).split('&')) {
    const value = part.slice(part.indexOf('=') + 1)
    if (part.includes('=') && value !== '') secrets.push(value)
  }
  return secrets
}

/** The URL with query values masked and no fragment. */
function shownUrl(parsed: URL): string {
  const copy = new URL(parsed.href)
  copy.hash = ''
  if (copy.search !== '') {
    copy.search = copy.search
      .slice(1)
      .split('&')
      .map((part) => (part.includes('=') ? `${part.slice(0, part.indexOf('='))}=${masked}` : part))
      .join('&')
  }
  return trimCharRun(copy.href, '/', 'end')
}

function unsupported(url: string, scheme: string): GitSourceError {
  const why =
    scheme === 'ssh'
      ? 'an SSH URL needs the SSH transport: pass `transport: createSshTransport({ privateKey, knownHosts })`, or use the HTTPS URL with a token or password (auth)'
      : `the ${scheme}:// transport is not supported; use an HTTPS URL, or pass a \`transport\``
  return new GitSourceError({ code: 'GIT_UNSUPPORTED_TRANSPORT', message: `${url}: ${why}`, details: { url, scheme } })
}

/** `input` with any userinfo and query removed, for messages about a URL that did not parse. */
export function redact(input: string): string {
  return withoutQuery(input.replace(/\/\/[^/@]*@/, '//'))
}

/**
 * `text.replace(/[?#].*$/, '')` in one pass: `.` stops at a line terminator and `$` is the end, so
 * the match starts at the first `?` or `#` after the last line terminator (the pattern retried from
 * each `?` or `#` before a line break: quadratic).
 */
export function withoutQuery(text: string): string {
  let from = 0
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i)
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) {
      from = i + 1
      break
    }
  }
  const q = text.indexOf('?', from)
  const h = text.indexOf('#', from)
  const at = q < 0 ? h : h < 0 ? q : Math.min(q, h)
  return at < 0 ? text : text.slice(0, at)
}
