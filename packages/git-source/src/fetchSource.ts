// The entry point. It imports only what the no-change check needs (the ref advertisement and
// ref resolution); the pack, object store, artifact and cache code is loaded when a pack is, the
// cache's state file reader when a cache is asked for.
import { deadline as boundBy } from '@gitops-sdk/core/light'
import { GitSourceError } from './errors.js'
import { scrubbable, scrubbingLogger, scrubError } from './internal/redact.js'
import { parseRemoteUrl } from './internal/remoteUrl.js'
import type { RemoteUrl } from './internal/remoteUrl.js'
import { resolveRef, validateRef } from './internal/resolveRef.js'
import { formatRevision, parseRevision } from './revision.js'
import { createHttpTransport } from './transport.js'
import type { TransportContext } from './transport.js'
import type { FetchResult, FetchSourceOptions } from './types.js'

const defaultTimeout = 60_000
const verifyModes: readonly string[] = ['HEAD', 'head', 'Tag', 'TagAndHEAD']

// Flux verifies a tag only when the ref names one; asking for it otherwise is a mistake in the options.
function checkVerifyRef(url: string, options: FetchSourceOptions): void {
  const mode = options.verify?.mode
  if (mode !== 'Tag' && mode !== 'TagAndHEAD') return
  const ref = options.ref ?? {}
  const tagRef = ref.commit === undefined && (ref.name !== undefined ? ref.name.startsWith('refs/tags/') : ref.semver !== undefined || ref.tag !== undefined)
  if (!tagRef) {
    throw new GitSourceError({
      code: 'GIT_INVALID_OPTION',
      message: `${url}: verify mode ${mode} needs a tag reference (ref.tag, ref.semver or a ref.name under refs/tags/)`,
      details: { url, mode },
    })
  }
}

function checkOptions(url: unknown, options: FetchSourceOptions): void {
  if (typeof url !== 'string' || url === '') throw new TypeError('fetchSource: url must be a non-empty string')
  const { depth, timeout, maxSize } = options
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 0)) throw new TypeError('fetchSource: depth must be an integer >= 0')
  if (timeout !== undefined && !(timeout > 0)) throw new TypeError('fetchSource: timeout must be a positive number of milliseconds')
  if (maxSize !== undefined && !(maxSize > 0)) throw new TypeError('fetchSource: maxSize must be a positive number of bytes')
  const { verify } = options
  if (verify !== undefined) {
    if (!Array.isArray(verify.keys)) throw new TypeError('fetchSource: verify.keys must be an array of keys')
    if (verify.mode !== undefined && !verifyModes.includes(verify.mode)) throw new TypeError(`fetchSource: verify.mode must be one of ${verifyModes.join(', ')}`)
  }
  for (const include of options.include ?? []) {
    if (typeof include.toPath !== 'string') throw new TypeError('fetchSource: include[].toPath must be a string')
  }
}

/**
 * Fetches `url` at a branch, tag, semver range, commit or ref (default: the remote's default
 * branch) into an artifact: its Flux revision, a content digest, and its files as a `FileSystem`
 * read straight from the git objects, checked out to `dir` when asked. Shallow (depth 1) by default;
 * with `cacheDir`, later fetches are incremental. With `lastRevision`, or a cache whose last fetch
 * was this same request (same ref selection, ignore rules, includes and checkout `dir`, still in
 * place), an unchanged remote costs one ref listing and yields `{ unchanged: true }`.
 *
 * @throws `GIT_UNREACHABLE`, `GIT_AUTH_FAILED`, `GIT_REPOSITORY_NOT_FOUND`, `GIT_REF_NOT_FOUND`,
 * `GIT_NO_SEMVER_MATCH`, `GIT_EMPTY_REPOSITORY`, `GIT_TIMEOUT`, `GIT_CORRUPT_PACK`,
 * `GIT_PROTOCOL_ERROR`, `GIT_TLS_ERROR`, `GIT_UNSUPPORTED_TRANSPORT`, `GIT_UNSAFE_PATH`,
 * `GIT_SIZE_LIMIT_EXCEEDED`, `GIT_INVALID_OPTION`, and over SSH `GIT_HOST_KEY_UNKNOWN`,
 * `GIT_HOST_KEY_CHANGED`; with `verify`, `GIT_SIGNATURE_MISSING`, `GIT_SIGNATURE_INVALID`,
 * `GIT_SIGNATURE_MALFORMED`; rejects with `signal.reason` when aborted.
 *
 * @example
 * ```ts
 * const result = await fetchSource('https://github.com/acme/fleet.git', {
 *   ref: { semver: '>=1.0.0 <2.0.0' },
 *   auth: { token: process.env.GIT_TOKEN },
 *   lastRevision: previous?.revision,
 *   signal: AbortSignal.timeout(120_000),
 * })
 * if (!result.unchanged) console.log(result.revision, result.digest, await result.fs.readdir(''))
 * ```
 */
export async function fetchSource(url: string, options: FetchSourceOptions = {}): Promise<FetchResult> {
  checkOptions(url, options)
  const remote = parseRemoteUrl(url, options.transport !== undefined)
  const ref = options.ref ?? {}
  await validateRef(remote.url, ref)
  checkVerifyRef(remote.url, options)
  const timeout = options.timeout ?? defaultTimeout
  const { signal, timeout: deadline } = boundBy(options.signal, timeout)
  options.signal?.throwIfAborted()
  const auth = options.auth ?? remote.auth
  const secrets = scrubbable([...remote.secrets, auth?.password, auth?.token, options.auth?.password, options.auth?.token])
  const logger = options.logger === undefined ? undefined : scrubbingLogger(options.logger, secrets)
  try {
    return await run(remote, { ...options, auth, logger }, signal)
  } catch (err) {
    if (options.signal?.aborted === true) throw options.signal.reason
    if (deadline.aborted) {
      throw new GitSourceError({
        code: 'GIT_TIMEOUT',
        message: `${remote.url}: no result within ${timeout} ms`,
        details: { url: remote.url, timeout },
      })
    }
    throw scrubError(err, secrets)
  }
}

async function run(remote: RemoteUrl, options: FetchSourceOptions, signal: AbortSignal): Promise<FetchResult> {
  const { url } = remote
  const { logger } = options
  const ref = options.ref ?? {}
  // The cache's code (and node:crypto, which it hashes with) loads only for a fetch with a cache:
  // without one, nothing before the first request needs it.
  const cacheRoot = options.cacheDir
  const cacheState = cacheRoot === undefined ? undefined : await import('./internal/cacheState.js')
  const cacheDir = cacheState === undefined || cacheRoot === undefined ? undefined : cacheState.cacheDirFor(cacheRoot, url)
  // An explicit lastRevision is the caller's word; the cache's only counts for the same request.
  const lastRevision = options.lastRevision ?? (cacheState === undefined || cacheDir === undefined ? undefined : await cacheState.rememberedRevision(cacheDir, url, options))
  const last = lastRevision === undefined || options.force === true ? undefined : parseRevision(lastRevision)
  // A commit never moves: when it is the one we have, there is nothing to ask the remote.
  if (ref.commit !== undefined && last?.commit === ref.commit && last.name === ref.branch) {
    return { unchanged: true, revision: formatRevision(last), commit: ref.commit, ref: ref.branch === undefined ? undefined : `refs/heads/${ref.branch}` }
  }
  // With no revision to compare with, a pack follows the ref listing (unless the ref is missing):
  // the pack code loads while the remote answers, rather than after.
  const packCode = last === undefined ? import('./internal/fetchArtifact.js') : undefined
  packCode?.catch(() => undefined)
  // Keys are read before any request: a key that does not parse fails the fetch up front.
  const keys = options.verify === undefined ? undefined : await (await import('./internal/signature/verifySignatures.js')).readTrustedKeys(url, options.verify)
  const transport = options.transport ?? createHttpTransport({ ca: options.ca })
  // requestUrl only when it differs (a query with values), so a transport that wraps another and
  // rewrites `url` keeps working.
  const context: TransportContext = { url, ...(remote.requestUrl === url ? {} : { requestUrl: remote.requestUrl }), auth: options.auth, signal }
  options.onProgress?.({ phase: 'refs', loaded: 0, total: undefined })
  const refs = await transport.listRefs(context)
  const resolved = await resolveRef(url, ref, refs)
  logger?.debug('listed refs', { url, refs: refs.refs.size, ref: resolved.fullRef ?? resolved.want })
  // A tag without a peeled entry is lightweight: the advertised id is the commit itself. Comparing
  // the id with the last commit is sound whatever the tag is, since ids name content: an annotated
  // tag object's id is never a commit's.
  const tip = resolved.commit ?? resolved.want
  if (last !== undefined && last.commit === tip && last.name === resolved.name) {
    return { unchanged: true, revision: formatRevision(last), commit: tip, ref: resolved.fullRef }
  }
  const { fetchArtifact } = await (packCode ?? import('./internal/fetchArtifact.js'))
  return fetchArtifact(resolved, { url, options, signal, transport, refs, context, cacheDir, keys })
}

