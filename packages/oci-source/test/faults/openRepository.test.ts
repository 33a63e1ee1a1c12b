// openRepository's reads against a registry faked at the `fetch` seam: a manifest or blob that does
// not hash to its digest, bodies past their bound, bad references, 401/404/500, and credentials that
// never reach a message.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isGitOpsError } from '@gitops-sdk/core'
import { openRepository } from '../../src/index.js'

const url = 'oci://registry.test/charts/web'
const sha = (data: Uint8Array | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`
const password = 'test-only-Hunter2pass'

type Answer = { status?: number; body?: string | Uint8Array; headers?: Record<string, string> }

function registry(routes: Record<string, Answer>, seen: string[] = []): typeof globalThis.fetch {
  const fake = (input: string | URL | Request): Promise<Response> => {
    const target = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    seen.push(target.pathname + target.search)
    const answer = Object.prototype.hasOwnProperty.call(routes, target.pathname) ? (routes[target.pathname] as Answer) : { status: 404, body: '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}' }
    return Promise.resolve(new Response(answer.body ?? '', { status: answer.status ?? 200, headers: answer.headers ?? {} }))
  }
  return fake
}

async function code(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise
  } catch (err) {
    if (isGitOpsError(err)) return { code: err.code, message: err.message }
    throw err
  }
  throw new Error('expected a failure')
}

describe('openRepository', () => {
  const manifest = '{"schemaVersion":2}'
  const blob = Buffer.from('chart bytes')

  it('reads tags (every page), a manifest and a blob, each checked', async () => {
    const seen: string[] = []
    const repo = openRepository(url, {
      fetch: registry(
        {
          '/v2/charts/web/tags/list': { body: JSON.stringify({ tags: ['1.0.0'] }), headers: { link: '</v2/charts/web/tags/list2>; rel="next"' } },
          '/v2/charts/web/tags/list2': { body: JSON.stringify({ tags: ['1.1.0'] }) },
          '/v2/charts/web/manifests/1.0.0': { body: manifest, headers: { 'docker-content-digest': sha(manifest) } },
          [`/v2/charts/web/blobs/${sha(blob)}`]: { body: blob },
        },
        seen,
      ),
    })
    expect(repo.url).toBe(url)
    expect(await repo.listTags()).toEqual(['1.0.0', '1.1.0'])
    expect(await repo.getManifest('1.0.0')).toEqual({ digest: sha(manifest), body: new Uint8Array(Buffer.from(manifest)) })
    expect(Buffer.from(await repo.getBlob(sha(blob), { maxBytes: 100 })).toString()).toBe('chart bytes')
  })

  it('refuses bodies that do not hash to their digest, or past their bound', async () => {
    const fetch = registry({
      '/v2/charts/web/manifests/1.0.0': { body: manifest, headers: { 'docker-content-digest': sha('other') } },
      [`/v2/charts/web/manifests/${sha('other')}`]: { body: manifest },
      [`/v2/charts/web/blobs/${sha('other')}`]: { body: blob },
      [`/v2/charts/web/blobs/${sha(blob)}`]: { body: blob },
    })
    const repo = openRepository(url, { fetch })
    expect(await code(repo.getManifest('1.0.0'))).toMatchObject({ code: 'OCI_DIGEST_MISMATCH', message: expect.stringMatching(/^oci:\/\/registry\.test\/charts\/web: the manifest of 1\.0\.0 hashes to/u) as string })
    expect((await code(repo.getManifest(sha('other')))).code).toBe('OCI_DIGEST_MISMATCH')
    expect((await code(repo.getBlob(sha('other'), { maxBytes: 100 }))).code).toBe('OCI_DIGEST_MISMATCH')
    expect((await code(repo.getBlob(sha(blob), { maxBytes: 4 }))).code).toBe('OCI_SIZE_LIMIT_EXCEEDED')
    expect((await code(repo.getManifest('1.0.0', { maxBytes: 4 }))).code).toBe('OCI_SIZE_LIMIT_EXCEEDED')
  })

  it('refuses bad references and URLs before any request', async () => {
    const seen: string[] = []
    const repo = openRepository(url, { fetch: registry({}, seen) })
    expect((await code(repo.getManifest('../../etc'))).code).toBe('OCI_INVALID_OPTION')
    expect((await code(repo.getBlob('sha256:nothex', { maxBytes: 1 }))).code).toBe('OCI_INVALID_OPTION')
    expect(seen).toEqual([])
    expect(() => openRepository(`oci://bot:${password}@registry.test/charts/web`)).toThrow(expect.objectContaining({ code: 'OCI_INVALID_OPTION' }) as Error)
    expect(() => openRepository(`oci://bot:${password}@registry.test/charts/web`)).not.toThrow(password)
  })

  it('maps 401, 404 and 500 to codes naming the repository, credentials unprinted', async () => {
    const auth = { username: 'bot', password }
    const locked = openRepository(url, { auth, fetch: registry({ '/v2/charts/web/tags/list': { status: 401, headers: { 'www-authenticate': 'Basic realm="x"' } } }) })
    const refused = await code(locked.listTags())
    expect(refused.code).toBe('OCI_AUTH_FAILED')
    expect(refused.message).not.toContain(password)
    expect((await code(openRepository(url, { fetch: registry({}) }).getManifest('9.9.9'))).message).toBe(`${url}: manifest 9.9.9 not found (HTTP 404): MANIFEST_UNKNOWN (manifest unknown)`)
    expect((await code(openRepository(url, { fetch: registry({ '/v2/charts/web/tags/list': { status: 500 } }) }).listTags())).code).toBe('OCI_PROTOCOL_ERROR')
  })

  it('rejects with the signal reason when aborted', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(openRepository(url, { fetch: registry({}), signal: controller.signal }).listTags()).rejects.toThrow('stop')
    const other = new AbortController()
    other.abort(new Error('stop this read'))
    await expect(openRepository(url, { fetch: registry({}) }).getManifest('1.0.0', { signal: other.signal })).rejects.toThrow('stop this read')
  })
})
