// Bad input to fetchSource: malformed options and URLs refused before any request, refs that do not
// exist, and names and cache files built to reach a prototype. Each case asserts the code, a message
// that starts with the URL without credentials, no request or no write, and no polluted prototype.
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertNoPollution, plantedProperty, pollutingJson, pollutingKeys } from '../../../../testing/pollution.js'
import { fetchSource } from '../../src/index.js'
import type { GitErrorCode, GitRef } from '../../src/index.js'
import { createRepository, startGitServer } from '../../src/testing.js'
import type { GitServer, TestRepository } from '../../src/testing.js'
import { artifactOf, filesOf, snapshotDir, tempDir } from '../helpers/workspace.js'

const password = 'PASS-77c1d0'
let server: GitServer
let repo: TestRepository
let root: { path: string; remove: () => Promise<void> }
let work: { path: string; remove: () => Promise<void> }
let url: string
let given: string

beforeAll(async () => {
  root = await tempDir('bad-input')
  work = await tempDir('bad-input-out')
  repo = await createRepository(root.path, { name: 'fleet.git' })
  await repo.commit({ 'a.yaml': 'a: 1\n' })
  await repo.tag('v1.0.0')
  server = await startGitServer({ root: root.path, auth: { username: 'bot', password } })
  url = `${server.url}/fleet.git`
  given = `http://bot:${password}@${url.slice('http://'.length)}`
})

afterAll(async () => {
  await server.stop()
  await root.remove()
  await work.remove()
})

const refusedBeforeRequest: { name: string; ref: GitRef }[] = [
  { name: 'a short commit id', ref: { commit: 'abc123' } },
  { name: 'an upper-case commit id', ref: { commit: 'A'.repeat(40) } },
  { name: 'an invalid semver range', ref: { semver: '>=1.0.0 <<2' } },
  { name: 'a semver range of four numbers', ref: { semver: '1.2.3.4' } },
  { name: 'a semver range with an empty or-branch', ref: { semver: '1 ||' } },
  { name: 'a semver range with a doubled comma', ref: { semver: '>=1,,<2' } },
  { name: 'a semver range naming a pre-release with a leading zero', ref: { semver: '>1.2.3-01' } },
  { name: 'a ref name that is not a full ref', ref: { name: 'main' } },
  { name: 'a ref name reaching a prototype', ref: { name: '__proto__' } },
]

const notFound: { name: string; ref: GitRef; code: GitErrorCode }[] = [
  ...pollutingKeys.map((key) => ({ name: `branch ${key}`, ref: { branch: key }, code: 'GIT_REF_NOT_FOUND' as const })),
  ...pollutingKeys.map((key) => ({ name: `tag ${key}`, ref: { tag: key }, code: 'GIT_REF_NOT_FOUND' as const })),
  { name: 'ref refs/heads/__proto__', ref: { name: 'refs/heads/__proto__' }, code: 'GIT_REF_NOT_FOUND' },
  { name: 'a semver range no tag matches', ref: { semver: '>=9.0.0' }, code: 'GIT_NO_SEMVER_MATCH' },
]

describe('fetchSource bad input', () => {
  it.for(refusedBeforeRequest)('refuses $name with GIT_INVALID_OPTION before any request', async ({ ref }) => {
    const before = server.requests.length
    const dir = join(work.path, 'never')
    const err = (await fetchSource(given, { ref, dir }).catch((e: unknown) => e)) as Error
    expect(err).toMatchObject({ code: 'GIT_INVALID_OPTION', details: { url } })
    expect(err.message.startsWith(`${url}: `)).toBe(true)
    expect(JSON.stringify([err.message, err])).not.toContain(password)
    expect(server.requests.length).toBe(before)
    expect((await snapshotDir(dir)).size).toBe(0)
    assertNoPollution()
  })

  it.for(notFound)('answers $name with $code, writing nothing', async ({ ref, code }) => {
    const dir = join(work.path, 'not-found')
    const err = (await fetchSource(given, { ref, dir }).catch((e: unknown) => e)) as Error
    expect(err).toMatchObject({ code, details: { url } })
    expect(err.message.startsWith(`${url}: `)).toBe(true)
    expect(JSON.stringify([err.message, err])).not.toContain(password)
    expect((await snapshotDir(dir)).size).toBe(0)
    assertNoPollution()
  })

  it.for([
    { name: 'a URL that does not parse', input: `http://bot:${password}@[bad/fleet.git`, code: 'GIT_INVALID_OPTION', shown: 'http://[bad/fleet.git' },
    { name: 'an ssh:// URL without a transport', input: `ssh://git:${password}@git.example/fleet.git`, code: 'GIT_UNSUPPORTED_TRANSPORT', shown: 'ssh://git@git.example/fleet.git' },
    { name: 'a git:// URL', input: 'git://git.example/fleet.git', code: 'GIT_UNSUPPORTED_TRANSPORT', shown: 'git://git.example/fleet.git' },
    { name: 'a file:// URL', input: 'file:///srv/fleet.git', code: 'GIT_UNSUPPORTED_TRANSPORT', shown: 'file:///srv/fleet.git' },
  ])('refuses $name with $code, without the password', async ({ input, code, shown }) => {
    const err = (await fetchSource(input).catch((e: unknown) => e)) as Error
    expect(err).toMatchObject({ code })
    expect(err.message.startsWith(`${shown}: `)).toBe(true)
    expect(JSON.stringify([err.message, err])).not.toContain(password)
  })

  it('applies a .sourceignore and an ignore option with lines of hundreds of kilobytes (V8 refused one RegExp of them, untyped)', async () => {
    const ignored = await createRepository(root.path, { name: 'long-ignore.git' })
    const long = 'x'.repeat(300_000)
    await ignored.commit({
      '.sourceignore': `${long}\n*.${long}\n${'?'.repeat(100_000)}\n[ab]${'[xy]'.repeat(60_000)}\n*.tmp\n`,
      'a.yaml': 'a: 1\n',
      'b.tmp': 'b\n',
      'c.log': 'c\n',
    })
    const artifact = artifactOf(await fetchSource(`${server.url.replace('http://', 'http://bot:' + password + '@')}/long-ignore.git`, { ref: { branch: 'main' }, ignore: `${'c'.repeat(200_000)}\n*.log\n` }))
    expect(Object.keys(await filesOf(artifact)).sort()).toEqual(['.sourceignore', 'a.yaml'])
    assertNoPollution()
  })

  it('fetches a branch named __proto__ as plain data', async () => {
    await repo.setBranch('__proto__', await repo.revParse('main'))
    const artifact = artifactOf(await fetchSource(given, { ref: { branch: '__proto__' } }))
    expect(artifact.revision).toBe(`__proto__@sha1:${await repo.revParse('main')}`)
    expect(artifact.ref).toBe('refs/heads/__proto__')
    assertNoPollution()
  })

  it.for(pollutingJson.map((json, i) => ({ json, i })))('treats a cache state of $json as damaged and rebuilds it', async ({ json, i }) => {
    const cacheDir = join(work.path, `poisoned-cache-${i}`)
    artifactOf(await fetchSource(given, { cacheDir }))
    const [dir] = await readdir(cacheDir)
    await writeFile(join(cacheDir, dir as string, 'gitops-source.json'), json)
    const warnings: unknown[] = []
    const log = (): undefined => undefined
    const logger = { debug: log, info: log, error: log, warn: (m: string) => warnings.push(m) }
    // The damaged state is no revision: the fetch builds the artifact again and rewrites the state.
    const artifact = artifactOf(await fetchSource(given, { cacheDir, logger }))
    expect(artifact.commit).toBe(await repo.revParse('main'))
    expect(warnings).toEqual(['the cache is damaged; rebuilding it'])
    expect(({} as Record<string, unknown>)[plantedProperty]).toBeUndefined()
    assertNoPollution()
  })
})
