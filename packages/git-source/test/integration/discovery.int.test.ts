// The ref advertisement, read by our own smart-HTTP code, against git http-backend with native
// `git ls-remote` as the reference, and the no-change check it makes cheap.
import { createServer } from 'node:http'
import type { RequestListener, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpTransport, fetchSource } from '../../src/index.js'
import type { FetchSourceOptions, RemoteRefs } from '../../src/index.js'
import { createRepository, runGit, startGitServer } from '../../src/testing.js'
import type { GitServer, TestRepository } from '../../src/testing.js'
import { startAuthServers } from '../helpers/authServers.js'
import type { AuthServers } from '../helpers/authServers.js'
import { tempDir } from '../helpers/workspace.js'

const password = 'pa55-discovery-never-shown'
const token = 'tok-discovery-never-shown'

let root: { path: string; remove: () => Promise<void> }
let repo: TestRepository
let main: string
let open: GitServer
let secured: AuthServers
let basic: GitServer
let bearer: GitServer
let https: GitServer
let ca: string
const others: Server[] = []

beforeAll(async () => {
  root = await tempDir('discovery')
  repo = await createRepository(root.path, { name: 'fleet.git' })
  await repo.commit({ 'app.yaml': 'v: 1\n' })
  await repo.tag('v1.0.0', { annotated: true })
  main = await repo.commit({ 'app.yaml': 'v: 2\n' })
  await repo.tag('v1.1.0')
  await repo.commit({ 'app.yaml': 'feature\n' }, { branch: 'feature/x' })
  await repo.git(['update-ref', 'refs/pull/7/head', 'refs/heads/feature/x'])
  await createRepository(root.path, { name: 'empty.git' })
  open = await startGitServer({ root: root.path })
  secured = await startAuthServers(root.path, { password, token })
  ;({ basic, bearer, https, ca } = secured)
})

afterAll(async () => {
  await Promise.all([open.stop(), secured.stop()])
  for (const server of others) server.closeAllConnections()
  await Promise.all(others.map((server) => new Promise((resolve) => server.close(resolve))))
  await root.remove()
})

/** Another HTTP server on 127.0.0.1, stopped after the file's tests. */
async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener)
  others.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function listRefs(url: string, options: { auth?: FetchSourceOptions['auth']; ca?: string } = {}): Promise<RemoteRefs> {
  return createHttpTransport({ ca: options.ca }).listRefs({ url, auth: options.auth, signal: AbortSignal.timeout(10_000) })
}

/** `git ls-remote --symref URL` as refs and symrefs. */
async function lsRemote(url: string): Promise<{ refs: [string, string][]; symrefs: [string, string][] }> {
  const refs: [string, string][] = []
  const symrefs: [string, string][] = []
  for (const line of (await runGit(['ls-remote', '--symref', url], { cwd: root.path })).split('\n')) {
    const [left = '', name = ''] = line.split('\t')
    if (left.startsWith('ref: ')) symrefs.push([name, left.slice(5)])
    else if (left !== '') refs.push([name, left])
  }
  return { refs, symrefs }
}

const sorted = (entries: Iterable<[string, string]>): [string, string][] => [...entries].sort(([a], [b]) => (a < b ? -1 : 1))

describe('the ref advertisement', () => {
  it('lists the same refs, peeled tags and HEAD symref as git ls-remote, with one GET', async () => {
    const url = `${open.url}/fleet.git`
    const native = await lsRemote(url)
    open.clearRequests()
    const refs = await listRefs(url)
    expect(sorted(refs.refs)).toEqual(sorted(native.refs))
    expect([...refs.refs.keys()]).toContain('refs/tags/v1.0.0^{}')
    expect([...refs.symrefs]).toEqual(native.symrefs)
    expect([...refs.capabilities]).toEqual(expect.arrayContaining(['side-band-64k', 'ofs-delta', 'shallow', 'no-progress', 'symref=HEAD:refs/heads/main']))
    expect(open.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/fleet.git/info/refs?service=git-upload-pack', status: 200, authorization: 'none', protocol: undefined }),
    ])
  })

  it('lists no refs for an empty repository, and fetchSource says it is empty', async () => {
    const url = `${open.url}/empty.git`
    expect((await listRefs(url)).refs.size).toBe(0)
    await expect(fetchSource(url)).rejects.toMatchObject({ code: 'GIT_EMPTY_REPOSITORY' })
  })

  it.for([
    { name: 'basic auth', server: () => basic, auth: { username: 'deployer', password }, scheme: 'basic' },
    { name: 'a bearer token', server: () => bearer, auth: { token }, scheme: 'bearer' },
  ])('answers an unchanged check with $name in one request', async ({ server, auth, scheme }) => {
    const url = `${server().url}/fleet.git`
    server().clearRequests()
    const result = await fetchSource(url, { auth, lastRevision: `main@sha1:${main}` })
    expect(result).toEqual({ unchanged: true, revision: `main@sha1:${main}`, commit: main, ref: 'refs/heads/main' })
    expect(server().requests.map((r) => [r.service, r.status, r.authorization])).toEqual([['info-refs', 200, scheme]])
  })

  it('takes basic credentials from the URL and sends them as a header only', async () => {
    const url = `${basic.url}/fleet.git`
    const withCredentials = url.replace('http://', `http://deployer:${encodeURIComponent(password)}@`)
    basic.clearRequests()
    expect(await fetchSource(withCredentials, { lastRevision: `main@sha1:${main}` })).toMatchObject({ unchanged: true })
    expect(basic.requests.map((r) => [r.path, r.authorization])).toEqual([['/fleet.git/info/refs?service=git-upload-pack', 'basic']])
  })

  it('checks over HTTPS with a private CA, and names the missing CA otherwise', async () => {
    const url = `${https.url}/fleet.git`
    expect(await fetchSource(url, { auth: { token }, ca, lastRevision: `main@sha1:${main}` })).toMatchObject({ unchanged: true })
    await expect(listRefs(url, { auth: { token } })).rejects.toMatchObject({ code: 'GIT_TLS_ERROR' })
  })

  it.for([
    { name: 'no credentials', auth: undefined },
    { name: 'a wrong password', auth: { username: 'deployer', password: `${password}x` } },
  ])('fails with GIT_AUTH_FAILED for $name, and shows no secret', async ({ auth }) => {
    const url = `${basic.url}/fleet.git`
    const err: unknown = await listRefs(url, { auth }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'GIT_AUTH_FAILED',
      message: `${url}: authentication failed while listing refs (HTTP 401 Unauthorized); check the credentials`,
      details: { url, status: 401 },
    })
    expect(JSON.stringify(err)).not.toContain(password)
  })

  it('fails with GIT_UNREACHABLE when the server dies in the middle of the advertisement', async () => {
    const url = `${open.url}/fleet.git`
    open.failNext({ type: 'disconnect', afterBytes: 100 }, 'info-refs')
    await expect(fetchSource(url, { lastRevision: `main@sha1:${main}` })).rejects.toMatchObject({
      code: 'GIT_UNREACHABLE',
      message: expect.stringMatching(new RegExp(`^${url}: connection failed while listing refs \\(`)) as unknown,
    })
    expect(await fetchSource(url, { lastRevision: `main@sha1:${main}` })).toMatchObject({ unchanged: true })
  })

  it('fails with GIT_PROTOCOL_ERROR on a web page, a dumb server and an ERR line', async () => {
    const base = await serve((req, res) => {
      if (req.url?.startsWith('/page/')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title>')
      } else if (req.url?.startsWith('/dumb/')) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`${main}\trefs/heads/main\n`)
      } else {
        const line = 'ERR access denied or not exported\n'
        res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' }).end(`${(line.length + 4).toString(16).padStart(4, '0')}${line}`)
      }
    })
    await expect(listRefs(`${base}/page/fleet.git`)).rejects.toMatchObject({
      code: 'GIT_PROTOCOL_ERROR',
      message: `${base}/page/fleet.git: not a smart git HTTP server while listing refs (content type text/html)`,
    })
    await expect(listRefs(`${base}/dumb/fleet.git`)).rejects.toMatchObject({ code: 'GIT_PROTOCOL_ERROR', message: expect.stringContaining('not a smart git HTTP server') as unknown })
    await expect(listRefs(`${base}/err/fleet.git`)).rejects.toMatchObject({
      code: 'GIT_PROTOCOL_ERROR',
      message: `${base}/err/fleet.git: the server reported an error while listing refs: access denied or not exported`,
    })
  })

  it('follows a redirect, and drops the credentials when it leaves the origin', async () => {
    const target = open.url
    const base = await serve((req, res) => {
      res.writeHead(301, { location: `${target}${req.url ?? '/'}` }).end()
    })
    open.clearRequests()
    const artifact = await fetchSource(`${base}/fleet.git`, { auth: { token } })
    expect(artifact).toMatchObject({ unchanged: false, revision: `main@sha1:${main}` })
    // The pack request goes where the advertisement came from, without the token either.
    expect(open.requests.map((r) => [r.service, r.authorization])).toEqual([
      ['info-refs', 'none'],
      ['upload-pack', 'none'],
    ])
  })
})
