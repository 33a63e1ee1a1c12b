// Debian's docker-registry (the distribution registry) on 127.0.0.1 with a random port and a temp
// storage directory, open, behind htpasswd basic auth, or behind a token realm served here (JWTs
// signed with a test-only key whose self-signed certificate the registry trusts). A test harness:
// it spawns docker-registry, htpasswd and openssl, and listens only on 127.0.0.1.
import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createPrivateKey, sign, X509Certificate } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const binary = '/usr/bin/docker-registry'

/** Whether `/usr/bin/docker-registry` is installed (`apt-get install docker-registry`). */
export const registryAvailable: boolean = existsSync(binary)
/** Whether `htpasswd` (apache2-utils) and `openssl` are installed, as the auth modes need. */
export const authToolsAvailable: boolean = existsSync('/usr/bin/htpasswd') && existsSync('/usr/bin/openssl')

/** A running registry, from {@link startRegistry}. */
export interface TestRegistry {
  /** `127.0.0.1:port`. */
  readonly host: string
  /** The query of every request the token realm answered (auth `token` only). */
  readonly tokenRequests: string[]
  /** Stops the registry (and its realm) and removes its storage. */
  stop(): Promise<void>
}

/** Who may log in to a {@link TestRegistry}. */
export interface TestRegistryUser {
  /** The one user name accepted. */
  readonly username: string
  /** Its password. */
  readonly password: string
  /** A refresh token the realm also takes (an OAuth2 `refresh_token` grant posted to it). @defaultValue none */
  readonly identityToken?: string | undefined
}

/** Options of {@link startRegistry}. */
export interface StartRegistryOptions {
  /** `htpasswd` (basic auth) or `token` (a bearer token realm) letting only `user` in. @defaultValue open */
  readonly auth?: 'htpasswd' | 'token' | undefined
  /** The one user of an auth mode. */
  readonly user?: TestRegistryUser | undefined
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url')

/** A token realm issuing ES256 JWTs for `user`, as the distribution token spec describes. */
async function startTokenRealm(dir: string, user: TestRegistryUser, requests: string[]): Promise<{ server: Server; url: string; certPath: string }> {
  const keyPath = join(dir, 'token.key')
  const certPath = join(dir, 'token.pem')
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=test-only-token-issuer', '-days', '2', '-keyout', keyPath, '-out', certPath])
  const key = createPrivateKey(await readFile(keyPath))
  const cert = new X509Certificate(await readFile(certPath))
  const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`
  const issue = (req: IncomingMessage, res: ServerResponse, form: URLSearchParams | undefined): void => {
    const url = new URL(req.url ?? '/', 'http://realm')
    if (form !== undefined) {
      // The OAuth2 refresh-token grant: recorded without the token itself.
      requests.push(`POST grant_type=${form.get('grant_type') ?? ''}&service=${form.get('service') ?? ''}&scope=${form.get('scope') ?? ''}`)
      if (form.get('grant_type') !== 'refresh_token' || user.identityToken === undefined || form.get('refresh_token') !== user.identityToken) {
        res.writeHead(401).end()
        return
      }
    } else {
      requests.push(url.search)
      if (req.headers.authorization !== expected) {
        res.writeHead(401).end()
        return
      }
    }
    const scope = (form ?? url.searchParams).get('scope') ?? ''
    const [type, name, actions] = scope.split(':')
    const now = Math.floor(Date.now() / 1000)
    const header = { typ: 'JWT', alg: 'ES256', x5c: [cert.raw.toString('base64')] }
    const claims = { iss: 'test-only-issuer', sub: user.username, aud: 'test-registry', exp: now + 600, nbf: now - 60, iat: now, jti: String(now), access: [{ type, name, actions: (actions ?? '').split(',') }] }
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    const token = `${input}.${b64url(signature)}`
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(form !== undefined ? { access_token: token } : { token }))
  }
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      issue(req, res, undefined)
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => issue(req, res, new URLSearchParams(Buffer.concat(chunks).toString('utf8'))))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, certPath }
}

/**
 * Starts Debian's docker-registry on 127.0.0.1 at a random port with a temp storage directory,
 * open or letting only `user` in (htpasswd basic auth, or a token realm served in this process).
 * Throws when the binary is absent: check {@link registryAvailable} first.
 *
 * @example
 * ```ts
 * const registry = await startRegistry({ auth: 'htpasswd', user: { username: 'bot', password: 'test-only' } })
 * await pushArtifact(`oci://${registry.host}/acme/fleet:v1`, { fs, auth: { username: 'bot', password: 'test-only' } })
 * await registry.stop()
 * ```
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'gitops-registry-'))
  const port = await freePort()
  const tokenRequests: string[] = []
  let realm: Awaited<ReturnType<typeof startTokenRealm>> | undefined
  const auth: string[] = []
  if (options.auth === 'htpasswd' && options.user !== undefined) {
    const { stdout } = await run('htpasswd', ['-Bbn', options.user.username, options.user.password])
    await writeFile(join(dir, 'htpasswd'), stdout)
    auth.push('auth:', '  htpasswd:', '    realm: test-realm', `    path: ${join(dir, 'htpasswd')}`)
  } else if (options.auth === 'token' && options.user !== undefined) {
    realm = await startTokenRealm(dir, options.user, tokenRequests)
    auth.push('auth:', '  token:', `    realm: ${realm.url}`, '    service: test-registry', '    issuer: test-only-issuer', `    rootcertbundle: ${realm.certPath}`)
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: test-only-http-secret',
    ...auth,
  ].join('\n')
  await writeFile(join(dir, 'config.yml'), `${config}\n`)
  const child: ChildProcess = spawn(binary, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const host = `127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill()
      await exited
    }
    if (realm !== undefined) await new Promise<void>((resolve) => realm.server.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  }
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`http://${host}/v2/`)
      await res.body?.cancel()
      if (res.status === 200 || res.status === 401) break
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null || i > 200) {
      await stop()
      throw new Error(`docker-registry did not start: ${stderr}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { host, tokenRequests, stop }
}
