// Loaders shared by several sub-commands: the cluster connection, the objects of DIR|FILE|-, the age
// identities. The flags that steer them are parsed in ../flags.ts.
// node:fs/promises is reached through fs.promises, when first used: loading it costs every start of
// the gitops command (its bundle runs this module's imports at start) a few milliseconds.
import { promises as fsp } from 'node:fs'
import { resolve } from 'node:path'
import type { ApiRequestEvent, KubeClient } from '@gitops-sdk/apply'
import type { KubeObject } from '@gitops-sdk/core'
import type { AgeIdentity, KeyProvider } from '@gitops-sdk/secrets'
import { debug, debugging } from '../context.js'
import type { CliIO } from '../context.js'
import { UsageError } from '../errors.js'
import { impersonationFlags, kubeconfigPath, secretFrom, stringFlag, stringListFlag } from '../flags.js'
import type { FlagValues } from '../flags.js'

/**
 * Settles as `work` does, or rejects with the signal's reason as soon as it aborts: node's
 * readFile looks at its signal only between reads, and an open() of a pipe nobody writes to
 * never returns, so without this an interrupted command would wait for it forever.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/**
 * The age identities of `--age-key-file F` (repeatable), then those of sops' environment sources
 * (`SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, `SOPS_AGE_SSH_PRIVATE_KEY_FILE`, the default keys.txt).
 */
export async function loadAgeIdentities(io: CliIO, files: readonly string[], signal: AbortSignal): Promise<AgeIdentity[]> {
  const { loadIdentitiesFromEnv, parseIdentities } = await import('@gitops-sdk/secrets')
  const identities: AgeIdentity[] = []
  for (const file of files) {
    debug(io, 'reading age identities', { file })
    const text = await fsp.readFile(resolve(io.cwd ?? process.cwd(), file), { encoding: 'utf8', signal }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      throw new UsageError(`${file}: no such file (--age-key-file)`, { code: 'CLI_FILE_NOT_FOUND', details: { path: file } })
    })
    identities.push(...(await parseIdentities(text, { source: file, signal })))
  }
  const home = io.env.HOME
  identities.push(...(await loadIdentitiesFromEnv({ env: io.env, homeDir: home === undefined || home === '' ? undefined : home, signal })))
  return identities
}

/**
 * Connects to the cluster of `--kubeconfig` (else `KUBECONFIG`, else `~/.kube/config`) and
 * `--context`, as `--as`/`--as-group` when given.
 */
export async function connect(io: CliIO, values: FlagValues, signal: AbortSignal): Promise<KubeClient> {
  const impersonate = impersonationFlags(values)
  const { createKubeClient } = await import('@gitops-sdk/apply')
  const kubeconfig = kubeconfigPath(io, values)
  debug(io, 'loading kubeconfig', { kubeconfig, ...(stringFlag(values, 'context') === undefined ? {} : { context: stringFlag(values, 'context') }), ...(impersonate === undefined ? {} : { as: impersonate.user, asGroups: impersonate.groups }) })
  return createKubeClient({ kubeconfig, context: stringFlag(values, 'context'), impersonate, onRequest: logRequest(io), signal })
}

/** Logs each API request at debug level: verb, method, URL (never credentials) and status code. */
export function logRequest(io: CliIO): ((request: ApiRequestEvent) => void) | undefined {
  // Above debug the lines would be dropped: a first apply of 1,000 objects then builds no 2,000 URLs.
  if (!debugging(io)) return undefined
  return (r) => debug(io, 'api request', { verb: r.verb, method: r.method, url: r.url, code: r.code, dryRun: r.dryRun })
}

/**
 * Reads the objects of `DIR|FILE|-`: a directory is rendered like `kustomize build` (a kustomization
 * or a plain directory of manifests), a file or stdin parsed as YAML. FILE may be a pipe
 * (`<(kustomize build)`): the read follows the signal.
 */
export async function readObjects(io: CliIO, input: string, signal: AbortSignal): Promise<KubeObject[]> {
  const { parseObjects } = await import('@gitops-sdk/core')
  if (input === '-') {
    debug(io, 'reading objects from stdin')
    let text = ''
    const decoder = new TextDecoder()
    for await (const chunk of io.stdin ?? process.stdin) {
      signal.throwIfAborted()
      text += typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true })
    }
    return parseObjects(text + decoder.decode(), { source: 'stdin' })
  }
  const path = resolve(io.cwd ?? process.cwd(), input)
  const info = await fsp.stat(path).catch(() => undefined)
  if (info === undefined) throw new UsageError(`${input}: no such file or directory`, { code: 'CLI_FILE_NOT_FOUND', details: { path: input } })
  debug(io, info.isDirectory() ? 'rendering directory' : 'reading file', { path: input })
  if (!info.isDirectory()) return parseObjects(await abortable(fsp.readFile(path, { encoding: 'utf8', signal }), signal), { source: input })
  const { renderDirectory } = await import('../renderDirectory.js')
  const objects = await renderDirectory(path, { plainDirectories: true, signal, onRead: debugging(io) ? (file) => debug(io, 'reading file', { path: file }) : undefined }, io.cwd)
  debug(io, 'rendered', { path: input, objects: objects.length })
  return objects
}

/**
 * The pgp key provider of `--pgp-key-file F` (repeatable): armored OpenPGP keys, private ones
 * (`gpg --export-secret-keys --armor`) to open `sops.pgp` entries, public ones (`gpg --export
 * --armor`) to encrypt for; a passphrase-protected private key is unlocked with the value of the
 * environment variable `--pgp-passphrase-env` names. Undefined without any file.
 */
export async function loadPgpProvider(io: CliIO, values: FlagValues, signal: AbortSignal): Promise<KeyProvider | undefined> {
  const files = stringListFlag(values, 'pgp-key-file')
  const passphraseEnv = stringFlag(values, 'pgp-passphrase-env')
  if (files.length === 0) {
    if (passphraseEnv !== undefined) throw new UsageError('--pgp-passphrase-env needs --pgp-key-file', { code: 'CLI_ARGUMENT_MISSING', details: { flag: '--pgp-key-file' } })
    return undefined
  }
  const passphrase = secretFrom(io, '--pgp-passphrase-env', passphraseEnv)
  const privateKeys: string[] = []
  const publicKeys: string[] = []
  for (const file of files) {
    debug(io, 'reading pgp keys', { file })
    const text = await abortable(fsp.readFile(resolve(io.cwd ?? process.cwd(), file), { encoding: 'utf8', signal }), signal).catch((err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'EISDIR') throw err
      throw new UsageError(`${file}: no such file (--pgp-key-file)`, { code: 'CLI_FILE_NOT_FOUND', details: { path: file } })
    })
    if (text.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) privateKeys.push(text)
    else if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) publicKeys.push(text)
    else throw new UsageError(`${file}: holds no armored OpenPGP key block (--pgp-key-file takes gpg --export[-secret-keys] --armor output)`, { code: 'CLI_FLAG_INVALID', details: { flag: '--pgp-key-file', path: file } })
  }
  const { createPgpKeyProvider } = await import('@gitops-sdk/secrets')
  return createPgpKeyProvider({ privateKeys, publicKeys, passphrase })
}
