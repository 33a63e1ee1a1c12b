// Faults of OCI charts through the whole composition (gitops template oci://…: helm's fetchOciChart
// over oci-source's registry client) against a registry faked on 127.0.0.1 answering what a broken
// or hostile one would: 401, 404, 500, a manifest of another media type, a layer that does not hash
// to its digest, an oversize layer, tags no range matches. Each is a typed error naming the chart,
// nothing is written to the working tree, and the credentials never reach the output.
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isGitOpsError } from '@gitops-sdk/core'
import { chartArchive } from '../../../helm/test/helpers/chartRepository.js'
import { assertNoPollution, plantedProperty, pollutingKeys } from '../../../../testing/pollution.js'
import { dockerConfigAuth } from '../../src/ociCharts.js'
import { run } from '../helpers/run.js'

const password = 'test-only-S3cretPass'
const token = 'test-only-T0kenValue'
const sha = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

interface Route {
  readonly status?: number
  readonly type?: string
  readonly body?: Uint8Array | string
  readonly headers?: Record<string, string>
}

let server: Server
let host: string
let cwd: string
const routes = new Map<string, Route>()
const seenAuth: string[] = []

function manifest(repo: string, tag: string, options: { config?: string; layer?: Uint8Array; layerDigest?: string; layerSize?: number } = {}): void {
  const layer = options.layer ?? chartArchive('app', tag.replaceAll('_', '+'))
  const config = Buffer.from('{}')
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: options.config ?? 'application/vnd.cncf.helm.config.v1+json', digest: sha(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: options.layerDigest ?? sha(layer), size: options.layerSize ?? layer.length }],
  })
  routes.set(`/v2/${repo}/manifests/${tag}`, { type: 'application/vnd.oci.image.manifest.v1+json', body, headers: { 'docker-content-digest': sha(body) } })
  routes.set(`/v2/${repo}/blobs/${options.layerDigest ?? sha(layer)}`, { body: layer })
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'gitops-oci-chart-faults-'))
  writeFileSync(join(cwd, 'keep.txt'), 'x')
  server = createServer((req, res) => {
    seenAuth.push(req.headers.authorization ?? '')
    const path = (req.url ?? '/').replace(/\?.*$/u, '')
    const route = routes.get(path) ?? { status: 404, type: 'application/json', body: '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}' }
    res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/octet-stream', ...route.headers })
    res.end(route.body ?? '')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  const tags = (repo: string, list: string[]): void => void routes.set(`/v2/${repo}/tags/list`, { type: 'application/json', body: JSON.stringify({ name: repo, tags: list }) })
  tags('charts/app', ['1.0.0', '1.1.0_build.2', 'latest'])
  manifest('charts/app', '1.0.0')
  manifest('charts/app', '1.1.0_build.2')
  tags('charts/flux', ['1.0.0'])
  manifest('charts/flux', '1.0.0', { config: 'application/vnd.cncf.flux.config.v1+json' })
  tags('charts/tampered', ['1.0.0'])
  const real = chartArchive('app', '1.0.0')
  const tampered = Buffer.from(real)
  tampered[tampered.length - 3] = (tampered[tampered.length - 3] as number) ^ 1
  manifest('charts/tampered', '1.0.0', { layer: tampered, layerDigest: sha(real) })
  tags('charts/huge', ['1.0.0'])
  manifest('charts/huge', '1.0.0', { layerSize: 600 * 1024 * 1024 })
  routes.set('/v2/charts/locked/tags/list', { status: 401, headers: { 'www-authenticate': 'Basic realm="test"' } })
  routes.set('/v2/charts/broken/tags/list', { status: 500, body: 'internal error' })
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  rmSync(cwd, { recursive: true, force: true })
})

async function template(repo: string, args: readonly string[] = []): Promise<{ code: string; message: string; printed: string }> {
  const result = await run(['template', `oci://${host}/charts/${repo}`, ...args], { cwd, env: { PW: password, TOKEN: token } })
  expect(result.code).not.toBe(0)
  expect(result.out).toBe('')
  expect(readdirSync(cwd)).toEqual(['keep.txt'])
  const err = result.error
  if (!isGitOpsError(err)) throw new Error(`expected a typed error, got ${String(err)}`)
  return { code: err.code, message: err.message, printed: result.err + JSON.stringify(err.toJSON()) }
}

describe('gitops template oci:// faults', () => {
  it.each([
    ['a 401 with credentials refused', 'locked', ['--username', 'bot', '--password-env', 'PW'], 'OCI_AUTH_FAILED', 'the registry refused the credentials (HTTP 401)'],
    ['a 401 to a bearer token', 'locked', ['--token-env', 'TOKEN'], 'OCI_AUTH_FAILED', 'HTTP 401'],
    ['a 404 repository', 'nope', [], 'OCI_NOT_FOUND', 'not found (HTTP 404)'],
    ['a 500', 'broken', [], 'OCI_PROTOCOL_ERROR', 'HTTP 500'],
    ['a manifest of a Flux artifact', 'flux', [], 'HELM_CHART_INVALID', "not a Helm chart: the manifest's config is application/vnd.cncf.flux.config.v1+json"],
    ['a layer that does not hash to its digest', 'tampered', [], 'OCI_DIGEST_MISMATCH', 'hashes to sha256:'],
    ['a layer past the size limit', 'huge', [], 'HELM_SOURCE_TOO_LARGE', 'the chart layer declares 629145600 bytes, more than the limit of 33554432'],
    ['a range no tag matches', 'app', ['--version', '>=2.0.0'], 'HELM_SOURCE_NOT_FOUND', "no version matches '>=2.0.0' (tags seen: 1.1.0+build.2, 1.0.0)"],
  ])('refuses %s with a typed error naming the chart, credentials unprinted', async (_name, repo, args, code, says) => {
    const f = await template(repo, args)
    expect(f.code).toBe(code)
    expect(f.message.startsWith(`oci://${host}/charts/${repo}`)).toBe(true)
    expect(f.message).toContain(says)
    expect(f.printed).not.toContain(password)
    expect(f.printed).not.toContain(token)
    expect(f.printed).not.toContain(Buffer.from(`bot:${password}`).toString('base64'))
  })

  it('sends the credentials only as the Authorization header the registry asked for', async () => {
    seenAuth.length = 0
    await template('locked', ['--username', 'bot', '--password-env', 'PW'])
    expect(seenAuth).toEqual(['', `Basic ${Buffer.from(`bot:${password}`).toString('base64')}`])
  })

  it('refuses directory-only use of OCI flags and credentials in the reference', async () => {
    const dirWithVersion = await run(['template', '.', '--version', '1.0.0'], { cwd })
    expect(isGitOpsError(dirWithVersion.error, 'CLI_FLAG_INVALID')).toBe(true)
    const inUrl = await run(['template', `oci://bot:${password}@${host}/charts/app`], { cwd })
    expect(inUrl.code).not.toBe(0)
    expect(inUrl.err + inUrl.out).not.toContain(password)
  })

  it('reads docker configs as docker does and names no secret when one is malformed', () => {
    const auth = Buffer.from(`bot:${password}`).toString('base64')
    expect(dockerConfigAuth(JSON.stringify({ auths: { 'https://r.example': { auth } } }), 'r.example')).toEqual({ username: 'bot', password })
    expect(dockerConfigAuth(JSON.stringify({ auths: { 'r.example': { registrytoken: token } } }), 'r.example')).toEqual({ token })
    expect(dockerConfigAuth(JSON.stringify({ auths: { other: { auth } } }), 'r.example')).toBeUndefined()
    expect(dockerConfigAuth(JSON.stringify({ auths: { __proto__: { auth } } }), '__proto__')).toBeUndefined()
    expect(() => dockerConfigAuth(`{"auths": ${password}`, 'r.example')).toThrow(/^the docker config for r\.example is not JSON$/u)
    expect(() => dockerConfigAuth(JSON.stringify({ auths: { 'r.example': { auth: Buffer.from(password).toString('base64') } } }), 'r.example')).toThrow(/^the docker config entry for r\.example has an auth that is not user:password$/u)
  })
})

describe("gitops template oci:// and helm's registry credential files", () => {
  /** Runs `gitops template oci://…/charts/app` with `env` and a HOME of its own; expects a typed refusal that printed no secret and wrote nothing. */
  async function refused(env: Record<string, string>, files: Record<string, string>): Promise<{ code: string; message: string }> {
    const home = mkdtempSync(join(tmpdir(), 'gitops-registry-config-'))
    try {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(home, path)), { recursive: true })
        writeFileSync(join(home, path), text.replace('%HOST%', host))
      }
      const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace('~', home)]))
      const result = await run(['template', `oci://${host}/charts/app`, '--version', '1.0.0'], { cwd, env: { HOME: home, ...resolved } })
      expect(result.code).not.toBe(0)
      expect(result.out).toBe('')
      expect(readdirSync(cwd)).toEqual(['keep.txt'])
      for (const [path, text] of Object.entries(files)) expect(readFileSync(join(home, path), 'utf8')).toBe(text.replace('%HOST%', host))
      const err = result.error
      if (!isGitOpsError(err)) throw new Error(`expected a typed error, got ${String(err)}`)
      const printed = result.err + JSON.stringify(err.toJSON())
      expect(printed).not.toContain(password)
      expect(printed).not.toContain(Buffer.from(password).toString('base64'))
      assertNoPollution()
      return { code: err.code, message: err.message.replaceAll(home, '~') }
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  }

  it.each([
    ['$HELM_REGISTRY_CONFIG that is not JSON', { HELM_REGISTRY_CONFIG: '~/r.json' }, { 'r.json': `{"auths": ${password}` }, '~/r.json ($HELM_REGISTRY_CONFIG): invalid registry config: not a JSON object'],
    ["helm's registry/config.json holding an array", {}, { '.config/helm/registry/config.json': `["${password}"]` }, "~/.config/helm/registry/config.json (helm's registry config): invalid registry config: not a JSON object"],
    ['$HELM_CONFIG_HOME with auths that are no object', { HELM_CONFIG_HOME: '~/h' }, { 'h/registry/config.json': `{"auths": "${password}"}` }, "~/h/registry/config.json (helm's registry config): invalid registry config: its auths is not an object"],
    ["Docker's config.json with an auth that is not user:password", { DOCKER_CONFIG: '~/d' }, { 'd/config.json': JSON.stringify({ auths: { '%HOST%': { auth: Buffer.from(password).toString('base64') } } }) }, "~/d/config.json (Docker's config): invalid registry config: the docker config entry for"],
    ['a $XDG_CONFIG_HOME file that is empty (helm refuses it too)', { XDG_CONFIG_HOME: '~/x' }, { 'x/helm/registry/config.json': '' }, "~/x/helm/registry/config.json (helm's registry config): invalid registry config: not a JSON object"],
    ['$HELM_REGISTRY_CONFIG naming a directory', { HELM_REGISTRY_CONFIG: '~/dir' }, { 'dir/keep': 'x' }, '~/dir ($HELM_REGISTRY_CONFIG): cannot be read: EISDIR'],
  ])('refuses %s with CLI_CONFIG_INVALID naming the file, not its content', async (_name, env, files, says) => {
    const f = await refused(env, files)
    expect(f.code).toBe('CLI_CONFIG_INVALID')
    expect(f.message.startsWith(says)).toBe(true)
  })

  it('keeps polluting keys of a registry config plain data', async () => {
    for (const key of pollutingKeys) {
      const config = `{"auths": {"${key}": {"auth": "${Buffer.from('bot').toString('base64')}"}}, "${key}": {"${plantedProperty}": true}}`
      // No entry for the host: the chart is fetched anonymously (the fake registry lets it).
      const home = mkdtempSync(join(tmpdir(), 'gitops-registry-config-'))
      writeFileSync(join(home, 'r.json'), config)
      const result = await run(['template', `oci://${host}/charts/app`, '--version', '1.0.0'], { cwd, env: { HOME: home, HELM_REGISTRY_CONFIG: join(home, 'r.json') } })
      rmSync(home, { recursive: true, force: true })
      expect(result.error).toBeUndefined()
      assertNoPollution()
    }
  })
})
