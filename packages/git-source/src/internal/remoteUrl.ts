// Splits a repository URL into a credential-free URL and the credentials it carried, and refuses
// transports we have no implementation of.
import { GitSourceError } from '../errors.js'
import type { GitAuth } from '../types.js'

/** A repository URL without credentials, and what it carried. */
export interface RemoteUrl {
  readonly url: string
  readonly scheme: 'http' | 'https' | 'other'
  readonly auth: GitAuth | undefined
}

const scpLike = /^(?:[^@/:]+@)?[^/:]+:(?!\/\/)/

/** Parses `input`; other schemes are accepted only when a transport is given. */
export function parseRemoteUrl(input: string, customTransport: boolean): RemoteUrl {
  if (scpLike.test(input) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    if (customTransport) return { url: input, scheme: 'other', auth: undefined }
    throw unsupported(input, 'ssh')
  }
  let parsed: URL
  try {
    parsed = new URL(input)
  } catch {
    throw new GitSourceError({ code: 'GIT_INVALID_OPTION', message: `${redact(input)}: not a valid repository URL`, details: { url: redact(input) } })
  }
  const protocol = parsed.protocol.slice(0, -1)
  if (protocol !== 'http' && protocol !== 'https') {
    parsed.password = ''
    const shown = parsed.href.replace(/\/+$/, '')
    if (customTransport) return { url: shown, scheme: 'other', auth: undefined }
    throw unsupported(shown, protocol.includes('ssh') ? 'ssh' : protocol)
  }
  let auth: GitAuth | undefined
  if (parsed.username !== '' || parsed.password !== '') {
    auth = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
    parsed.username = ''
    parsed.password = ''
  }
  return { url: parsed.href.replace(/\/+$/, ''), scheme: protocol, auth }
}

function unsupported(url: string, scheme: string): GitSourceError {
  const why =
    scheme === 'ssh'
      ? 'SSH is not supported (isomorphic-git has no SSH transport); use the HTTPS URL with a token or password (auth), or pass an SSH implementation as `transport`'
      : `the ${scheme}:// transport is not supported; use an HTTPS URL, or pass a \`transport\``
  return new GitSourceError({ code: 'GIT_UNSUPPORTED_TRANSPORT', message: `${url}: ${why}`, details: { url, scheme } })
}

/** `input` with any password removed, for messages about a URL that did not parse. */
export function redact(input: string): string {
  return input.replace(/\/\/[^/@]*@/, '//')
}
