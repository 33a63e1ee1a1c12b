// The fault modes of the testing git server, each against fetchSource: a typed error whose message
// starts with the URL without credentials, no secret in any error, detail, log line or progress
// event, and a checkout and cache left exactly as they were.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchSource } from '../../src/index.js'
import type { FetchProgress, GitErrorCode } from '../../src/index.js'
import { createRepository, startGitServer } from '../../src/testing.js'
import type { GitServer, GitServerFault, GitServerFaultTarget, TestRepository } from '../../src/testing.js'
import { artifactOf, snapshotDir, tempDir } from '../helpers/workspace.js'

const password = 'PASS-4f1e9c'
let server: GitServer
let other: GitServer
let repo: TestRepository
let root: { path: string; remove: () => Promise<void> }
let work: { path: string; remove: () => Promise<void> }
let url: string
let given: string
let dir: string
let cacheDir: string
let commits = 0

beforeAll(async () => {
  root = await tempDir('faults')
  work = await tempDir('faults-out')
  repo = await createRepository(root.path, { name: 'fleet.git' })
  await repo.commit({ 'apps/web.yaml': 'kind: ConfigMap\n'.repeat(200) })
  server = await startGitServer({ root: root.path, auth: { username: 'bot', password } })
  other = await startGitServer({ root: root.path })
  url = `${server.url}/fleet.git`
  given = `http://bot:${password}@${url.slice('http://'.length)}`
  dir = join(work.path, 'checkout')
  cacheDir = join(work.path, 'cache')
  artifactOf(await fetchSource(given, { dir, cacheDir }))
})

afterAll(async () => {
  await server.stop()
  await other.stop()
  await root.remove()
  await work.remove()
})

interface Observed {
  readonly err: Error & { code?: string; details?: unknown; toJSON?: () => unknown }
  readonly channels: string
}

/** A fetch of a new commit under `fault`: its error, and everything it said on every channel. */
async function failing(fault: GitServerFault, target: GitServerFaultTarget, options: { timeout?: number } = {}): Promise<Observed> {
  await repo.commit({ 'apps/web.yaml': `kind: ConfigMap\nrevision: ${++commits}\n` })
  const before = { dir: await snapshotDir(dir), cache: await snapshotDir(cacheDir) }
  const lines: unknown[] = []
  const progress: FetchProgress[] = []
  const logger = {
    debug: (m: string, f?: unknown) => lines.push(['debug', m, f]),
    info: (m: string, f?: unknown) => lines.push(['info', m, f]),
    warn: (m: string, f?: unknown) => lines.push(['warn', m, f]),
    error: (m: string, f?: unknown) => lines.push(['error', m, f]),
  }
  server.failNext(fault, target)
  const err = (await fetchSource(given, { dir, cacheDir, logger, onProgress: (e) => progress.push(e), ...options }).catch((e: unknown) => e)) as Observed['err']
  expect(err).toBeInstanceOf(Error)
  expect({ dir: await snapshotDir(dir), cache: await snapshotDir(cacheDir) }).toEqual(before)
  const json = typeof err.toJSON === 'function' ? err.toJSON() : undefined
  return { err, channels: JSON.stringify([err.message, err.details, json, lines, progress, String(err.cause)]) }
}

const cases: { name: string; fault: GitServerFault; target: GitServerFaultTarget; code: GitErrorCode; says: string; timeout?: number }[] = [
  { name: 'a stalled ref advertisement', fault: { type: 'stall' }, target: 'info-refs', code: 'GIT_TIMEOUT', says: 'no result within 1500 ms', timeout: 1500 },
  { name: 'a stalled pack request', fault: { type: 'stall' }, target: 'upload-pack', code: 'GIT_TIMEOUT', says: 'no result within 1500 ms', timeout: 1500 },
  { name: 'a truncated advertisement', fault: { type: 'truncate', afterBytes: 70 }, target: 'info-refs', code: 'GIT_PROTOCOL_ERROR', says: 'while listing refs' },
  { name: 'an advertisement cut by a dying server', fault: { type: 'disconnect', afterBytes: 70 }, target: 'info-refs', code: 'GIT_UNREACHABLE', says: 'while listing refs' },
  { name: 'a garbage advertisement', fault: { type: 'garbage' }, target: 'info-refs', code: 'GIT_PROTOCOL_ERROR', says: 'while listing refs' },
  { name: 'a pack cut by a dying server', fault: { type: 'disconnect', afterBytes: 400 }, target: 'upload-pack', code: 'GIT_UNREACHABLE', says: 'while receiving the pack' },
  { name: 'a pack response that ends early', fault: { type: 'truncate', afterBytes: 400 }, target: 'upload-pack', code: 'GIT_PROTOCOL_ERROR', says: 'pack' },
  { name: 'a corrupt pack', fault: { type: 'corrupt-pack', at: 40 }, target: 'upload-pack', code: 'GIT_CORRUPT_PACK', says: 'the received pack is corrupt' },
  { name: 'a corrupt pack header', fault: { type: 'corrupt-pack', at: 2 }, target: 'upload-pack', code: 'GIT_CORRUPT_PACK', says: 'missing PACK signature' },
  { name: 'a garbage pack response', fault: { type: 'garbage' }, target: 'upload-pack', code: 'GIT_PROTOCOL_ERROR', says: 'reading the pack response' },
  { name: '401 on the advertisement', fault: { type: 'status', status: 401 }, target: 'info-refs', code: 'GIT_AUTH_FAILED', says: 'authentication failed while listing refs (HTTP 401' },
  { name: '403 on the advertisement', fault: { type: 'status', status: 403 }, target: 'info-refs', code: 'GIT_AUTH_FAILED', says: 'authentication failed while listing refs (HTTP 403' },
  { name: '401 on the pack request', fault: { type: 'status', status: 401 }, target: 'upload-pack', code: 'GIT_AUTH_FAILED', says: 'authentication failed while requesting the pack' },
  { name: '403 on the pack request', fault: { type: 'status', status: 403 }, target: 'upload-pack', code: 'GIT_AUTH_FAILED', says: 'authentication failed while requesting the pack' },
  { name: '500 on the advertisement', fault: { type: 'status', status: 500 }, target: 'info-refs', code: 'GIT_PROTOCOL_ERROR', says: 'unexpected HTTP 500' },
  { name: '500 on the pack request', fault: { type: 'status', status: 500 }, target: 'upload-pack', code: 'GIT_PROTOCOL_ERROR', says: 'unexpected HTTP 500' },
  { name: '503 on the advertisement', fault: { type: 'status', status: 503 }, target: 'info-refs', code: 'GIT_UNREACHABLE', says: 'server unavailable while listing refs' },
  { name: '404 on the advertisement', fault: { type: 'status', status: 404 }, target: 'info-refs', code: 'GIT_REPOSITORY_NOT_FOUND', says: 'repository not found' },
]

describe('fetchSource against a faulty git server', () => {
  it.for(cases)('$name: $code, naming the URL without credentials, nothing changed', async ({ fault, target, code, says, timeout }) => {
    const { err, channels } = await failing(fault, target, timeout === undefined ? {} : { timeout })
    expect(err).toMatchObject({ code, details: { url } })
    expect(err.message.startsWith(`${url}: `)).toBe(true)
    expect(err.message).toContain(says)
    expect(channels).not.toContain(password)
  })

  it('drops the credentials when the advertisement redirects to another host', async () => {
    await repo.commit({ 'apps/web.yaml': `kind: ConfigMap\nrevision: ${++commits}\n` })
    other.clearRequests()
    server.failNext({ type: 'redirect', to: other.url, status: 301 }, 'info-refs')
    const artifact = artifactOf(await fetchSource(given, { dir, cacheDir }))
    expect(artifact.commit).toBe(await repo.revParse('main'))
    // The advertisement and the pack both came from the other host, and neither carried credentials.
    expect(other.requests.map((r) => [r.service, r.authorization])).toEqual([
      ['info-refs', 'none'],
      ['upload-pack', 'none'],
    ])
  })

  it('names the first URL when a redirect leads to a host that refuses', async () => {
    const refusing = await startGitServer({ root: root.path, auth: { token: 'other-token' } })
    try {
      const { err, channels } = await failing({ type: 'redirect', to: refusing.url }, 'info-refs')
      expect(err).toMatchObject({ code: 'GIT_AUTH_FAILED', details: { url, status: 401 } })
      expect(channels).not.toContain(password)
      expect(refusing.requests.every((r) => r.authorization === 'none')).toBe(true)
    } finally {
      await refusing.stop()
    }
  })

  it('keeps the credentials on a redirect within the same host', async () => {
    await repo.commit({ 'apps/web.yaml': `kind: ConfigMap\nrevision: ${++commits}\n` })
    server.clearRequests()
    server.failNext({ type: 'redirect', to: server.url, status: 307 }, 'info-refs')
    artifactOf(await fetchSource(given, { dir, cacheDir }))
    expect(server.requests.map((r) => [r.service, r.status, r.authorization])).toEqual([
      ['info-refs', 307, 'basic'],
      ['info-refs', 200, 'basic'],
      ['upload-pack', 200, 'basic'],
    ])
  })

  it('masks an access token in the query of the URL everywhere', async () => {
    const token = 'tok-9b7d3e1a'
    const lines: unknown[] = []
    const log = (m: string, f?: unknown): number => lines.push([m, f])
    const err = (await fetchSource(`${url}?access_token=${token}`, {
      cacheDir,
      logger: { debug: log, info: log, warn: log, error: log },
    }).catch((e: unknown) => e)) as Error & { details?: unknown }
    expect(err).toMatchObject({ code: 'GIT_AUTH_FAILED', details: { url: `${url}?access_token=xxxxx` } })
    expect(err.message.startsWith(`${url}?access_token=xxxxx: `)).toBe(true)
    expect(JSON.stringify([err.message, err.details, err, lines, String(err.cause)])).not.toContain(token)
  })

  it('never shows an auth token or password given as options', async () => {
    server.failNext({ type: 'status', status: 403 }, 'info-refs')
    const err = (await fetchSource(url, { auth: { token: 'opt-token-77aa' } }).catch((e: unknown) => e)) as Error & { details?: unknown }
    expect(err).toMatchObject({ code: 'GIT_AUTH_FAILED', details: { url } })
    expect(JSON.stringify([err.message, err.details, err])).not.toContain('opt-token-77aa')
  })
})
