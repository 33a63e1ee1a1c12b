// Everything after the ref advertisement: the pack request, indexing, the object store and cache,
// the artifact and its checkout. fetchSource loads this module only when a pack is needed.
import { isGitOpsError, systemClock } from '@gitops-sdk/core/light'
import { GitSourceError } from '../errors.js'
import { formatRevision } from '../revision.js'
import type { GitTransport, PackRequest, RemoteRefs, TransportContext } from '../transport.js'
import type { Artifact, FetchSourceOptions } from '../types.js'
import { buildArtifact } from './buildArtifact.js'
import { CacheCorruptError, openCache, removeCache, writePack, writeState, writeStateFile } from './cache.js'
import type { OpenedCache } from './cache.js'
import { describeFailure } from './failure.js'
import { parseTag } from './gitObjects.js'
import { CorruptPackError, indexPack, PackTooLargeError } from './indexPack.js'
import { createObjectStore, ObjectReadError } from './objectStore.js'
import type { ObjectStore } from './objectStore.js'
import { checkoutIdentity, requestFingerprint } from './requestFingerprint.js'
import type { ResolvedRef } from './resolveRef.js'
import type { TrustedKeys } from './signature/verifySignatures.js'

const defaultMaxSize = 500 * 1024 * 1024
// `git fetch --unshallow` asks for this depth.
const infiniteDepth = 0x7fffffff

/** What a fetch of a resolved ref works with. */
export interface FetchRun {
  readonly url: string
  readonly options: FetchSourceOptions
  readonly signal: AbortSignal
  readonly transport: GitTransport
  readonly refs: RemoteRefs
  readonly context: TransportContext
  readonly cacheDir: string | undefined
  /** The trusted keys of `options.verify`, parsed. */
  readonly keys: TrustedKeys | undefined
}

interface FetchContext extends FetchRun {
  /** Whether the cache was just rebuilt: damage found now is in the received pack, not the cache. */
  readonly fresh: boolean
}

/**
 * Fetches the pack for `resolved` (into the cache, when there is one) and builds the artifact. A
 * damaged cache is logged, removed and rebuilt once.
 */
export async function fetchArtifact(resolved: ResolvedRef, run: FetchRun): Promise<Artifact> {
  const { url, cacheDir } = run
  try {
    return await fetchResolved(resolved, { ...run, fresh: false })
  } catch (err) {
    if (cacheDir === undefined || !(err instanceof CacheCorruptError)) throw err
    run.options.logger?.warn('the cache is damaged; rebuilding it', { url, reason: err.message })
    await removeCache(cacheDir)
    return fetchResolved(resolved, { ...run, fresh: true })
  }
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
    // Signatures before anything is built: a refused revision writes no state and no checkout.
    let verified
    if (options.verify !== undefined && run.keys !== undefined) {
      const { verifySignatures } = await import('./signature/verifySignatures.js')
      const date = (options.clock ?? systemClock).now()
      verified = await verifySignatures({ url, resolved, commit, store, verify: options.verify, keys: run.keys, date })
      options.logger?.debug('verified signatures', { url, verified: verified.map((v) => `${v.object} ${v.id} by ${v.fingerprint}`) })
    }
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
    const state = { version: 1, url, revision, commit, ref: resolved.fullRef, fingerprint: requestFingerprint(options) } as const
    if (cacheDir !== undefined) await writeState(cacheDir, state, shallows)
    // Checkout last: the cache is already good whatever happens to the target directory. Until the
    // checkout is recorded, the state answers no request with this `dir`.
    if (options.dir !== undefined) {
      signal.throwIfAborted()
      await built.checkout(options.dir, options.onProgress)
      if (cacheDir !== undefined) await writeStateFile(cacheDir, { ...state, checkout: await checkoutIdentity(options.dir) })
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
      warnings: built.warnings,
      ...(verified === undefined ? {} : { verified }),
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
      // No object may be larger than the whole artifact may be; refused from its header.
      maxObjectBytes: options.maxSize ?? defaultMaxSize,
      signal,
      onProgress: (phase, loaded, total) => options.onProgress?.({ phase, loaded, total }),
    })
  } catch (err) {
    if (err instanceof PackTooLargeError) {
      throw new GitSourceError({
        code: 'GIT_SIZE_LIMIT_EXCEEDED',
        message: `${url}: the received pack is too large: ${err.message}`,
        details: { url, size: err.size, limit: err.limit },
        cause: err,
      })
    }
    if (err instanceof CorruptPackError) {
      throw new GitSourceError({ code: 'GIT_CORRUPT_PACK', message: `${url}: the received pack is corrupt: ${err.message}`, details: { url }, cause: err })
    }
    throw describeFailure(err, { url, signal }, 'receiving the pack')
  }
  options.logger?.debug('received a pack', { url, objects: indexed.count, bytes: indexed.pack.byteLength })
  for (const oid of response.shallows) shallows.add(oid)
  for (const oid of response.unshallows) shallows.delete(oid)
  if (indexed.count > 0) {
    store.add({
      pack: indexed.pack,
      idx: indexed.index,
      verify: false,
      objectAt: (offset) => indexed.objectAt(offset),
      blobDigestAt: (bytes, at) => indexed.blobDigestAt(bytes, at),
    })
    if (run.cacheDir !== undefined) await writePack(run.cacheDir, indexed.pack, indexed.idx)
  }
}

