import { isGitOpsError, systemClock } from '@gitops-sdk/core'
import { GitSourceError } from './errors.js'
import { buildArtifact } from './internal/buildArtifact.js'
import { cacheDirFor, CacheCorruptError, openCache, readCacheState, removeCache, writePack, writeState } from './internal/cache.js'
import type { OpenedCache } from './internal/cache.js'
import { describeFailure } from './internal/failure.js'
import { parseTag } from './internal/gitObjects.js'
import { CorruptPackError, indexPack } from './internal/indexPack.js'
import { createObjectStore, ObjectReadError } from './internal/objectStore.js'
import type { ObjectStore } from './internal/objectStore.js'
import { readIdx } from './internal/packIdx.js'
import { parseRemoteUrl } from './internal/remoteUrl.js'
import { resolveRef, validateRef } from './internal/resolveRef.js'
import type { ResolvedRef } from './internal/resolveRef.js'
import { formatRevision, parseRevision } from './revision.js'
import { createHttpTransport } from './transport.js'
import type { GitTransport, PackRequest, RemoteRefs, TransportContext } from './transport.js'
import type { Artifact, FetchResult, FetchSourceOptions } from './types.js'

const defaultTimeout = 60_000
const defaultMaxSize = 500 * 1024 * 1024
// `git fetch --unshallow` asks for this depth.
const infiniteDepth = 0x7fffffff

function checkOptions(url: unknown, options: FetchSourceOptions): void {
  if (typeof url !== 'string' || url === '') throw new TypeError('fetchSource: url must be a non-empty string')
  const { depth, timeout, maxSize } = options
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 0)) throw new TypeError('fetchSource: depth must be an integer >= 0')
  if (timeout !== undefined && !(timeout > 0)) throw new TypeError('fetchSource: timeout must be a positive number of milliseconds')
  if (maxSize !== undefined && !(maxSize > 0)) throw new TypeError('fetchSource: maxSize must be a positive number of bytes')
  for (const include of options.include ?? []) {
    if (typeof include.toPath !== 'string') throw new TypeError('fetchSource: include[].toPath must be a string')
  }
}

/**
 * Fetches `url` at a branch, tag, semver range, commit or ref (default: the remote's default
 * branch) into an artifact: its Flux revision, a content digest, and its files as a `FileSystem`
 * read straight from the git objects, checked out to `dir` when asked. Shallow (depth 1) by default;
 * with `cacheDir`, later fetches are incremental. With `lastRevision` (or a cache that remembers
 * one), an unchanged remote costs one ref listing and yields `{ unchanged: true }`.
 *
 * @throws `GIT_UNREACHABLE`, `GIT_AUTH_FAILED`, `GIT_REPOSITORY_NOT_FOUND`, `GIT_REF_NOT_FOUND`,
 * `GIT_NO_SEMVER_MATCH`, `GIT_EMPTY_REPOSITORY`, `GIT_TIMEOUT`, `GIT_CORRUPT_PACK`,
 * `GIT_PROTOCOL_ERROR`, `GIT_TLS_ERROR`, `GIT_UNSUPPORTED_TRANSPORT`, `GIT_UNSAFE_PATH`,
 * `GIT_SIZE_LIMIT_EXCEEDED`, `GIT_INVALID_OPTION`; rejects with `signal.reason` when aborted.
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
  validateRef(remote.url, ref)
  const timeout = options.timeout ?? defaultTimeout
  const deadline = AbortSignal.timeout(timeout)
  const signal = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline])
  options.signal?.throwIfAborted()
  try {
    return await run(remote.url, { ...options, auth: options.auth ?? remote.auth }, signal)
  } catch (err) {
    if (options.signal?.aborted === true) throw options.signal.reason
    if (deadline.aborted) {
      throw new GitSourceError({
        code: 'GIT_TIMEOUT',
        message: `${remote.url}: no result within ${timeout} ms`,
        details: { url: remote.url, timeout },
      })
    }
    throw err
  }
}

async function run(url: string, options: FetchSourceOptions, signal: AbortSignal): Promise<FetchResult> {
  const { logger } = options
  const ref = options.ref ?? {}
  const cacheDir = options.cacheDir === undefined ? undefined : cacheDirFor(options.cacheDir, url)
  const lastRevision = options.lastRevision ?? (cacheDir === undefined ? undefined : (await readCacheState(cacheDir, url))?.revision)
  const last = lastRevision === undefined || options.force === true ? undefined : parseRevision(lastRevision)
  // A commit never moves: when it is the one we have, there is nothing to ask the remote.
  if (ref.commit !== undefined && last?.commit === ref.commit && last.name === ref.branch) {
    return { unchanged: true, revision: formatRevision(last), commit: ref.commit, ref: ref.branch === undefined ? undefined : `refs/heads/${ref.branch}` }
  }
  const transport = options.transport ?? createHttpTransport({ ca: options.ca })
  const context: TransportContext = { url, auth: options.auth, signal }
  options.onProgress?.({ phase: 'refs', loaded: 0, total: undefined })
  const refs = await transport.listRefs(context)
  const resolved = resolveRef(url, ref, refs)
  logger?.debug('listed refs', { url, refs: refs.refs.size, ref: resolved.fullRef ?? resolved.want })
  if (last !== undefined && resolved.commit !== undefined && last.commit === resolved.commit && last.name === resolved.name) {
    return { unchanged: true, revision: formatRevision(last), commit: resolved.commit, ref: resolved.fullRef }
  }
  try {
    return await fetchResolved(resolved, { url, options, signal, transport, refs, context, cacheDir, fresh: false })
  } catch (err) {
    if (cacheDir === undefined || !(err instanceof CacheCorruptError)) throw err
    logger?.warn('the cache is damaged; rebuilding it', { url, reason: err.message })
    await removeCache(cacheDir)
    return fetchResolved(resolved, { url, options, signal, transport, refs, context, cacheDir, fresh: true })
  }
}

interface FetchContext {
  readonly url: string
  readonly options: FetchSourceOptions
  readonly signal: AbortSignal
  readonly transport: GitTransport
  readonly refs: RemoteRefs
  readonly context: TransportContext
  readonly cacheDir: string | undefined
  readonly fresh: boolean
}

async function fetchResolved(resolved: ResolvedRef, run: FetchContext): Promise<Artifact> {
  const { url, options, signal, cacheDir } = run
  let cache: OpenedCache | undefined
  if (cacheDir !== undefined) {
    cache = await openCache(cacheDir, url)
    run.options.logger?.debug('opened the cache', { dir: cacheDir, packs: cache.packs, commit: cache.state?.commit })
  }
  const store = cache?.store ?? createObjectStore()
  const shallows = new Set(cache?.shallows ?? [])
  const depth = options.depth ?? 1
  try {
    if (!store.has(resolved.want)) {
      const haves = cache?.state !== undefined ? [cache.state.commit] : []
      const request: PackRequest = {
        wants: [resolved.want],
        haves,
        shallows: [...shallows],
        depth: depth === 0 ? (shallows.size > 0 ? infiniteDepth : undefined) : depth,
        advertised: resolved.advertised,
      }
      try {
        await receive(request, { store, shallows }, run)
      } catch (err) {
        if (resolved.advertised || !isGitOpsError(err, 'GIT_REF_NOT_FOUND')) throw err
        // The server serves advertised refs only: fetch the history that should hold the commit.
        const wants = resolved.branchRef !== undefined ? [run.refs.refs.get(resolved.branchRef) as string] : allTips(run.refs)
        run.options.logger?.debug('fetching full history to find a commit no ref points at', { url, commit: resolved.want })
        await receive({ wants, haves, shallows: [...shallows], depth: shallows.size > 0 ? infiniteDepth : undefined, advertised: true }, { store, shallows }, run)
        if (!store.has(resolved.want)) {
          const where = resolved.branchRef === undefined ? 'the history of any ref' : `the history of ${resolved.branchRef}`
          throw new GitSourceError({ code: 'GIT_REF_NOT_FOUND', message: `${url}: commit ${resolved.want} is not in ${where}`, details: { url, ref: resolved.want, closeMatches: [] } })
        }
      }
    }
    const commit = resolved.commit ?? peel(store, resolved.want, url)
    const built = await buildArtifact(commit, {
      url,
      store,
      include: options.include ?? [],
      ignore: options.ignore,
      maxSize: options.maxSize ?? defaultMaxSize,
      signal,
      logger: options.logger,
    })
    const revision = formatRevision({ name: resolved.name, commit })
    if (cacheDir !== undefined) await writeState(cacheDir, { version: 1, url, revision, commit, ref: resolved.fullRef }, shallows)
    // Checkout last: the cache is already good whatever happens to the target directory.
    if (options.dir !== undefined) {
      signal.throwIfAborted()
      await built.checkout(options.dir, options.onProgress)
    }
    return {
      unchanged: false,
      revision,
      digest: built.digest,
      path: options.dir,
      commit,
      ref: resolved.fullRef,
      fetchedAt: (options.clock ?? systemClock).now().toISOString(),
      files: built.files,
      size: built.size,
      fs: built.fs,
    }
  } catch (err) {
    if (err instanceof ObjectReadError) {
      if (cache !== undefined && !run.fresh) throw new CacheCorruptError(err.message)
      throw new GitSourceError({ code: 'GIT_CORRUPT_PACK', message: `${url}: ${err.message}`, details: { url }, cause: err })
    }
    throw err
  }
}

function allTips(refs: RemoteRefs): string[] {
  return [...new Set([...refs.refs].filter(([name]) => name.startsWith('refs/heads/') || name.startsWith('refs/tags/')).filter(([name]) => !name.endsWith('^{}')).map(([, oid]) => oid))]
}

function peel(store: ObjectStore, oid: string, url: string): string {
  let current = oid
  for (let hops = 0; hops < 10; hops++) {
    const object = store.read(current)
    if (object.type === 'commit') return current
    if (object.type !== 'tag') break
    current = parseTag(object.data).object
  }
  throw new GitSourceError({ code: 'GIT_REF_NOT_FOUND', message: `${url}: ${oid} does not lead to a commit`, details: { url, ref: oid, closeMatches: [] } })
}

interface Receiver {
  readonly store: ObjectStore
  readonly shallows: Set<string>
}

async function receive(request: PackRequest, into: Receiver, run: FetchContext): Promise<void> {
  const { store, shallows } = into
  const { url, signal, options } = run
  const response = await run.transport.fetchPack(request, run.context)
  let indexed
  try {
    indexed = await indexPack(response.pack, {
      external: (oid) => (store.has(oid) ? store.read(oid) : undefined),
      signal,
      onProgress: (phase, loaded, total) => options.onProgress?.({ phase, loaded, total }),
    })
  } catch (err) {
    if (err instanceof CorruptPackError) {
      throw new GitSourceError({ code: 'GIT_CORRUPT_PACK', message: `${url}: the received pack is corrupt: ${err.message}`, details: { url }, cause: err })
    }
    throw describeFailure(err, { url, signal }, 'receiving the pack')
  }
  options.logger?.debug('received a pack', { url, objects: indexed.count, bytes: indexed.pack.byteLength })
  for (const oid of response.shallows) shallows.add(oid)
  for (const oid of response.unshallows) shallows.delete(oid)
  if (indexed.count > 0) {
    store.add({ pack: indexed.pack, idx: readIdx(indexed.idx), verify: false, objectAt: (offset) => indexed.objectAt(offset) })
    if (run.cacheDir !== undefined) await writePack(run.cacheDir, indexed.pack, indexed.idx)
  }
}

