// Bad signatures and bad keys for fetchSource's verify: malformed armor, a key that is not trusted,
// a signature over different bytes, the wrong SSH namespace, and keys that do not parse. Each case
// asserts the code, a message starting with the URL and naming the commit, and that nothing was
// written: no checkout, and no revision a cache would answer with.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchSource } from '../../src/index.js'
import type { GitErrorCode } from '../../src/index.js'
import { createRepository, startGitServer } from '../../src/testing.js'
import type { GitServer, TestRepository } from '../../src/testing.js'
import { createGpgHome, createSshKey, hasGpg, hasSshKeygen } from '../helpers/signingKeys.js'
import type { GpgHome, SshKeyPair } from '../helpers/signingKeys.js'
import { tempDir } from '../helpers/workspace.js'

const run = promisify(execFile)

async function stateFiles(cacheDir: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(cacheDir, { recursive: true }).catch(() => [] as string[])) if (entry.endsWith('gitops-source.json')) found.push(entry)
  return found
}
let server: GitServer
let root: { path: string; remove: () => Promise<void> }
let work: { path: string; remove: () => Promise<void> }
let n = 0

beforeAll(async () => {
  root = await tempDir('bad-signatures')
  work = await tempDir('bad-signatures-out')
  server = await startGitServer({ root: root.path })
})

afterAll(async () => {
  await server.stop()
  await root.remove()
  await work.remove()
})

/** A repository whose main branch is a commit written from `text` verbatim (no signing, no checks). */
async function repositoryWithCommit(text: (tree: string) => string): Promise<{ url: string; commit: string; repo: TestRepository }> {
  const name = `crafted-${++n}.git`
  const repo = await createRepository(root.path, { name })
  const base = await repo.commit({ 'a.yaml': 'a: 1\n' })
  const tree = (await repo.git(['rev-parse', `${base}^{tree}`])).trim()
  const commit = (await repo.git(['hash-object', '-t', 'commit', '-w', '--stdin', '--literally'], text(tree))).trim()
  await repo.setBranch('main', commit)
  return { url: `${server.url}/${name}`, commit, repo }
}

/** The commit with every line of `signature` put in a gpgsig header, as git writes it. */
function commitText(tree: string, signature: string, message = 'signed\n'): string {
  const sig = signature.trimEnd().split('\n').join('\n ')
  return `tree ${tree}\nauthor A <a@example.com> 1704067200 +0000\ncommitter A <a@example.com> 1704067200 +0000\ngpgsig ${sig}\n\n${message}`
}

async function expectRefused(url: string, commit: string, verify: { keys: string[] }, code: GitErrorCode, what: RegExp): Promise<void> {
  const dir = join(work.path, `out-${n}`)
  const cacheDir = join(work.path, `cache-${n}`)
  const err = (await fetchSource(url, { dir, cacheDir, verify }).catch((e: unknown) => e)) as Error & { details: Record<string, unknown> }
  expect(err).toMatchObject({ code, details: { url, object: 'commit', id: commit } })
  expect(err.message.startsWith(`${url}: commit ${commit} `)).toBe(true)
  expect(err.message).toMatch(what)
  expect(existsSync(dir)).toBe(false)
  // The cache remembers no revision, so nothing answers a later request with this commit.
  expect(await stateFiles(cacheDir)).toEqual([])
}

const garbageArmors = [
  { name: 'PGP armor that is not base64', armor: '-----BEGIN PGP SIGNATURE-----\n\n!!!not base64!!!\n-----END PGP SIGNATURE-----' },
  { name: 'PGP armor without an end line', armor: '-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE' },
  { name: 'SSH armor that is not base64', armor: '-----BEGIN SSH SIGNATURE-----\n!!!\n-----END SSH SIGNATURE-----' },
  { name: 'SSH armor whose blob is truncated', armor: `-----BEGIN SSH SIGNATURE-----\n${Buffer.from('SSHSIG\0\0\0\x01\0\0\xff\xff').toString('base64')}\n-----END SSH SIGNATURE-----` },
  { name: 'a signature in no known format', armor: '-----BEGIN SOMETHING-----\nAAAA\n-----END SOMETHING-----' },
]

describe.skipIf(!hasSshKeygen)('fetchSource verify, bad signatures', () => {
  let trusted: SshKeyPair
  let other: SshKeyPair
  beforeAll(async () => {
    trusted = await createSshKey(work.path, 'trusted', 'ed25519')
    other = await createSshKey(work.path, 'other', 'ed25519')
  })

  /** An SSH signature by `key` over `payload` in `namespace`, made by ssh-keygen -Y sign. */
  async function sshSign(key: SshKeyPair, payload: string, namespace = 'git'): Promise<string> {
    const file = join(work.path, `payload-${++n}`)
    await writeFile(file, payload)
    await run('ssh-keygen', ['-Y', 'sign', '-q', '-f', key.privateKey, '-n', namespace, file])
    return readFile(`${file}.sig`, 'utf8')
  }
  const unsigned = (tree: string, message = 'signed\n'): string => `tree ${tree}\nauthor A <a@example.com> 1704067200 +0000\ncommitter A <a@example.com> 1704067200 +0000\n\n${message}`

  it.for(garbageArmors)('refuses $name with GIT_SIGNATURE_MALFORMED', async ({ armor }) => {
    const { url, commit } = await repositoryWithCommit((tree) => commitText(tree, armor))
    await expectRefused(url, commit, { keys: [trusted.publicKey] }, 'GIT_SIGNATURE_MALFORMED', /does not parse|neither OpenPGP nor SSH/)
  })

  // Every crafted repository commits the same file, so its tree id is known up front.
  let tree = ''
  beforeAll(async () => {
    await repositoryWithCommit((t) => {
      tree = t
      return unsigned(t)
    })
  })

  it('refuses a valid signature by a key that is not trusted', async () => {
    const signature = await sshSign(other, unsigned(tree))
    const { url, commit } = await repositoryWithCommit((t) => commitText(t, signature))
    await expectRefused(url, commit, { keys: [trusted.publicKey] }, 'GIT_SIGNATURE_INVALID', new RegExp(`signed by SSH key ${other.fingerprint.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`))
  })

  it('refuses a signature over a different payload (the message changed after signing)', async () => {
    const signature = await sshSign(trusted, unsigned(tree, 'the original message\n'))
    const { url, commit } = await repositoryWithCommit((t) => commitText(t, signature, 'a different message\n'))
    await expectRefused(url, commit, { keys: [trusted.publicKey] }, 'GIT_SIGNATURE_INVALID', /does not match its content/)
  })

  it('accepts the same signature over the payload it was made for (the crafted form is sound)', async () => {
    const signature = await sshSign(trusted, unsigned(tree))
    const { url, commit } = await repositoryWithCommit((t) => commitText(t, signature))
    await expect(fetchSource(url, { verify: { keys: [trusted.publicKey] } })).resolves.toMatchObject({ commit, verified: [{ fingerprint: trusted.fingerprint }] })
  })

  it('refuses an SSH signature made for another namespace than git', async () => {
    const signature = await sshSign(trusted, unsigned(tree), 'file')
    const { url, commit } = await repositoryWithCommit((t) => commitText(t, signature))
    await expectRefused(url, commit, { keys: [trusted.publicKey] }, 'GIT_SIGNATURE_INVALID', /namespace "file", not "git"/)
  })

  it.for([
    { name: 'text that is no key', key: 'not a key at all' },
    { name: 'a PGP armor with garbage inside', key: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!\n-----END PGP PUBLIC KEY BLOCK-----' },
    { name: 'an SSH line whose blob is another type', key: `ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGq1rJ0zQ2yV3cY8c8t1n3n3x6lY3fC2sR9tY4eFq1fA` },
    { name: 'an ed25519 blob of the wrong length', key: `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 3, 1, 2, 3])]).toString('base64')}` },
  ])('refuses verify.keys holding $name with GIT_INVALID_OPTION before any request', async ({ key }) => {
    const { url } = await repositoryWithCommit((tree) => `tree ${tree}\nauthor A <a@example.com> 1 +0000\ncommitter A <a@example.com> 1 +0000\n\nx\n`)
    const before = server.requests.length
    const err = (await fetchSource(url, { verify: { keys: [key] } }).catch((e: unknown) => e)) as Error
    expect(err).toMatchObject({ code: 'GIT_INVALID_OPTION', details: { url, key: 0 } })
    expect(err.message.startsWith(`${url}: verify.keys[0] `)).toBe(true)
    expect(server.requests.length).toBe(before)
  })

  it('refuses an empty key list and an unknown mode before any request', async () => {
    const { url } = await repositoryWithCommit((tree) => `tree ${tree}\nauthor A <a@example.com> 1 +0000\ncommitter A <a@example.com> 1 +0000\n\nx\n`)
    await expect(fetchSource(url, { verify: { keys: [] } })).rejects.toMatchObject({ code: 'GIT_INVALID_OPTION' })
    // @ts-expect-error: a mode Flux does not know
    await expect(fetchSource(url, { verify: { mode: 'tag', keys: [trusted.publicKey] } })).rejects.toThrow(TypeError)
  })
})

describe.skipIf(!hasGpg)('fetchSource verify, bad OpenPGP signatures', () => {
  let gpg: GpgHome
  let key: { fingerprint: string; publicKey: string }
  beforeAll(async () => {
    gpg = await createGpgHome()
    key = await gpg.createKey('Fault Signer')
  })
  afterAll(async () => gpg.close())

  it('refuses an OpenPGP signature over a different payload', async () => {
    const name = 'pgp-tampered.git'
    const repo = await createRepository(root.path, { name })
    const signed = await repo.commit({ 'a.yaml': 'a: 1\n' }, { sign: { format: 'openpgp', key: key.fingerprint, gnupgHome: gpg.home } })
    const original = await repo.git(['cat-file', 'commit', signed])
    const tampered = original.replace(/\n\n[^]*$/, '\n\na message changed after signing\n')
    const commit = (await repo.git(['hash-object', '-t', 'commit', '-w', '--stdin'], tampered)).trim()
    await repo.setBranch('main', commit)
    await expectRefused(`${server.url}/${name}`, commit, { keys: [key.publicKey] }, 'GIT_SIGNATURE_INVALID', /no trusted key verifies/)
  })
})
