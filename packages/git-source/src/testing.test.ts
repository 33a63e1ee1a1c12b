import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../test/helpers/workspace.js'
import * as testing from './testing.js'
import { createRepository, filesFromDirectory, runGit, startGitServer } from './testing.js'

let root: { path: string; remove: () => Promise<void> }

beforeAll(async () => {
  root = await tempDir('testing')
})
afterAll(() => root.remove())

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }))
      res.on('error', reject)
    })
      .on('error', reject)
      .end()
  })
}

describe('@gitops-sdk/git-source/testing', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(testing).sort()).toMatchSnapshot()
  })

  it('builds repositories with the same commit ids on every run', async () => {
    const ids: string[] = []
    for (const name of ['one.git', 'two.git']) {
      const repo = await createRepository(root.path, { name })
      await repo.commit({ 'a.yaml': 'a\n', 'bin/run': { content: '#!/bin/sh\n', mode: 0o755 }, link: { symlink: 'a.yaml' } })
      ids.push(await repo.commit({ 'a.yaml': null, 'b.yaml': 'b\n' }, { message: 'second' }), await repo.tag('v1', { annotated: true }))
    }
    expect(ids[0]).toBe(ids[2])
    expect(ids[1]).toBe(ids[3])
    const repo = await createRepository(root.path, { name: 'three.git' })
    await repo.commit({ 'x.yaml': 'x\n' }, { date: new Date('2030-05-01T00:00:00Z') })
    expect((await repo.git(['log', '-1', '--format=%aI %an'])).trim()).toBe('2030-05-01T00:00:00+00:00 Test Author')
  })

  it('serves repositories that native git clones, and records the requests', async () => {
    const repo = await createRepository(root.path, { name: 'served.git' })
    const commit = await repo.commit({ 'app.yaml': 'kind: ConfigMap\n' })
    const server = await startGitServer({ root: root.path })
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      await runGit(['clone', '--quiet', `${server.url}/served.git`, 'clone'], { cwd: root.path })
      expect((await runGit(['rev-parse', 'HEAD'], { cwd: join(root.path, 'clone') })).trim()).toBe(commit)
      // git 2.39 speaks protocol v2: the advertisement, ls-refs, then fetch.
      expect(server.requests.map((r) => `${r.method} ${r.service} ${r.status} ${r.protocol}`)).toEqual([
        'GET info-refs 200 version=2',
        'POST upload-pack 200 version=2',
        'POST upload-pack 200 version=2',
      ])
      server.clearRequests()
      expect(server.requests).toEqual([])
    } finally {
      await server.stop()
    }
  })

  it('demands basic or bearer credentials when configured', async () => {
    const basic = await startGitServer({ root: root.path, auth: { username: 'u', password: 'p' } })
    const bearer = await startGitServer({ root: root.path, auth: { token: 't' } })
    try {
      const path = '/served.git/info/refs?service=git-upload-pack'
      expect((await get(basic.url + path)).status).toBe(401)
      expect((await get(basic.url + path, { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` })).status).toBe(200)
      expect((await get(bearer.url + path, { authorization: 'Bearer nope' })).status).toBe(401)
      expect((await get(bearer.url + path, { authorization: 'Bearer t' })).status).toBe(200)
      expect(bearer.requests.map((r) => r.authorization)).toEqual(['bearer', 'bearer'])
    } finally {
      await Promise.all([basic.stop(), bearer.stop()])
    }
  })

  it('plays faults once: a status, a stall that stop() ends', async () => {
    const server = await startGitServer({ root: root.path })
    const path = '/served.git/info/refs?service=git-upload-pack'
    server.failNext({ type: 'status', status: 503 }, 'info-refs')
    expect((await get(server.url + path)).status).toBe(503)
    expect((await get(server.url + path)).status).toBe(200)
    server.failNext({ type: 'stall' }, 'any')
    const stalled = get(server.url + path).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await server.stop()
    expect(await stalled).toBeInstanceOf(Error)
  })

  it('runs git with a clean environment and stops it on abort', async () => {
    expect((await runGit(['var', 'GIT_AUTHOR_IDENT'], { cwd: root.path })).startsWith('Test Author <author@example.com>')).toBe(true)
    const reason = new Error('stop')
    const controller = new AbortController()
    const pending = runGit(['cat-file', '--batch'], { cwd: root.path, input: undefined, signal: controller.signal })
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
  })

  it('reads a directory into commit input, keeping modes and symlinks', async () => {
    const dir = join(root.path, 'tree')
    await mkdir(join(dir, 'bin'), { recursive: true })
    await writeFile(join(dir, 'a.yaml'), 'a\n')
    await writeFile(join(dir, 'bin/run'), '#!/bin/sh\n')
    await chmod(join(dir, 'bin/run'), 0o755)
    await symlink('a.yaml', join(dir, 'link'))
    const files = await filesFromDirectory(dir)
    expect(files).toEqual({
      'a.yaml': { content: await readFile(join(dir, 'a.yaml')), mode: 0o644 },
      'bin/run': { content: await readFile(join(dir, 'bin/run')), mode: 0o755 },
      link: { symlink: 'a.yaml' },
    })
  })
})
