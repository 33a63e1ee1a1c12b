import { readFile } from 'node:fs/promises'
import { startGitServer } from '../../src/testing.js'
import type { GitServer } from '../../src/testing.js'

const tlsDir = new URL('../fixtures/tls/', import.meta.url)

/** Three servers over one root that demand credentials: basic auth, a bearer token, and a bearer token over HTTPS. */
export interface AuthServers {
  /** Basic auth as user `deployer`. */
  readonly basic: GitServer
  readonly bearer: GitServer
  /** HTTPS with a certificate of the test-only CA. */
  readonly https: GitServer
  /** The test-only CA bundle (PEM) that `https` needs. */
  readonly ca: string
  stop(): Promise<void>
}

/** Starts the {@link AuthServers} over the repositories in `root`. */
export async function startAuthServers(root: string, secrets: { readonly password: string; readonly token: string }): Promise<AuthServers> {
  const { password, token } = secrets
  const ca = await readFile(new URL('test-only-ca.pem', tlsDir), 'utf8')
  const basic = await startGitServer({ root, auth: { username: 'deployer', password } })
  const bearer = await startGitServer({ root, auth: { token } })
  const https = await startGitServer({
    root,
    auth: { token },
    tls: { key: await readFile(new URL('test-only-server.key', tlsDir)), cert: await readFile(new URL('test-only-server.pem', tlsDir)) },
  })
  return {
    basic,
    bearer,
    https,
    ca,
    async stop() {
      await Promise.all([basic.stop(), bearer.stop(), https.stop()])
    },
  }
}
