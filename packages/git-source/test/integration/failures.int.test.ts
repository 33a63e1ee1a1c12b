import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { isGitOpsError } from '@gitops-sdk/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpTransport, fetchSource } from '../../src/index.js'
import type { GitTransport } from '../../src/index.js'
import { createRepository, startGitServer } from '../../src/testing.js'
import type { GitServer } from '../../src/testing.js'
import { artifactOf, tempDir } from '../helpers/workspace.js'

let server: GitServer
let root: { path: string; remove: () => Promise<void> }
let work: { path: string; remove: () => Promise<void> }
let url: string

beforeAll(async () => {
  root = await tempDir('failures')
  work = await tempDir('failures-out')
  const repo = await createRepository(root.path, { name: 'fleet.git' })
  const files: Record<string, string> = {}
  // Text that does not compress away, so the pack is tens of kilobytes.
  for (let i = 0; i < 60; i++) {
    const noise = Array.from({ length: 30 }, (_, j) => createHash('sha256').update(`${i}/${j}`).digest('base64')).join('')
    files[`apps/app-${i}.yaml`] = `data: ${noise}\n`
  }
  await repo.commit(files)
  server = await startGitServer({ root: root.path })
  url = `${server.url}/fleet.git`
})

afterAll(async () => {
  await server.stop()
  await root.remove()
  await work.remove()
})

async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

describe('fetchSource failures', () => {
  it('reports an unreachable host', async () => {
    const port = await closedPort()
    await expect(fetchSource(`http://127.0.0.1:${port}/fleet.git`)).rejects.toMatchObject({
      code: 'GIT_UNREACHABLE',
      message: `http://127.0.0.1:${port}/fleet.git: connection failed while listing refs (ECONNREFUSED)`,
    })
  })

  it('reports a missing repository and a server error', async () => {
    await expect(fetchSource(`${server.url}/nope.git`)).rejects.toMatchObject({ code: 'GIT_REPOSITORY_NOT_FOUND' })
    server.failNext({ type: 'status', status: 503 }, 'info-refs')
    await expect(fetchSource(url)).rejects.toMatchObject({ code: 'GIT_UNREACHABLE', details: { status: 503 } })
    server.failNext({ type: 'status', status: 500 })
    await expect(fetchSource(url)).rejects.toMatchObject({ code: 'GIT_PROTOCOL_ERROR', details: { status: 500 } })
  })

  it('survives a server that dies mid-fetch: typed error, no checkout, a cache that still works', async () => {
    const dir = join(work.path, 'died')
    const cacheDir = join(work.path, 'died-cache')
    server.failNext({ type: 'disconnect', afterBytes: 8000 })
    const err: unknown = await fetchSource(url, { dir, cacheDir }).catch((e: unknown) => e)
    expect(isGitOpsError(err, 'GIT_UNREACHABLE')).toBe(true)
    expect((err as Error).message).toMatch(new RegExp(`^${url}: connection failed while receiving the pack`))
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' })
    const artifact = artifactOf(await fetchSource(url, { dir, cacheDir }))
    expect(artifact.files).toBe(60)
    expect(server.requests.at(-1)?.bytes).toBeGreaterThan(50_000)
  })

  it('reports a truncated pack that ends cleanly as corrupt', async () => {
    // A v2 response cut inside the pack but ended as a whole HTTP response: the bytes stop early.
    const cut: GitTransport = {
      listRefs: (ctx) => createHttpTransport().listRefs(ctx),
      async fetchPack(request, ctx) {
        const response = await createHttpTransport().fetchPack(request, ctx)
        async function* first(): AsyncGenerator<Uint8Array> {
          let sent = 0
          for await (const chunk of response.pack) {
            if (sent + chunk.byteLength > 5000) {
              yield chunk.subarray(0, 5000 - sent)
              return
            }
            sent += chunk.byteLength
            yield chunk
          }
        }
        return { ...response, pack: first() }
      },
    }
    await expect(fetchSource(url, { transport: cut })).rejects.toMatchObject({ code: 'GIT_CORRUPT_PACK' })
  })

  it('times out with GIT_TIMEOUT on a server that never answers', async () => {
    server.failNext({ type: 'stall' }, 'info-refs')
    await expect(fetchSource(url, { timeout: 300 })).rejects.toMatchObject({
      code: 'GIT_TIMEOUT',
      message: `${url}: no result within 300 ms`,
    })
  })

  it('rejects with the abort reason untouched', async () => {
    server.failNext({ type: 'stall' }, 'any')
    const controller = new AbortController()
    const reason = new Error('operator cancelled')
    const pending = fetchSource(url, { signal: controller.signal })
    setTimeout(() => controller.abort(reason), 200)
    await expect(pending).rejects.toBe(reason)
    const aborted = AbortSignal.abort('already')
    await expect(fetchSource(url, { signal: aborted })).rejects.toBe('already')
  })

  it.for([
    { name: 'ssh://', input: 'ssh://git@github.com/acme/fleet.git', shown: 'ssh://git@github.com/acme/fleet.git' },
    { name: 'scp-like', input: 'git@github.com:acme/fleet.git', shown: 'git@github.com:acme/fleet.git' },
  ])('refuses $name URLs with GIT_UNSUPPORTED_TRANSPORT naming the alternative', async ({ input, shown }) => {
    await expect(fetchSource(input)).rejects.toMatchObject({
      code: 'GIT_UNSUPPORTED_TRANSPORT',
      message: `${shown}: an SSH URL needs the SSH transport: pass \`transport: createSshTransport({ privateKey, knownHosts })\`, or use the HTTPS URL with a token or password (auth)`,
    })
  })

  it('uses a transport given for any URL: the seam an SSH transport plugs into', async () => {
    const http = createHttpTransport()
    const seen: string[] = []
    const ssh: GitTransport = {
      listRefs: (ctx) => {
        seen.push(`list ${ctx.url}`)
        return http.listRefs({ ...ctx, url })
      },
      fetchPack: (request, ctx) => {
        seen.push(`pack ${ctx.url} depth=${request.depth}`)
        return http.fetchPack(request, { ...ctx, url })
      },
    }
    const artifact = artifactOf(await fetchSource('git@git.example:acme/fleet.git', { transport: ssh }))
    expect(artifact.files).toBe(60)
    expect(seen).toEqual(['list git@git.example:acme/fleet.git', 'pack git@git.example:acme/fleet.git depth=1'])
  })

  it('throws TypeError for wrong argument types before any request', async () => {
    const before = server.requests.length
    await expect(fetchSource(undefined as unknown as string)).rejects.toBeInstanceOf(TypeError)
    await expect(fetchSource(url, { depth: -1 })).rejects.toBeInstanceOf(TypeError)
    await expect(fetchSource(url, { timeout: 0 })).rejects.toBeInstanceOf(TypeError)
    expect(server.requests.length).toBe(before)
  })

  it('leaves the cache readable after any of the above', async () => {
    const cacheDir = join(work.path, 'died-cache')
    const [entry] = await readdir(cacheDir)
    expect(JSON.parse(await readFile(join(cacheDir, entry as string, 'gitops-source.json'), 'utf8'))).toMatchObject({ url })
  })
})
