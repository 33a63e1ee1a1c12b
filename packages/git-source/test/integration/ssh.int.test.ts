// The SSH transport against a real OpenSSH server on 127.0.0.1 running git-upload-pack: deploy
// keys of each type with a passphrase, known_hosts checking, the no-change check and incremental
// fetches as over HTTP, and the refusals (wrong key, unknown or changed host key, a connection that
// drops mid-pack), each naming the URL and writing nothing. Each connection costs a few seconds on a loaded machine (sshd's session
// setup), hence the longer per-test timeout.
import { randomBytes } from 'node:crypto'
import { createConnection, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSshTransport, fetchSource } from '../../src/index.js'
import { createRepository } from '../../src/testing.js'
import type { TestRepository } from '../../src/testing.js'
import { makeKey, sshdAvailable, startSshd } from '../helpers/sshd.js'
import type { KeyPair, Sshd } from '../helpers/sshd.js'
import { artifactOf, filesOf, snapshotDir, tempDir } from '../helpers/workspace.js'

describe.skipIf(!sshdAvailable)(`createSshTransport against OpenSSH${sshdAvailable ? '' : ' (skipped: /usr/sbin/sshd is absent; apt-get install openssh-server)'}`, { timeout: 120_000 }, () => {
  let root: { path: string; remove: () => Promise<void> }
  let work: { path: string; remove: () => Promise<void> }
  let sshd: Sshd
  let repo: TestRepository
  const keys: Record<'ed25519' | 'rsa' | 'ecdsa' | 'wrong', KeyPair> = {} as never
  const passphrase = 'test-only-passphrase'
  let url: string

  beforeAll(async () => {
    root = await tempDir('ssh')
    work = await tempDir('ssh-out')
    const keyDir = join(work.path, 'keys')
    const { mkdir } = await import('node:fs/promises')
    await mkdir(keyDir)
    for (const type of ['ed25519', 'rsa', 'ecdsa'] as const) keys[type] = await makeKey(keyDir, `deploy_${type}`, type, passphrase)
    keys.wrong = await makeKey(keyDir, 'not_authorized', 'ed25519')
    sshd = await startSshd(join(work.path, 'sshd'), [keys.ed25519.publicKey, keys.rsa.publicKey, keys.ecdsa.publicKey])
    repo = await createRepository(root.path, { name: 'fleet.git' })
    await repo.commit({ 'apps/web.yaml': 'kind: ConfigMap\n', 'README.md': 'fleet\n' })
    url = `ssh://${sshd.user}@127.0.0.1:${sshd.port}${root.path}/fleet.git`
  }, 60_000)

  afterAll(async () => {
    await sshd.stop()
    await root.remove()
    await work.remove()
  })

  it('fetches with an ed25519 deploy key that has a passphrase', async () => {
    const transport = createSshTransport({ privateKey: keys.ed25519.privateKey, passphrase, knownHosts: sshd.knownHosts })
    const artifact = artifactOf(await fetchSource(url, { transport }))
    expect(artifact.commit).toBe(await repo.revParse('main'))
    expect(await filesOf(artifact)).toEqual({ 'apps/web.yaml': 'kind: ConfigMap\n', 'README.md': 'fleet\n' })
    expect(artifact.revision).toBe(`main@sha1:${artifact.commit}`)
  })

  it('verifies a commit signed with an SSH key over the SSH transport, and refuses it with a key not trusted', async () => {
    // The unauthorised deploy key has no passphrase, so git can sign with it unattended.
    const signed = await repo.commit({ 'apps/web.yaml': 'kind: ConfigMap\nsigned: true\n' }, { branch: 'signed', sign: { format: 'ssh', key: join(work.path, 'keys', 'not_authorized') } })
    const transport = createSshTransport({ privateKey: keys.ed25519.privateKey, passphrase, knownHosts: sshd.knownHosts })
    const artifact = artifactOf(await fetchSource(url, { transport, ref: { branch: 'signed' }, verify: { keys: [keys.wrong.publicKey] } }))
    expect(artifact.verified).toMatchObject([{ object: 'commit', id: signed, format: 'ssh' }])
    const dir = join(work.path, 'ssh-signed-refused')
    await expect(fetchSource(url, { transport, dir, ref: { branch: 'signed' }, verify: { keys: [keys.rsa.publicKey] } })).rejects.toMatchObject({ code: 'GIT_SIGNATURE_INVALID', details: { id: signed } })
    expect(await snapshotDir(dir)).toEqual(new Map())
  })

  it.for(['rsa', 'ecdsa'] as const)('logs in with a %s deploy key that has a passphrase', async (type) => {
    const transport = createSshTransport({ privateKey: keys[type].privateKey, passphrase, knownHosts: sshd.knownHosts })
    const refs = await transport.listRefs({ url, signal: AbortSignal.timeout(60_000), auth: undefined })
    expect(refs.refs.get('refs/heads/main')).toBe(await repo.revParse('main'))
    expect(refs.symrefs.get('HEAD')).toBe('refs/heads/main')
  })

  it('takes an scp-like URL', async () => {
    const transport = createSshTransport({ privateKey: keys.ed25519.privateKey, passphrase, knownHosts: sshd.knownHosts })
    // scp-like URLs have no port: a host alias would carry it; here the transport is asked for
    // [127.0.0.1]:port through an ssh:// URL above, and the scp form is parsed to the same target.
    const scp = `${sshd.user}@127.0.0.1:${root.path}/fleet.git`
    const err = await fetchSource(scp, { transport, timeout: 10_000 }).catch((e: unknown) => e)
    // Port 22 is not our sshd: nothing listens there, another server whose key is not trusted
    // answers, or a firewall drops the connection; none of them is trusted.
    expect(err).toMatchObject({ code: expect.stringMatching(/^GIT_(UNREACHABLE|HOST_KEY_UNKNOWN|TIMEOUT)$/) as unknown })
    expect((err as Error).message.startsWith(`${scp}: `)).toBe(true)
  })

  it('answers unchanged after one ref listing, and fetches only what changed with a cache', async () => {
    const transport = createSshTransport({ privateKey: keys.ed25519.privateKey, passphrase, knownHosts: sshd.knownHosts })
    const cacheDir = join(work.path, 'cache')
    const first = artifactOf(await fetchSource(url, { transport, cacheDir }))
    await expect(fetchSource(url, { transport, lastRevision: first.revision })).resolves.toMatchObject({ unchanged: true, commit: first.commit })
    await expect(fetchSource(url, { transport, cacheDir })).resolves.toMatchObject({ unchanged: true })
    const second = await repo.commit({ 'apps/api.yaml': 'kind: Service\n' })
    const next = artifactOf(await fetchSource(url, { transport, cacheDir }))
    expect(next.commit).toBe(second)
    expect(Object.keys(await filesOf(next)).sort()).toEqual(['README.md', 'apps/api.yaml', 'apps/web.yaml'])
  })

  it('refuses a key the server does not accept: GIT_AUTH_FAILED naming the URL, nothing written', async () => {
    const dir = join(work.path, 'wrong-key')
    const transport = createSshTransport({ privateKey: keys.wrong.privateKey, knownHosts: sshd.knownHosts })
    await expect(fetchSource(url, { transport, dir })).rejects.toMatchObject({ code: 'GIT_AUTH_FAILED', details: { url } })
    expect((await snapshotDir(dir)).size).toBe(0)
  })

  it('refuses a wrong passphrase as an unreadable key', async () => {
    const transport = createSshTransport({ privateKey: keys.rsa.privateKey, passphrase: 'not it', knownHosts: sshd.knownHosts })
    const err = (await fetchSource(url, { transport }).catch((e: unknown) => e)) as Error
    expect(err).toMatchObject({ code: 'GIT_INVALID_OPTION', details: { url } })
    expect(err.message).not.toContain('not it')
  })

  it('refuses a host that is not in known_hosts: no trust on first use', async () => {
    const dir = join(work.path, 'unknown-host')
    const transport = createSshTransport({ privateKey: keys.ed25519.privateKey, passphrase, knownHosts: `other.example ${sshd.hostKey}\n` })
    await expect(fetchSource(url, { transport, dir })).rejects.toMatchObject({
      code: 'GIT_HOST_KEY_UNKNOWN',
      message: expect.stringMatching(new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the host key of \\[127\\.0\\.0\\.1\\]:${sshd.port} is not in known_hosts`)) as unknown,
    })
    expect((await snapshotDir(dir)).size).toBe(0)
  })

  it('refuses a changed host key', async () => {
    const other = await makeKey(join(work.path, 'keys'), 'other_host_key', 'ed25519')
    const forged = `[127.0.0.1]:${sshd.port} ${other.publicKey.split(' ').slice(0, 2).join(' ')}\n`
    const transport = createSshTransport({ privateKey: keys.ed25519.privateKey, passphrase, knownHosts: forged })
    await expect(fetchSource(url, { transport })).rejects.toMatchObject({ code: 'GIT_HOST_KEY_CHANGED', details: { url, host: `[127.0.0.1]:${sshd.port}` } })
  })

  it('fails with a typed error and writes nothing when the connection drops mid-pack', async () => {
    // A TCP relay in front of sshd passes the handshake, the login and the advertisement, then
    // drops both connections once the server has sent 256 KiB: the pack of this 1 MiB
    // incompressible file is cut in the middle, as when the server dies.
    const big = await createRepository(root.path, { name: 'big.git' })
    await big.commit({ 'blob.bin': randomBytes(1024 * 1024).toString('latin1') })
    const sockets = new Set<Socket>()
    const relay = createServer((client) => {
      const upstream = createConnection(sshd.port)
      sockets.add(client).add(upstream)
      let sent = 0
      upstream.on('data', (chunk: Buffer) => {
        sent += chunk.length
        if (sent > 256 * 1024) {
          client.destroy()
          upstream.destroy()
          return
        }
        client.write(chunk)
      })
      client.on('data', (chunk: Buffer) => upstream.write(chunk))
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
    try {
      const port = (relay.address() as AddressInfo).port
      const knownHosts = sshd.knownHosts.split(`[127.0.0.1]:${sshd.port}`).join(`[127.0.0.1]:${port}`)
      const bigUrl = `ssh://${sshd.user}@127.0.0.1:${port}${root.path}/big.git`
      const dir = join(work.path, 'mid-pack')
      const transport = createSshTransport({ privateKey: keys.ed25519.privateKey, passphrase, knownHosts })
      const error = await fetchSource(bigUrl, { transport, dir, timeout: 30_000 }).catch((e: unknown) => e)
      // Seen at once, not at the deadline: the pack stream ended inside a pkt-line.
      expect(error).toMatchObject({ code: 'GIT_PROTOCOL_ERROR', details: { url: bigUrl } })
      const message = (error as Error).message
      expect(message.startsWith(`${bigUrl}: `)).toBe(true)
      expect(message).toContain('receiving the pack')
      expect((await snapshotDir(dir)).size).toBe(0)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => relay.close(resolve))
    }
  })

  it('reports a missing repository', async () => {
    const transport = createSshTransport({ privateKey: keys.ed25519.privateKey, passphrase, knownHosts: sshd.knownHosts })
    const missing = `ssh://${sshd.user}@127.0.0.1:${sshd.port}${root.path}/nope.git`
    await expect(fetchSource(missing, { transport })).rejects.toMatchObject({ code: 'GIT_REPOSITORY_NOT_FOUND', details: { url: missing } })
  })
})
