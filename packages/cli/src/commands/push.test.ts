// gitops push artifact and gitops fetch oci:// against Debian's docker-registry on 127.0.0.1.
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { authToolsAvailable, registryAvailable, startRegistry } from '@gitops-sdk/oci-source/testing'
import type { TestRegistry } from '@gitops-sdk/oci-source/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIO } from '../context.js'
import { main } from '../main.js'

function capture(cwd: string, env: Record<string, string> = {}): { io: CliIO; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env, cwd },
    out: () => out,
    err: () => err,
  }
}

describe.skipIf(!registryAvailable)(`gitops push artifact and gitops fetch oci://${registryAvailable ? '' : ' (skipped: docker-registry is absent; apt-get install docker-registry)'}`, () => {
  let registry: TestRegistry
  let root: string
  beforeAll(async () => {
    registry = await startRegistry()
    root = await mkdtemp(join(tmpdir(), 'gitops-cli-oci-'))
    await mkdir(join(root, 'deploy/apps'), { recursive: true })
    await writeFile(join(root, 'deploy/apps/web.yaml'), 'kind: ConfigMap\n')
    await writeFile(join(root, 'deploy/kustomization.yaml'), 'resources: [apps/web.yaml]\n')
  })
  afterAll(async () => {
    await registry.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('pushes a directory and fetches it back by tag, semver and digest, then answers unchanged', async () => {
    const push = capture(root)
    const target = `oci://${registry.host}/acme/fleet:v1.0.0`
    expect(await main(['push', 'artifact', target, '--path', 'deploy', '--source', 'https://example.com/fleet.git', '--revision', 'main@sha1:abc'], push.io)).toBe(0)
    const pushed = JSON.parse(push.out()) as { digest: string; revision: string; files: number; annotations: Record<string, string> }
    expect(pushed).toMatchObject({ revision: `v1.0.0@${pushed.digest}`, files: 2, annotations: { 'org.opencontainers.image.source': 'https://example.com/fleet.git', 'org.opencontainers.image.revision': 'main@sha1:abc' } })

    const repo = `oci://${registry.host}/acme/fleet`
    for (const [ref, out] of [['tag:v1.0.0', 'out-tag'], ['semver:>=1.0.0', 'out-semver'], [`digest:${pushed.digest}`, 'out-digest']] as const) {
      const c = capture(root)
      expect(await main(['fetch', repo, '--ref', ref, '--out', out], c.io), c.err()).toBe(0)
      expect(JSON.parse(c.out())).toMatchObject({ digest: pushed.digest, path: join(root, out), files: 2 })
      expect(await readFile(join(root, out, 'apps/web.yaml'), 'utf8')).toBe('kind: ConfigMap\n')
    }
    const again = capture(root)
    expect(await main(['fetch', repo, '--ref', 'tag:v1.0.0', '--out', 'out-tag', '--last-revision', pushed.revision], again.io)).toBe(0)
    expect(JSON.parse(again.out())).toEqual({ unchanged: true, revision: pushed.revision })
  })

  it.for([
    [['push', 'artifact', 'oci://HOST/x:1'], /--path DIR is required/],
    [['push', 'image', 'oci://127.0.0.1:1/x:1', '--path', 'deploy'], /unknown "image": the one form is gitops push artifact/],
    [['push', 'artifact', 'oci://127.0.0.1:1/acme/fleet', '--path', 'deploy'], /push needs a tag .*\[OCI_INVALID_OPTION\]/],
    [['push', 'artifact', 'oci://127.0.0.1:1/acme/fleet:v1', '--path', 'nowhere'], /--path nowhere: no such directory/],
    [['fetch', 'oci://127.0.0.1:1/acme/fleet', '--ref', 'branch:main', '--out', 'never'], /--ref must be tag:TAG, semver:RANGE or digest:sha256:HEX/],
    [['fetch', 'oci://127.0.0.1:1/acme/fleet', '--ref', 'tag:v1', '--out', 'never', '--verify', 'HEAD'], /--verify and --verify-key are for git repositories/],
  ] as const)('refuses %j with one line and exit 2', async ([argv, message]) => {
    const c = capture(root)
    expect(await main([...argv], c.io)).toBe(2)
    expect(c.err().trim().split('\n').at(-1)).toMatch(message)
    expect(existsSync(join(root, 'never'))).toBe(false)
  })

  it.skipIf(!authToolsAvailable)('uses --username and --password-env against a registry with htpasswd auth, never printing the password', async () => {
    const secured = await startRegistry({ auth: 'htpasswd', user: { username: 'bot', password: 'test-only-oci-pass' } })
    try {
      const env = { REGISTRY_PASSWORD: 'test-only-oci-pass' }
      const target = `oci://${secured.host}/acme/private:v1`
      const push = capture(root, env)
      expect(await main(['push', 'artifact', target, '--path', 'deploy', '--username', 'bot', '--password-env', 'REGISTRY_PASSWORD'], push.io)).toBe(0)
      const refused = capture(root, { REGISTRY_PASSWORD: 'wrong-oci-pass' })
      expect(await main(['fetch', target, '--out', 'out-refused', '--username', 'bot', '--password-env', 'REGISTRY_PASSWORD'], refused.io)).toBe(2)
      expect(refused.err()).toContain('[OCI_AUTH_FAILED]')
      expect(refused.out() + refused.err()).not.toContain('wrong-oci-pass')
      const pulled = capture(root, env)
      expect(await main(['fetch', target, '--out', 'out-private', '--username', 'bot', '--password-env', 'REGISTRY_PASSWORD'], pulled.io)).toBe(0)
      expect(pulled.out() + pulled.err()).not.toContain('test-only-oci-pass')
    } finally {
      await secured.stop()
    }
  })
})
