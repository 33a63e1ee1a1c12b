// The registry credential files helm reads when no credentials are given on the command line:
// helm's own (`--registry-config`, else $HELM_REGISTRY_CONFIG, else registry/config.json in helm's
// config home), then Docker's config as the fallback, as Helm v4.1.4's registry client chains
// them (oras-go's store with fallbacks: the first file holding an entry for the host wins).
import { join } from 'node:path'
import { CliError } from './errors.js'
import { runCredentialHelper } from './credentialHelper.js'
import { dockerConfigAuth } from './ociCharts.js'

/** Where a credential file came from, for messages. */
export interface RegistryConfigFile {
  /** Its path. */
  readonly path: string
  /** What chose it: the flag or the environment variable, or helm's or Docker's default. */
  readonly from: string
}

/**
 * The credential files helm consults for a registry, in order: `flag` (`--registry-config`) or
 * `$HELM_REGISTRY_CONFIG` or `<config home>/registry/config.json` (`$HELM_CONFIG_HOME`, else
 * `$XDG_CONFIG_HOME/helm`, else `$HOME/.config/helm`, as helm's paths on Linux), then Docker's
 * `config.json` (`$DOCKER_CONFIG`, else `$HOME/.docker`). Paths that cannot be formed (no HOME)
 * are left out.
 */
export function helmRegistryConfigFiles(env: Readonly<Record<string, string | undefined>>, flag?: string): RegistryConfigFile[] {
  const set = (name: string): string | undefined => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined)
  const home = set('HOME')
  const files: RegistryConfigFile[] = []
  const helmHome = set('HELM_CONFIG_HOME') ?? (set('XDG_CONFIG_HOME') !== undefined ? join(set('XDG_CONFIG_HOME') ?? '', 'helm') : home !== undefined ? join(home, '.config', 'helm') : undefined)
  if (flag !== undefined) files.push({ path: flag, from: '--registry-config' })
  else if (set('HELM_REGISTRY_CONFIG') !== undefined) files.push({ path: set('HELM_REGISTRY_CONFIG') ?? '', from: '$HELM_REGISTRY_CONFIG' })
  else if (helmHome !== undefined) files.push({ path: join(helmHome, 'registry', 'config.json'), from: "helm's registry config" })
  const dockerDir = set('DOCKER_CONFIG') ?? (home !== undefined ? join(home, '.docker') : undefined)
  if (dockerDir !== undefined) files.push({ path: join(dockerDir, 'config.json'), from: "Docker's config" })
  return files
}

/** Credentials for one registry, as {@link registryConfigAuth} finds them. */
export interface RegistryConfigAuth {
  readonly username?: string | undefined
  readonly password?: string | undefined
  readonly token?: string | undefined
  /** An OAuth2 refresh token (`identitytoken`, or a helper's `<token>` answer) for the token realm. */
  readonly identityToken?: string | undefined
}

/** The credential helper a parsed config names for `host`: its credHelpers entry, else its credsStore. */
function helperFor(config: object, host: string): string | undefined {
  const own = (o: object, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, unknown>)[key] : undefined)
  const helpers = own(config, 'credHelpers')
  const named = typeof helpers === 'object' && helpers !== null ? own(helpers, host) : undefined
  if (typeof named === 'string' && named !== '') return named
  const store = own(config, 'credsStore')
  return typeof store === 'string' && store !== '' ? store : undefined
}

/**
 * The credentials helm would use for `host`: the entry of the first of `files` that holds one.
 * A missing file is skipped, as helm skips it; a file that is there but unreadable or not a docker
 * config fails, naming the file (never its content), as helm refuses to start its registry
 * client on it. A file naming a credential helper for the host (`credHelpers`, else `credsStore`)
 * asks `docker-credential-<name> get` instead of reading `auths`, as oras-go's dynamic store does;
 * a helper holding nothing for the host passes on to the next file.
 *
 * @throws `CLI_CONFIG_INVALID` (a file that is not JSON, or an `auth` that is not user:password),
 *   `CLI_CREDENTIAL_HELPER_FAILED` (a helper missing, failing, hanging or answering garbage)
 */
export async function registryConfigAuth(
  host: string,
  files: readonly RegistryConfigFile[],
  options: { readonly cwd: string; readonly signal?: AbortSignal | undefined; readonly env?: Readonly<Record<string, string | undefined>> | undefined; readonly helperTimeoutMs?: number | undefined },
): Promise<RegistryConfigAuth | undefined> {
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')])
  for (const file of files) {
    options.signal?.throwIfAborted()
    let text: string
    try {
      text = await fs.readFile(path.resolve(options.cwd, file.path), { encoding: 'utf8', signal: options.signal })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && file.from !== '--registry-config') continue
      if (options.signal?.aborted === true) throw options.signal.reason
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
      throw new CliError({
        code: missing ? 'CLI_FILE_NOT_FOUND' : 'CLI_CONFIG_INVALID',
        message: `${file.path} (${file.from}): ${missing ? 'no such file' : `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`}`,
        details: { path: file.path },
        cause: err,
      })
    }
    let found: RegistryConfigAuth | undefined
    let helper: string | undefined
    try {
      // As oras-go's config loader: the file is one JSON object, its auths (if any) an object.
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        throw new Error('not a JSON object')
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object')
      const auths = Object.prototype.hasOwnProperty.call(parsed, 'auths') ? (parsed as Record<string, unknown>).auths : undefined
      if (auths !== undefined && auths !== null && (typeof auths !== 'object' || Array.isArray(auths))) throw new Error('its auths is not an object')
      helper = helperFor(parsed, host)
      if (helper === undefined) found = dockerConfigAuth(text, host)
    } catch (err) {
      throw new CliError({ code: 'CLI_CONFIG_INVALID', message: `${file.path} (${file.from}): invalid registry config: ${(err as Error).message}`, details: { path: file.path, host } })
    }
    if (helper !== undefined) found = await runCredentialHelper(helper, host, { env: options.env ?? {}, signal: options.signal, timeoutMs: options.helperTimeoutMs })
    if (found !== undefined) return found
  }
  return undefined
}
