import { GitSourceError } from './errors.js'
import { parseConnectionAdvertisement } from './internal/discoverRefs.js'
import type { Advertisement } from './internal/discoverRefs.js'
import { describeFailure, listingRefs } from './internal/failure.js'
import { PktReader, FLUSH } from './internal/pktLine.js'
import { loadSsh2, openSshSession, parseSshUrl } from './internal/sshSession.js'
import type { SshCredentials, SshSession, SshTarget } from './internal/sshSession.js'
import type { ParsedKey } from 'ssh2'
import { decodeResponseV1, encodeRequestV1, requestCapabilitiesV1 } from './internal/uploadPack.js'
import type { GitTransport, PackResponse, TransportContext } from './transport.js'

/** Options of {@link createSshTransport}. */
export interface SshTransportOptions {
  /** The private key (OpenSSH or PEM format: ed25519, RSA or ECDSA), e.g. a deploy key. */
  readonly privateKey: string | Uint8Array
  /** The passphrase of an encrypted private key. */
  readonly passphrase?: string | undefined
  /**
   * The trusted host keys, in OpenSSH's known_hosts format (the file's text; hashed names and
   * `[host]:port` entries are understood). A host that is not listed, or whose key differs, is
   * refused: there is no trust on first use.
   */
  readonly knownHosts: string
  /** The user to log in as when the URL names none. @defaultValue `'git'` */
  readonly username?: string | undefined
  /** How long the connection and handshake may take, in milliseconds. @defaultValue 20000 */
  readonly readyTimeout?: number | undefined
}

/**
 * The SSH transport: runs `git-upload-pack` on the server over SSH (on the `ssh2` library, loaded
 * when the first connection is made) and speaks git's protocol v0/v1 to it. URLs are `ssh://`
 * (`ssh://git@host:2222/acme/fleet.git`) or scp-like (`git@host:acme/fleet.git`). Authentication is
 * by the given key only (no agent, no password); the server's host key must be in `knownHosts`.
 * Each call opens its own connection: one for the ref listing, one for the pack.
 *
 * @throws `GIT_HOST_KEY_UNKNOWN`, `GIT_HOST_KEY_CHANGED`, `GIT_AUTH_FAILED`, `GIT_UNREACHABLE`,
 * `GIT_REPOSITORY_NOT_FOUND`, `GIT_PROTOCOL_ERROR`, `GIT_INVALID_OPTION`, through `fetchSource`.
 *
 * @example
 * ```ts
 * const transport = createSshTransport({
 *   privateKey: await readFile('deploy_key'),
 *   knownHosts: await readFile('known_hosts', 'utf8'),
 * })
 * const artifact = await fetchSource('ssh://git@git.corp.example/acme/fleet.git', { transport })
 * ```
 */
export function createSshTransport(options: SshTransportOptions): GitTransport {
  if (typeof options.privateKey !== 'string' && !(options.privateKey instanceof Uint8Array)) {
    throw new TypeError('createSshTransport: privateKey must be a string or bytes')
  }
  if (typeof options.knownHosts !== 'string') throw new TypeError('createSshTransport: knownHosts must be the text of a known_hosts file')
  // Decrypting a key (bcrypt_pbkdf for OpenSSH keys) costs seconds in JavaScript: once per transport.
  let key: Promise<ParsedKey | Error> | undefined
  const credentials = async (context: TransportContext): Promise<SshCredentials> => {
    key ??= loadSsh2().then((ssh2) => {
      const parsed = ssh2.utils.parseKey(Buffer.from(options.privateKey), options.passphrase)
      return Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed
    })
    const parsed = await key
    if (parsed instanceof Error) {
      throw new GitSourceError({
        code: 'GIT_INVALID_OPTION',
        message: `${context.url}: the private key cannot be read (${parsed.message}); check the key and its passphrase`,
        details: { url: context.url },
      })
    }
    return { key: parsed, knownHosts: options.knownHosts, username: options.username, readyTimeout: options.readyTimeout ?? 20_000 }
  }
  const targetOf = (context: TransportContext): SshTarget => {
    const target = parseSshUrl(context.requestUrl ?? context.url)
    if (target === undefined) {
      throw new GitSourceError({
        code: 'GIT_UNSUPPORTED_TRANSPORT',
        message: `${context.url}: not an SSH URL; the SSH transport takes ssh://[user@]host[:port]/path or [user@]host:path`,
        details: { url: context.url, scheme: 'other' },
      })
    }
    return target
  }
  const start = async (context: TransportContext): Promise<{ session: SshSession; reader: PktReader; ad: Advertisement }> => {
    const target = targetOf(context)
    const session = await openSshSession(target, await credentials(context), context)
    const reader = new PktReader(session.body)
    try {
      return { session, reader, ad: await parseConnectionAdvertisement(reader) }
    } catch (err) {
      session.close()
      const stderr = session.stderr()
      if (/does not appear to be a git repository|not found|no such (file|repository)/i.test(stderr)) {
        throw new GitSourceError({
          code: 'GIT_REPOSITORY_NOT_FOUND',
          message: `${context.url}: repository not found (${stderr.split('\n')[0]?.trim() ?? ''})`,
          details: { url: context.url },
        })
      }
      throw describeFailure(err, context, listingRefs)
    }
  }
  return {
    async listRefs(context) {
      const { session, ad } = await start(context)
      // A flush tells upload-pack we want nothing; it then exits.
      session.write(FLUSH)
      session.close()
      return { refs: ad.refs, symrefs: ad.symrefs, capabilities: new Set(ad.capabilities) }
    },
    async fetchPack(request, context) {
      const { session, ad } = await start(context)
      try {
        const offered = ad.capabilities
        if (!request.advertised && !offered.has('allow-reachable-sha1-in-want') && !offered.has('allow-any-sha1-in-want')) {
          throw new GitSourceError({
            code: 'GIT_REF_NOT_FOUND',
            message: `${context.url}: the server allows fetching only advertised refs, not ${request.wants.join(', ')}`,
            details: { url: context.url, wants: request.wants },
          })
        }
        const req = offered.has('shallow') ? request : { ...request, depth: undefined, shallows: [] }
        // On a connection, upload-pack reads the wants, answers the shallow section, then reads the
        // haves and `done`: the same bytes as a stateless request, so they are sent at once.
        session.write(encodeRequestV1(req, requestCapabilitiesV1(offered, request.haves.length > 0)))
        const response = await decodeResponseV1(session.body, { shallowSection: req.depth !== undefined || req.shallows.length > 0 })
        return { ...response, pack: closing(response.pack, session) } satisfies PackResponse
      } catch (err) {
        session.close()
        throw describeFailure(err, context, 'reading the pack response')
      }
    },
  }
}

async function* closing(pack: AsyncIterable<Uint8Array>, session: SshSession): AsyncGenerator<Uint8Array> {
  try {
    yield* pack
  } finally {
    session.close()
  }
}
