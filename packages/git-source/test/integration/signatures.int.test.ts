// Signature verification (Flux's spec.verify) against commits and tags signed by the real gpg and
// ssh-keygen through real git, served by git http-backend.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { systemClock } from '@gitops-sdk/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchSource } from '../../src/index.js'
import { createRepository } from '../../src/testing.js'
import { createGpgHome, createSshKey, hasGpg, hasSshKeygen } from '../helpers/signingKeys.js'
import type { GpgHome, SshKeyPair } from '../helpers/signingKeys.js'
import { artifactOf, snapshotDir, useServedWorkspace } from '../helpers/workspace.js'

const ws = useServedWorkspace('signatures')

describe.skipIf(!hasGpg)('fetchSource verify with OpenPGP keys (gpg)', () => {
  let gpg: GpgHome
  let alice: { fingerprint: string; publicKey: string }
  let mallory: { fingerprint: string; publicKey: string }
  beforeAll(async () => {
    gpg = await createGpgHome()
    alice = await gpg.createKey('Alice Signer')
    mallory = await gpg.createKey('Mallory Other')
  })
  afterAll(async () => gpg.close())
  const sign = (key: string) => ({ format: 'openpgp' as const, key, gnupgHome: gpg.home })

  it('verifies a commit signed with git commit -S and reports the key fingerprint', async () => {
    const repo = await createRepository(ws.root, { name: 'pgp-head.git' })
    const commit = await repo.commit({ 'app.yaml': 'kind: ConfigMap\n' }, { sign: sign(alice.fingerprint) })
    expect(await repo.git(['cat-file', 'commit', commit])).toContain('-----BEGIN PGP SIGNATURE-----')
    const artifact = artifactOf(await fetchSource(`${ws.server.url}/pgp-head.git`, { verify: { mode: 'HEAD', keys: [mallory.publicKey, alice.publicKey] } }))
    expect(artifact.commit).toBe(commit)
    expect(artifact.verified).toEqual([{ object: 'commit', id: commit, format: 'openpgp', fingerprint: alice.fingerprint }])
  })

  it('refuses an unsigned commit, naming it and the keys tried, and writes nothing', async () => {
    const repo = await createRepository(ws.root, { name: 'pgp-unsigned.git' })
    const commit = await repo.commit({ 'app.yaml': 'kind: ConfigMap\n' })
    const dir = join(ws.work, 'unsigned-out')
    const cacheDir = join(ws.work, 'unsigned-cache')
    const error = await fetchSource(`${ws.server.url}/pgp-unsigned.git`, { dir, cacheDir, verify: { keys: [alice.publicKey] } }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'GIT_SIGNATURE_MISSING', details: { object: 'commit', id: commit, fingerprints: [alice.fingerprint] } })
    expect((error as Error).message).toMatch(new RegExp(`^${ws.server.url}/pgp-unsigned.git: commit ${commit} is not signed; keys tried: ${alice.fingerprint}`))
    expect(existsSync(dir)).toBe(false)
    // The pack may be cached, but no revision is remembered: the next fetch verifies again.
    await expect(fetchSource(`${ws.server.url}/pgp-unsigned.git`, { cacheDir, verify: { keys: [alice.publicKey] } })).rejects.toMatchObject({ code: 'GIT_SIGNATURE_MISSING' })
  })

  it('refuses a commit signed by a key that is not trusted', async () => {
    const repo = await createRepository(ws.root, { name: 'pgp-wrong.git' })
    const commit = await repo.commit({ 'app.yaml': 'kind: ConfigMap\n' }, { sign: sign(mallory.fingerprint) })
    const dir = join(ws.work, 'wrong-out')
    await expect(fetchSource(`${ws.server.url}/pgp-wrong.git`, { dir, verify: { keys: [alice.publicKey] } })).rejects.toMatchObject({
      code: 'GIT_SIGNATURE_INVALID',
      message: expect.stringContaining(`commit ${commit} has an OpenPGP signature no trusted key verifies`) as unknown,
      details: { id: commit, fingerprints: [alice.fingerprint], issuer: mallory.fingerprint.slice(-16) },
    })
    expect(await snapshotDir(dir)).toEqual(new Map())
  })

  it('verifies a signed tag (Tag) and a tag and its commit (TagAndHEAD) through a semver range', async () => {
    const repo = await createRepository(ws.root, { name: 'pgp-tag.git' })
    const commit = await repo.commit({ 'app.yaml': 'v: 1\n' }, { sign: sign(alice.fingerprint) })
    const tagId = await repo.tag('v1.0.0', { sign: sign(alice.fingerprint) })
    const url = `${ws.server.url}/pgp-tag.git`
    const tagged = artifactOf(await fetchSource(url, { ref: { tag: 'v1.0.0' }, verify: { mode: 'Tag', keys: [alice.publicKey] } }))
    expect(tagged.verified).toEqual([{ object: 'tag', id: tagId, tag: 'v1.0.0', format: 'openpgp', fingerprint: alice.fingerprint }])
    const both = artifactOf(await fetchSource(url, { ref: { semver: '^1.0.0' }, verify: { mode: 'TagAndHEAD', keys: [alice.publicKey] } }))
    expect(both.verified?.map((v) => `${v.object} ${v.id}`)).toEqual([`tag ${tagId}`, `commit ${commit}`])
  })

  it('refuses Tag mode for a lightweight tag, an unsigned annotated tag, and a branch ref', async () => {
    const repo = await createRepository(ws.root, { name: 'pgp-tags.git' })
    const commit = await repo.commit({ 'app.yaml': 'v: 1\n' }, { sign: sign(alice.fingerprint) })
    await repo.tag('light')
    const annotated = await repo.tag('plain', { annotated: true })
    const url = `${ws.server.url}/pgp-tags.git`
    const verify = { mode: 'Tag' as const, keys: [alice.publicKey] }
    await expect(fetchSource(url, { ref: { tag: 'light' }, verify })).rejects.toMatchObject({ code: 'GIT_SIGNATURE_MISSING', details: { object: 'tag', tag: 'light', id: commit } })
    await expect(fetchSource(url, { ref: { tag: 'plain' }, verify })).rejects.toMatchObject({ code: 'GIT_SIGNATURE_MISSING', details: { object: 'tag', tag: 'plain', id: annotated } })
    ws.server.clearRequests()
    await expect(fetchSource(url, { ref: { branch: 'main' }, verify })).rejects.toMatchObject({ code: 'GIT_INVALID_OPTION' })
    expect(ws.server.requests).toEqual([])
    // HEAD mode over the same lightweight tag verifies the commit.
    await expect(fetchSource(url, { ref: { tag: 'light' }, verify: { mode: 'HEAD', keys: [alice.publicKey] } })).resolves.toMatchObject({ commit })
  })

  it('refuses a signature by an expired key, and by a revoked one', async () => {
    const home = await createGpgHome()
    try {
      const expiring = await home.createKey('Expiring Signer', { expire: '1d' })
      const revoked = await home.createKey('Revoked Signer')
      const repo = await createRepository(ws.root, { name: 'pgp-expired.git' })
      const expiredCommit = await repo.commit({ 'a.yaml': 'a: 1\n' }, { sign: { format: 'openpgp', key: expiring.fingerprint, gnupgHome: home.home } })
      const url = `${ws.server.url}/pgp-expired.git`
      // Two days on, the key has expired: the clock decides when the signature is checked.
      const later = { ...systemClock, now: () => new Date(Date.now() + 2 * 86_400_000) }
      await expect(fetchSource(url, { clock: later, verify: { keys: [expiring.publicKey] } })).rejects.toMatchObject({
        code: 'GIT_SIGNATURE_INVALID',
        details: { id: expiredCommit },
        message: expect.stringMatching(/expired/i) as unknown,
      })
      await repo.commit({ 'a.yaml': 'a: 2\n' }, { sign: { format: 'openpgp', key: revoked.fingerprint, gnupgHome: home.home } })
      const revokedKey = await home.revoke(revoked.fingerprint)
      await expect(fetchSource(url, { verify: { keys: [revokedKey] } })).rejects.toMatchObject({ code: 'GIT_SIGNATURE_INVALID', message: expect.stringMatching(/revoked/i) as unknown })
    } finally {
      await home.close()
    }
  })

  it('does not let a cache built without verification answer a verifying request', async () => {
    const repo = await createRepository(ws.root, { name: 'pgp-cache.git' })
    await repo.commit({ 'a.yaml': 'a: 1\n' })
    const url = `${ws.server.url}/pgp-cache.git`
    const cacheDir = join(ws.work, 'cache-verify')
    artifactOf(await fetchSource(url, { cacheDir }))
    await expect(fetchSource(url, { cacheDir })).resolves.toMatchObject({ unchanged: true })
    await expect(fetchSource(url, { cacheDir, verify: { keys: [alice.publicKey] } })).rejects.toMatchObject({ code: 'GIT_SIGNATURE_MISSING' })
  })
})

describe.skipIf(!hasSshKeygen)('fetchSource verify with SSH signing keys (gpg.format ssh)', () => {
  const keys: Record<string, SshKeyPair> = {}
  beforeAll(async () => {
    for (const type of ['ed25519', 'rsa', 'ecdsa'] as const) keys[type] = await createSshKey(ws.work, `signer-${type}`, type)
  })
  const key = (type: string): SshKeyPair => keys[type] as SshKeyPair

  it.for(['ed25519', 'rsa', 'ecdsa'])('verifies a commit and a tag signed with an %s key', async (type) => {
    const repo = await createRepository(ws.root, { name: `ssh-${type}.git` })
    const sign = { format: 'ssh' as const, key: key(type).privateKey }
    const commit = await repo.commit({ 'app.yaml': 'kind: ConfigMap\n' }, { sign })
    const tagId = await repo.tag('v1.0.0', { sign })
    expect(await repo.git(['cat-file', 'commit', commit])).toContain('-----BEGIN SSH SIGNATURE-----')
    // An allowed_signers line (principal first) works as well as a bare .pub line.
    const trusted = [`signer@example.com ${key(type).publicKey}`]
    const artifact = artifactOf(await fetchSource(`${ws.server.url}/ssh-${type}.git`, { ref: { tag: 'v1.0.0' }, verify: { mode: 'TagAndHEAD', keys: trusted } }))
    expect(artifact.verified).toEqual([
      { object: 'tag', id: tagId, tag: 'v1.0.0', format: 'ssh', fingerprint: key(type).fingerprint },
      { object: 'commit', id: commit, format: 'ssh', fingerprint: key(type).fingerprint },
    ])
  })

  it('refuses a commit signed by an SSH key that is not trusted, naming the signer and the keys tried', async () => {
    const repo = await createRepository(ws.root, { name: 'ssh-wrong.git' })
    const commit = await repo.commit({ 'app.yaml': 'kind: ConfigMap\n' }, { sign: { format: 'ssh', key: key('rsa').privateKey } })
    const dir = join(ws.work, 'ssh-wrong-out')
    await expect(fetchSource(`${ws.server.url}/ssh-wrong.git`, { dir, verify: { keys: [key('ed25519').publicKey, key('ecdsa').publicKey] } })).rejects.toMatchObject({
      code: 'GIT_SIGNATURE_INVALID',
      message: expect.stringContaining(`commit ${commit} is signed by SSH key ${key('rsa').fingerprint}, which is not a trusted key; keys tried: ${key('ed25519').fingerprint}, ${key('ecdsa').fingerprint}`) as unknown,
      details: { signer: key('rsa').fingerprint },
    })
    expect(existsSync(dir)).toBe(false)
  })
})
