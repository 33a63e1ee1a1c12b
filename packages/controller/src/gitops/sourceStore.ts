// The artifacts of GitRepositories, held in memory and fetched once however many Kustomizations
// read them: concurrent requests for the same GitRepository share one fetch, as Kustomizations
// share source-controller's one artifact in Flux.
import { isKubeMap } from '@gitops-sdk/core'
import type { FileSystem, KubeObject } from '@gitops-sdk/core'
import { parseDuration } from '@gitops-sdk/flux'
import type { GitRepository } from '@gitops-sdk/flux'
import { fetchSource } from '@gitops-sdk/git-source'
import type { GitAuth } from '@gitops-sdk/git-source'
import type { ControllerClient } from '../controllerClient.js'
import { ControllerError } from '../errors.js'
import { SECRET_RESOURCE } from './resources.js'

/** A GitRepository's artifact as the controller holds it. */
export interface StoredArtifact {
  /** Flux's revision, `main@sha1:<commit>`. */
  readonly revision: string
  /** `sha256:<hex>` over the artifact's files. */
  readonly digest: string
  /** The commit id. */
  readonly commit: string
  /** Number and bytes of the files. */
  readonly files: number
  readonly size: number
  /** When this revision was first stored, RFC 3339. */
  readonly lastUpdateTime: string
  /** The files. */
  readonly fs: FileSystem
}

/** What one fetch of a GitRepository gave: a new artifact, or the stored one (no change). */
export interface SourceFetch {
  readonly artifact: StoredArtifact
  readonly changed: boolean
}

/** The shared artifacts of one controller. */
export interface SourceStore {
  /** The stored artifact of `namespace/name`, if any. */
  get(key: string): StoredArtifact | undefined
  /** Fetches (or confirms) the GitRepository's artifact; concurrent calls for one key share one fetch. */
  fetch(repository: GitRepository, signal: AbortSignal): Promise<SourceFetch>
  /** Forgets an artifact (its GitRepository was deleted). */
  forget(key: string): void
}

/** Creates the store; `client` reads the credentials Secrets of `spec.secretRef`. */
export function createSourceStore(options: { readonly client: ControllerClient; readonly cacheDir?: string | undefined; readonly now?: (() => Date) | undefined }): SourceStore {
  const artifacts = new Map<string, StoredArtifact>()
  const inFlight = new Map<string, Promise<SourceFetch>>()
  const now = options.now ?? ((): Date => new Date())
  const run = async (repository: GitRepository, key: string, signal: AbortSignal): Promise<SourceFetch> => {
    const spec = repository.spec
    const namespace = repository.metadata.namespace ?? 'default'
    const credentials = spec.secretRef === undefined ? undefined : await readCredentials(options.client, { namespace, name: spec.secretRef.name }, signal)
    const previous = artifacts.get(key)
    const result = await fetchSource(spec.url, {
      ref: spec.ref,
      auth: credentials?.auth,
      ca: credentials?.ca,
      ignore: spec.ignore,
      cacheDir: options.cacheDir,
      lastRevision: previous?.revision,
      force: previous === undefined,
      timeout: parseDuration(spec.timeout ?? '60s'),
      signal,
    })
    if (result.unchanged) {
      if (previous === undefined) throw new Error(`GitRepository/${key}: the fetch answered unchanged without a stored artifact`)
      return { artifact: previous, changed: false }
    }
    const artifact: StoredArtifact = {
      revision: result.revision,
      digest: result.digest,
      commit: result.commit,
      files: result.files,
      size: result.size,
      lastUpdateTime: previous?.revision === result.revision ? previous.lastUpdateTime : now().toISOString(),
      fs: result.fs,
    }
    artifacts.set(key, artifact)
    return { artifact, changed: previous?.revision !== artifact.revision }
  }
  return {
    get: (key) => artifacts.get(key),
    forget: (key) => {
      artifacts.delete(key)
    },
    fetch(repository, signal) {
      const key = `${repository.metadata.namespace ?? 'default'}/${repository.metadata.name}`
      const running = inFlight.get(key)
      if (running !== undefined) return running
      // The shared fetch is bounded by the first caller's signal; a later caller that is not
      // aborted retries on its own when that one was.
      const promise = run(repository, key, signal).finally(() => inFlight.delete(key))
      inFlight.set(key, promise)
      return promise
    },
  }
}

/** Git credentials of a GitRepository's Secret, as source-controller reads them (`username`, `password`, `bearerToken`, `ca.crt`). */
async function readCredentials(client: ControllerClient, ref: { readonly namespace: string; readonly name: string }, signal: AbortSignal): Promise<{ auth?: GitAuth | undefined; ca?: string | undefined }> {
  const secret: KubeObject | undefined = await client.get(SECRET_RESOURCE, ref, { signal })
  const subject = `Secret/${ref.namespace}/${ref.name}`
  if (secret === undefined) {
    throw new ControllerError({ code: 'CONTROLLER_SECRET_INVALID', message: `${subject}: the credentials Secret of spec.secretRef does not exist`, details: { secret: subject } })
  }
  const data = isKubeMap(secret.data) ? secret.data : {}
  const value = (name: string): string | undefined => {
    const raw = Object.hasOwn(data, name) ? data[name] : undefined
    return typeof raw === 'string' ? Buffer.from(raw, 'base64').toString('utf8') : undefined
  }
  const username = value('username')
  const password = value('password')
  const token = value('bearerToken')
  const ca = value('ca.crt') ?? value('caFile')
  const auth = username === undefined && password === undefined && token === undefined ? undefined : { username, password, token }
  return { auth, ca }
}
