import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchSource } from '../../src/index.js'
import type { FetchSourceOptions } from '../../src/index.js'
import { createRepository } from '../../src/testing.js'
import type { GitServer } from '../../src/testing.js'
import { startAuthServers } from '../helpers/authServers.js'
import type { AuthServers } from '../helpers/authServers.js'
import { artifactOf, tempDir } from '../helpers/workspace.js'

const password = 'pa55-w0rd-never-shown'
const token = 'tok-3n-never-shown'
let root: { path: string; remove: () => Promise<void> }
let work: { path: string; remove: () => Promise<void> }
let servers: AuthServers
let basic: GitServer
let bearer: GitServer
let https: GitServer
let ca: string

beforeAll(async () => {
  root = await tempDir('auth')
  work = await tempDir('auth-out')
  const repo = await createRepository(root.path, { name: 'private.git' })
  await repo.commit({ 'app.yaml': 'kind: ConfigMap\n' })
  servers = await startAuthServers(root.path, { password, token })
  ;({ basic, bearer, https, ca } = servers)
})

afterAll(async () => {
  await servers.stop()
  await root.remove()
  await work.remove()
})

/** Every text a caller could see of an outcome: messages, JSON, details, causes, files written. */
async function everythingShown(outcome: unknown, dirs: readonly string[]): Promise<string> {
  const parts: string[] = []
  let err: unknown = outcome
  while (err instanceof Error) {
    parts.push(err.message, String(err.stack), JSON.stringify(err))
    err = err.cause
  }
  if (typeof outcome === 'object' && outcome !== null && !(outcome instanceof Error)) parts.push(JSON.stringify({ ...outcome, fs: undefined }))
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else parts.push(path, await readFile(path, 'latin1'))
    }
  }
  for (const dir of dirs) await walk(dir)
  return parts.join('\n')
}

async function attempt(url: string, options: FetchSourceOptions): Promise<unknown> {
  return fetchSource(url, options).catch((e: unknown) => e)
}

describe('fetchSource auth', () => {
  it('fetches with basic auth, from the option or from the URL, and fails without', async () => {
    const url = `${basic.url}/private.git`
    await expect(fetchSource(url)).rejects.toMatchObject({
      code: 'GIT_AUTH_FAILED',
      message: `${url}: authentication failed while listing refs (HTTP 401 Unauthorized); check the credentials`,
    })
    await expect(fetchSource(url, { auth: { username: 'deployer', password: 'wrong' } })).rejects.toMatchObject({ code: 'GIT_AUTH_FAILED' })
    expect(artifactOf(await fetchSource(url, { auth: { username: 'deployer', password } })).files).toBe(1)
    const inUrl = url.replace('http://', `http://deployer:${encodeURIComponent(password)}@`)
    expect(artifactOf(await fetchSource(inUrl)).files).toBe(1)
    expect(basic.requests.filter((r) => r.status === 200).every((r) => r.authorization === 'basic')).toBe(true)
  })

  it('fetches with a bearer token', async () => {
    const url = `${bearer.url}/private.git`
    await expect(fetchSource(url, { auth: { token: 'nope' } })).rejects.toMatchObject({ code: 'GIT_AUTH_FAILED' })
    expect(artifactOf(await fetchSource(url, { auth: { token } })).files).toBe(1)
    const pack = bearer.requests.filter((r) => r.service === 'upload-pack' && r.status === 200)
    expect(pack.map((r) => r.authorization)).toEqual(['bearer'])
  })

  it('trusts a private CA given as a bundle, and says so when it is missing', async () => {
    const url = `${https.url}/private.git`
    await expect(fetchSource(url, { auth: { token } })).rejects.toMatchObject({
      code: 'GIT_TLS_ERROR',
      message: `${url}: TLS certificate not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE); pass the CA bundle as \`ca\``,
    })
    const artifact = artifactOf(await fetchSource(url, { auth: { token }, ca }))
    expect(artifact.revision).toMatch(/^main@sha1:/)
  })

  it('never shows credentials: not in errors, results, logs, the cache or the checkout', async () => {
    const lines: string[] = []
    const logger = {
      debug: (m: string, f?: unknown) => lines.push(m, JSON.stringify(f)),
      info: (m: string, f?: unknown) => lines.push(m, JSON.stringify(f)),
      warn: (m: string, f?: unknown) => lines.push(m, JSON.stringify(f)),
      error: (m: string, f?: unknown) => lines.push(m, JSON.stringify(f)),
    }
    const cacheDir = join(work.path, 'cache')
    const dir = join(work.path, 'out')
    const withPassword = `${basic.url}/private.git`.replace('http://', `http://deployer:${password}@`)
    const outcomes = [
      await attempt(withPassword, { cacheDir, dir, logger }),
      await attempt(withPassword, { cacheDir, logger }),
      await attempt(withPassword.replace(password, `${password}x`), { logger }),
      await attempt(withPassword.replace('/private.git', '/missing.git'), { logger }),
      await attempt(`${bearer.url}/private.git`, { auth: { token }, cacheDir, logger }),
      await attempt(`${bearer.url}/private.git`, { auth: { token: `${token}x` }, logger }),
      await attempt(`${https.url}/private.git`, { auth: { token }, logger }),
      await attempt(`ssh://deployer:${password}@127.0.0.1/private.git`, { logger }),
    ]
    expect(outcomes.filter((o) => o instanceof Error)).toHaveLength(5)
    for (const outcome of outcomes) {
      const shown = await everythingShown(outcome, [cacheDir, dir])
      expect(shown).not.toContain(password)
      expect(shown).not.toContain(token)
      expect(shown).not.toContain(Buffer.from(`deployer:${password}`).toString('base64'))
    }
    expect(lines.join('\n')).not.toContain(password)
    expect(lines.join('\n')).not.toContain(token)
  })
})
