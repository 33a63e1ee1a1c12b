// Charts from OCI registries for the cli: @gitops-sdk/helm's fetchOciChart (Helm's rules for tags,
// versions and media types) over @gitops-sdk/oci-source's registry client (auth flow, deadlines,
// body limits). The domain packages stay independent; this file composes them.
import type { FileSystem } from '@gitops-sdk/core'

/** Registry credentials as the cli gathers them (flags, a docker config, a Secret of the fleet). */
export interface RegistryCredentials {
  readonly username?: string | undefined
  readonly password?: string | undefined
  readonly token?: string | undefined
  /** An OAuth2 refresh token (a docker config's `identitytoken`) traded at the registry's token realm. */
  readonly identityToken?: string | undefined
  /** A docker `config.json` text (`auths` by registry host), used when the fields above are unset. */
  readonly dockerConfigJson?: string | undefined
}

/** The registry host of an `oci://host/path` reference. */
function hostOf(ref: string): string {
  const rest = ref.slice('oci://'.length)
  return rest.slice(0, rest.indexOf('/') < 0 ? rest.length : rest.indexOf('/'))
}

/**
 * The credentials a docker config (`config.json`, `.dockerconfigjson`) holds for `host`: `auth`
 * (base64 `user:password`), `username`/`password`, or `registrytoken`, as docker and helm read it.
 * Credential helpers are not run. Nothing of the file reaches a message.
 */
export function dockerConfigAuth(text: string, host: string): { username?: string | undefined; password?: string | undefined; token?: string | undefined; identityToken?: string | undefined } | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new Error(`the docker config for ${host} is not JSON`)
  }
  const auths = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).auths : undefined
  if (typeof auths !== 'object' || auths === null) return undefined
  const own = (key: string): unknown => (Object.prototype.hasOwnProperty.call(auths, key) ? (auths as Record<string, unknown>)[key] : undefined)
  const entry = own(host) ?? own(`https://${host}`) ?? own(`http://${host}`) ?? (host === 'docker.io' ? own('https://index.docker.io/v1/') : undefined)
  if (typeof entry !== 'object' || entry === null) return undefined
  const { auth, username, password, registrytoken, identitytoken } = entry as Record<string, unknown>
  if (typeof registrytoken === 'string' && registrytoken !== '') return { token: registrytoken }
  // An identity token is a refresh token for the registry's token realm; it wins over user:password there.
  if (typeof identitytoken === 'string' && identitytoken !== '') return { identityToken: identitytoken }
  if (typeof auth === 'string' && auth !== '') {
    const decoded = Buffer.from(auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) throw new Error(`the docker config entry for ${host} has an auth that is not user:password`)
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }
  if (typeof username === 'string' || typeof password === 'string') return { username: typeof username === 'string' ? username : undefined, password: typeof password === 'string' ? password : undefined }
  return undefined
}

/** Options of {@link fetchOciChartToFs}. */
export interface OciChartFetchOptions {
  /** An exact version or a semver range (`--version`). @defaultValue the reference's tag, else the highest stable version */
  readonly version?: string | undefined
  readonly credentials?: RegistryCredentials | undefined
  /** Speak plain HTTP to the registry (loopback hosts always are). */
  readonly insecure?: boolean | undefined
  readonly signal?: AbortSignal | undefined
}

/** The registry auth for `ref` (`oci://host/…`) from gathered credentials: the fields, else the docker config's entry for the host. */
export function ociAuthOf(ref: string, c: RegistryCredentials | undefined): { username?: string | undefined; password?: string | undefined; token?: string | undefined; identityToken?: string | undefined } | undefined {
  if (c?.username !== undefined || c?.password !== undefined || c?.token !== undefined || c?.identityToken !== undefined) return { username: c.username, password: c.password, token: c.token, identityToken: c.identityToken }
  return c?.dockerConfigJson !== undefined ? dockerConfigAuth(c.dockerConfigJson, hostOf(ref)) : undefined
}

/** Fetches the chart `ref` (`oci://host/path/chart[:tag|@digest]`) into memory: the file system and the chart's directory in it. */
export async function fetchOciChartToFs(ref: string, options: OciChartFetchOptions): Promise<{ readonly fs: FileSystem; readonly path: string; readonly version: string; readonly digest: string }> {
  const [{ memoryFs }, { fetchOciChart }, { openRepository }] = await Promise.all([import('@gitops-sdk/core'), import('@gitops-sdk/helm'), import('@gitops-sdk/oci-source')])
  const auth = ociAuthOf(ref, options.credentials)
  const fetched = await fetchOciChart(ref, {
    version: options.version,
    openRepository: (url) => openRepository(url, { auth, insecure: options.insecure, signal: options.signal }),
    signal: options.signal,
  })
  const files: Record<string, Uint8Array> = Object.create(null) as Record<string, Uint8Array>
  for (const [path, bytes] of fetched.files) files[`${fetched.name}/${path}`] = bytes
  return { fs: memoryFs(files), path: fetched.name, version: fetched.version, digest: fetched.digest }
}
