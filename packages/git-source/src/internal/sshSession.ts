// One SSH connection running `git-upload-pack` on the server, on the ssh2 library: host key checked
// against known_hosts before anything is sent (unknown or changed keys are refused, never trusted
// on first use), public key authentication only (no agent, no password, no keyboard-interactive),
// and the channel's stdout read as one stream of pkt-lines across the advertisement and the pack.
import type * as Ssh2Module from 'ssh2'
import type { Client, ClientChannel, ConnectConfig, ParsedKey, PublicKeyAuthMethod, ServerHostKeyAlgorithm } from 'ssh2'
import { GitSourceError } from '../errors.js'
import { describeFailure } from './failure.js'
import type { HostKeyVerdict } from './knownHosts.js'

/** Where to connect and what to run: parsed from an `ssh://` or scp-like URL. */
export interface SshTarget {
  readonly host: string
  readonly port: number
  readonly username: string | undefined
  /** The repository path as git passes it to upload-pack (`/srv/fleet.git`, `acme/fleet.git`, `~/fleet.git`). */
  readonly path: string
}

/** The credentials and trust of a session. */
export interface SshCredentials {
  /** The private key, parsed (and decrypted) once per transport: decrypting costs seconds. */
  readonly key: ParsedKey
  readonly knownHosts: string
  readonly username: string | undefined
  readonly readyTimeout: number
}

/** A running upload-pack. */
export interface SshSession {
  /** The channel's stdout; iterating it never closes the channel, so it can be read in parts. */
  readonly body: AsyncIterable<Uint8Array>
  write(data: Uint8Array): void
  /** What upload-pack wrote on stderr so far (at most 4 KiB). */
  stderr(): string
  close(): void
}

type Ssh2 = typeof Ssh2Module

/**
 * Loads ssh2 when the first connection is made. It is CommonJS: from ESM its exports are on
 * `default` (Node finds only some as named exports), from CJS on the module itself.
 */
export async function loadSsh2(): Promise<Ssh2> {
  const mod = (await import('ssh2')) as Ssh2 & { default?: Ssh2 }
  return mod.default ?? mod
}

const scpLike = /^(?:([^@/:]+)@)?([^/:]+):(?!\/\/)(.*)$/

/** Parses an `ssh://` (or `git+ssh://`, `ssh+git://`) or scp-like URL; `undefined` when it is neither. */
export function parseSshUrl(input: string): SshTarget | undefined {
  const scp = scpLike.exec(input)
  if (scp !== null && !/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    return { host: scp[2] as string, port: 22, username: scp[1], path: scp[3] as string }
  }
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return undefined
  }
  if (!['ssh:', 'git+ssh:', 'ssh+git:'].includes(url.protocol)) return undefined
  const path = decodeURIComponent(url.pathname)
  // git reads ssh://host/~user/path as a path relative to that user's home.
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 22 : Number(url.port),
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    path: path.startsWith('/~') ? path.slice(1) : path,
  }
}

/** The path quoted for the remote shell, as git does (`'…'`, with `'` written as `'\''`). */
function shellQuote(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`
}

interface Subject {
  readonly url: string
  readonly signal: AbortSignal
}

function hostKeyError(subject: Subject, name: string, verdict: HostKeyVerdict): GitSourceError {
  if (verdict === 'unknown') {
    return new GitSourceError({
      code: 'GIT_HOST_KEY_UNKNOWN',
      message: `${subject.url}: the host key of ${name} is not in known_hosts; add it (ssh-keyscan, checked out of band) to trust the host`,
      details: { url: subject.url, host: name },
    })
  }
  return new GitSourceError({
    code: 'GIT_HOST_KEY_CHANGED',
    message: `${subject.url}: the host key of ${name} does not match known_hosts${verdict === 'revoked' ? ' (it is revoked)' : ''}; someone may be intercepting the connection, or the host key was replaced`,
    details: { url: subject.url, host: name },
  })
}

/**
 * Connects, checks the host key, authenticates with the key, and starts `git-upload-pack`.
 *
 * @throws `GIT_HOST_KEY_UNKNOWN`, `GIT_HOST_KEY_CHANGED`, `GIT_AUTH_FAILED`, `GIT_UNREACHABLE`,
 * or `signal.reason`
 */
export async function openSshSession(target: SshTarget, credentials: SshCredentials, subject: Subject): Promise<SshSession> {
  const { signal } = subject
  signal.throwIfAborted()
  const ssh2 = await loadSsh2()
  // known_hosts' reader (and node:crypto, for hashed host names) loads with the session, not with
  // the package: a fetch over HTTP never needs it.
  const { hostKeyAlgorithms, judgeHostKey, keysFor, knownHostsName } = await import('./knownHosts.js')
  const hostName = knownHostsName(target.host, target.port)
  const known = keysFor(credentials.knownHosts, hostName)
  const algorithms = hostKeyAlgorithms(known)
  let verdict: HostKeyVerdict | undefined
  const client: Client = new ssh2.Client()
  const onAbort = (): void => {
    client.destroy()
  }
  signal.addEventListener('abort', onAbort, { once: true })
  const close = (): void => {
    signal.removeEventListener('abort', onAbort)
    client.end()
  }
  const username = target.username ?? credentials.username ?? 'git'
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username,
    // The key only: no agent, no password, no keyboard-interactive.
    authHandler: [{ type: 'publickey', username, key: credentials.key } as PublicKeyAuthMethod],
    tryKeyboard: false,
    readyTimeout: credentials.readyTimeout,
    hostVerifier: (key: Buffer) => {
      verdict = judgeHostKey(known, key)
      return verdict === 'known'
    },
    ...(algorithms.length === 0 ? {} : { algorithms: { serverHostKey: algorithms as ServerHostKeyAlgorithm[] } }),
  }
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve)
      client.once('error', reject)
      client.once('close', () => reject(signal.aborted ? (signal.reason as Error) : new Error('the connection closed during the handshake')))
      client.connect(config)
    })
  } catch (err) {
    close()
    client.destroy()
    if (signal.aborted) throw signal.reason
    if (verdict !== undefined && verdict !== 'known') throw hostKeyError(subject, hostName, verdict)
    if (verdict === undefined && known.length === 0 && (err as { level?: string }).level === 'handshake') throw hostKeyError(subject, hostName, 'unknown')
    if ((err as { level?: string }).level === 'client-authentication') {
      throw new GitSourceError({
        code: 'GIT_AUTH_FAILED',
        message: `${subject.url}: the server refused the key for user ${JSON.stringify(config.username)}; check the deploy key`,
        details: { url: subject.url },
      })
    }
    if ((err as { level?: string }).level === 'client-timeout') {
      throw new GitSourceError({ code: 'GIT_UNREACHABLE', message: `${subject.url}: the SSH handshake timed out`, details: { url: subject.url } })
    }
    throw describeFailure(err, subject, 'connecting')
  }
  let channel: ClientChannel
  try {
    channel = await new Promise<ClientChannel>((resolve, reject) => {
      client.exec(`git-upload-pack ${shellQuote(target.path)}`, (err, stream) => (err === undefined ? resolve(stream) : reject(err)))
    })
  } catch (err) {
    close()
    throw describeFailure(err, subject, 'starting git-upload-pack')
  }
  let stderr = ''
  channel.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr = (stderr + chunk.toString('utf8')).slice(0, 4096)
  })
  const chunks = channel[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>
  return {
    body: { [Symbol.asyncIterator]: () => ({ next: () => chunks.next() }) },
    write: (data) => {
      channel.write(data)
    },
    stderr: () => stderr,
    close,
  }
}
