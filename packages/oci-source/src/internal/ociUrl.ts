// `oci://host[:port]/repository[:tag|@digest]`, as Flux's OCIRepository `spec.url` and
// `flux push artifact` take it, with the rules of the distribution spec for names and tags.
import { OciSourceError } from '../errors.js'

/** A parsed OCI artifact URL. */
export interface OciUrl {
  /** `host[:port]`. */
  readonly host: string
  /** The repository path, e.g. `acme/fleet`. */
  readonly repository: string
  readonly tag: string | undefined
  readonly digest: string | undefined
  /** `oci://host/repository`, the subject of every message. */
  readonly display: string
}

const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const repositoryPattern = new RegExp(`^${component}(?:/${component})*$`)
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/
const digestPattern = /^sha256:[0-9a-f]{64}$/
const hostPattern = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/

function invalid(url: string, why: string): OciSourceError {
  // Userinfo never reaches a message: an URL holding one is shown without it.
  const shown = url.replace(/^(oci:\/\/)[^/@]*@/, '$1')
  return new OciSourceError({ code: 'OCI_INVALID_OPTION', message: `${shown}: ${why}`, details: { url: shown } })
}

/** Whether `tag` is a valid OCI tag. */
export function isValidTag(tag: string): boolean {
  return tagPattern.test(tag)
}

/** Whether `digest` is a `sha256:` digest. */
export function isValidDigest(digest: string): boolean {
  return digestPattern.test(digest)
}

/** Parses an `oci://` URL; anything else is `OCI_INVALID_OPTION`. */
export function parseOciUrl(url: string): OciUrl {
  if (!url.startsWith('oci://')) throw invalid(url, 'not an oci:// URL')
  const rest = url.slice('oci://'.length)
  const slash = rest.indexOf('/')
  if (slash <= 0) throw invalid(url, 'no repository after the host')
  const host = rest.slice(0, slash)
  if (host.includes('@')) throw invalid(url, 'credentials do not belong in the URL; pass auth')
  if (!hostPattern.test(host)) throw invalid(url, `${JSON.stringify(host)} is not a registry host`)
  let path = rest.slice(slash + 1)
  let digest: string | undefined
  const at = path.indexOf('@')
  if (at >= 0) {
    digest = path.slice(at + 1)
    path = path.slice(0, at)
    if (!isValidDigest(digest)) throw invalid(url, `${JSON.stringify(digest)} is not a sha256 digest`)
  }
  let tag: string | undefined
  const colon = path.lastIndexOf(':')
  if (colon >= 0 && !path.slice(colon).includes('/')) {
    tag = path.slice(colon + 1)
    path = path.slice(0, colon)
    if (!isValidTag(tag)) throw invalid(url, `${JSON.stringify(tag)} is not a valid tag`)
  }
  if (!repositoryPattern.test(path)) throw invalid(url, `${JSON.stringify(path)} is not a repository name (lower-case components separated by /)`)
  return { host, repository: path, tag, digest, display: `oci://${host}/${path}` }
}

/** The registry's base URL: plain HTTP for loopback hosts or when `insecure`, as go-containerregistry does. */
export function registryBase(host: string, insecure: boolean): string {
  const name = host.replace(/:\d+$/, '')
  const loopback = name === 'localhost' || name === '127.0.0.1' || name === '[::1]'
  return `${insecure || loopback ? 'http' : 'https'}://${host}`
}
