// The packages as a stranger gets them: every packages/* is packed with pnpm, the tarballs are
// installed with npm into a fresh project outside the workspace (third-party dependencies come from
// the npm registry), and each package is loaded from ESM and from CommonJS there. Then the first
// example of each package README runs in that project as written (a placeholder path or URL of the
// reader's machine swapped for its stand-in here), all of them in one node process, against files,
// the embedded apiserver, git http-backend and docker-registry on 127.0.0.1; and render and
// secrets are bundled by esbuild into one file each that plain node runs with no node_modules
// beside it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from 'esbuild'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createRepository, filesFromDirectory, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer } from '@gitops-sdk/git-source/testing'
import { applyAll, createKubeClient } from '@gitops-sdk/apply'
import { authToolsAvailable, registryAvailable, startRegistry } from '@gitops-sdk/oci-source/testing'
import type { TestRegistry } from '@gitops-sdk/oci-source/testing'
import { FLUX_APPS, runReadmeExamples, WEB_CHART } from '../testing/readmeExamples.js'
import type { ExampleCase, ExampleRun } from '../testing/readmeExamples.js'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const fleet = join(repoRoot, 'examples', 'fleet')
const packagesDir = join(repoRoot, 'packages')

interface Manifest {
  readonly name: string
  readonly version: string
  readonly private?: boolean
  readonly exports: Record<string, unknown>
  readonly dependencies?: Record<string, string>
}

interface Packed {
  readonly dir: string
  readonly manifest: Manifest
  readonly tarball: string
}

function exec(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: 300_000 })
  if (result.error !== undefined) throw result.error
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

/** The pinned pnpm: the one on PATH inside the root scripts, else the one they linked. */
function pnpm(): string {
  const linked = join(repoRoot, 'node_modules', '.gitops-sdk-bin', 'pnpm')
  return existsSync(linked) ? linked : 'pnpm'
}

const published = readdirSync(packagesDir)
  .sort()
  .filter((name) => existsSync(join(packagesDir, name, 'package.json')))
  .map((name) => ({ dir: join(packagesDir, name), manifest: JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')) as Manifest }))
  .filter((p) => p.manifest.private !== true)

/** Every importable specifier of a package: its name and each subpath of `exports` but package.json. */
function specifiers(manifest: Manifest): string[] {
  return Object.keys(manifest.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`))
}

let work: string
let consumer: string
let packed: Packed[]

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'gitops-sdk-consumer-'))
  const tarballs = join(work, 'tarballs')
  mkdirSync(tarballs)
  for (const { dir, manifest } of published) {
    if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`${manifest.name}: not built; run node scripts/run.mjs build`)
  }
  // One recursive pnpm run packs them all (a pnpm start-up per package cost ten times as much).
  exec(pnpm(), ['-r', ...published.flatMap((p) => ['--filter', p.manifest.name]), 'pack', '--pack-destination', tarballs], repoRoot)
  packed = published.map(({ dir, manifest }) => {
    // pnpm's file name: the scope's @ dropped, / as -, then the version.
    const tarball = join(tarballs, `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`)
    if (!existsSync(tarball)) throw new Error(`${manifest.name}: pnpm pack wrote no ${tarball}`)
    return { dir, manifest, tarball }
  })
  consumer = join(work, 'consumer')
  mkdirSync(consumer)
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }))
  // No workspace above this folder: npm resolves @gitops-sdk/* to the tarballs given here and
  // everything else from the registry (its cache first, as a second run needs no network).
  exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packed.map((p) => p.tarball)], consumer)
}, 600_000)

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

describe('every package tarball', () => {
  it.each(published.map((p) => [p.manifest.name, p] as const))('%s holds LICENSE, README, CHANGELOG and dist, with workspace ranges resolved', (name) => {
    const { tarball, manifest } = packed.find((p) => p.manifest.name === name)!
    const files = exec('tar', ['tzf', tarball], work).split('\n')
    expect(files).toEqual(expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/CHANGELOG.md', 'package/package.json', 'package/dist/index.js', 'package/dist/index.cjs', 'package/dist/index.d.ts', 'package/dist/index.d.cts']))
    expect(files.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([])
    const license = exec('tar', ['xzf', tarball, '-O', 'package/LICENSE'], work)
    expect(license).toContain('Apache License')
    expect(license).toContain('Version 2.0, January 2004')
    const inTarball = JSON.parse(exec('tar', ['xzf', tarball, '-O', 'package/package.json'], work)) as Manifest & Record<string, unknown>
    const ranges = Object.values(inTarball.dependencies ?? {})
    expect(ranges.filter((range) => range.startsWith('workspace:'))).toEqual([])
    for (const [dep, range] of Object.entries(inTarball.dependencies ?? {})) {
      if (dep.startsWith('@gitops-sdk/')) expect(range, dep).toBe(manifest.version)
    }
    expect(inTarball).toMatchObject({
      license: 'Apache-2.0',
      repository: { type: 'git', directory: expect.stringMatching(/^packages\//) as unknown },
      homepage: expect.any(String) as unknown,
      bugs: { url: expect.any(String) as unknown },
      publishConfig: { access: 'public' },
    })
  })
})

describe('installed from the tarballs', () => {
  const all = published.flatMap((p) => specifiers(p.manifest))

  // Two processes for all of them: one imports every specifier, the other requires every one.
  let esm: Record<string, string[]>
  let cjs: Record<string, string[]>
  beforeAll(() => {
    const list = JSON.stringify(all)
    esm = JSON.parse(exec(process.execPath, ['--input-type=module', '-e', `const out = {}; for (const s of ${list}) out[s] = Object.keys(await import(s)).filter((k) => k !== 'default').sort(); console.log(JSON.stringify(out))`], consumer)) as Record<string, string[]>
    cjs = JSON.parse(exec(process.execPath, ['-e', `const out = {}; for (const s of ${list}) out[s] = Object.keys(require(s)).sort(); console.log(JSON.stringify(out))`], consumer)) as Record<string, string[]>
  })

  it.each(all)('%s loads through import and require with the same exports', (specifier) => {
    expect(cjs[specifier]).toEqual(esm[specifier])
    expect(esm[specifier]!.length).toBeGreaterThan(0)
  })

  it('runs the gitops command from its bin', () => {
    expect(exec(join(consumer, 'node_modules', '.bin', 'gitops'), ['--version'], consumer)).toMatch(/^gitops \d+\.\d+\.\d+/)
  })
})

describe('README examples, run unchanged in the consumer project', () => {
  let apiserver: ApiServer
  let server: GitServer
  let openServer: GitServer
  let registry: TestRegistry | undefined
  let runs: Map<string, ExampleRun>
  let stderr: string
  const controllerLine = /^default\/audited: 2 keys$/

  beforeAll(async () => {
    const repos = join(work, 'repos')
    const tagged = await createRepository(repos, { name: 'fleet.git' })
    await tagged.commit(await filesFromDirectory(fleet), { message: 'fleet' })
    await tagged.tag('v1.4.2', { annotated: true })
    // Another repository, without SOPS files (the reconcile example passes no age identities).
    const plain = await createRepository(join(work, 'open'), { name: 'fleet' })
    await plain.commit({
      'clusters/prod/kustomization.yaml': 'resources: [web.yaml]\n',
      'clusters/prod/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: default}\ndata: {replicas: "2"}\n',
    }, { message: 'prod' })
    server = await startGitServer({ root: repos, auth: { token: 'readme-token' } })
    openServer = await startGitServer({ root: join(work, 'open') })
    apiserver = await startApiServer({ controllers: 'ready', readyDelayMs: 50 })
    const kubeconfig = join(work, 'kubeconfig')
    writeFileSync(kubeconfig, apiserver.kubeconfigYaml())
    const client = await createKubeClient({ kubeconfig })
    await applyAll([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gitops-system' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'audited', namespace: 'default', labels: { audit: 'true' } }, data: { a: '1', b: '2' } },
    ], { client, fieldManager: 'setup' })
    if (registryAvailable && authToolsAvailable) registry = await startRegistry({ auth: 'htpasswd', user: { username: 'bot', password: 'readme-password' } })

    const cases: ExampleCase[] = [
      { pkg: 'core', files: { 'app.yaml': readFileSync(join(fleet, 'base', 'web.yaml'), 'utf8') } },
      { pkg: 'render', replace: { "'/srv/fleet'": JSON.stringify(fleet) } },
      {
        pkg: 'secrets',
        files: { 'db.enc.yaml': readFileSync(join(fleet, 'clusters', 'prod', 'db-credentials.sops.yaml'), 'utf8') },
        env: { SOPS_AGE_KEY_FILE: join(fleet, 'age.agekey'), SOPS_AGE_KEY: '' },
      },
      { pkg: 'apiserver' },
      { pkg: 'flux', files: { 'clusters/prod/apps.yaml': FLUX_APPS } },
      { pkg: 'helm', files: WEB_CHART },
      {
        pkg: 'apply',
        replace: { "'/home/me/.kube/config'": JSON.stringify(kubeconfig) },
        files: { 'app.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: apps\ndata:\n  a: "1"\n' },
      },
      { pkg: 'git-source', replace: { "'https://github.com/acme/fleet.git'": JSON.stringify(`${server.url}/fleet.git`) }, env: { GIT_TOKEN: 'readme-token' } },
      { pkg: 'reconcile', env: { KUBECONFIG: kubeconfig, FLEET_URL: `${openServer.url}/fleet` } },
      ...(registry === undefined
        ? []
        : [{
            pkg: 'oci-source',
            replace: { 'oci://ghcr.io/': `oci://${registry.host}/` },
            files: { 'deploy/kustomization.yaml': 'resources: [web.yaml]\n', 'deploy/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n' },
            env: { REGISTRY_PASSWORD: 'readme-password' },
          }]),
      // Last: it runs until SIGTERM, sent once it printed its audit.
      { pkg: 'controller', env: { KUBECONFIG: kubeconfig } },
    ]
    ;({ runs, stderr } = await runReadmeExamples(cases, { packagesDir, consumer }, (line, child) => {
      if (controllerLine.test(line)) child.kill('SIGTERM')
    }))
  }, 240_000)

  afterAll(async () => {
    await registry?.stop()
    await openServer.stop()
    await server.stop()
    await apiserver.stop()
  })

  /** The stdout of one example, which must have finished without an error or a failing exit code. */
  function output(pkg: string): string {
    const run = runs.get(pkg)
    expect(run, `${pkg} example did not run:\n${stderr}`).toBeDefined()
    expect(run!.error, `${pkg} example threw`).toBeUndefined()
    expect(run!.exitCode ?? 0, `${pkg} example set an exit code:\n${run!.stdout}\n${stderr}`).toBe(0)
    return run!.stdout
  }

  it('core: parses, names and prints objects', () => {
    const out = output('core')
    expect(out).toContain('Deployment/')
    expect(out).toContain('kind: Deployment')
  })

  it('render: builds an overlay from disk', () => {
    const out = output('render')
    expect(out).toMatch(/^\d+ objects$/m)
    expect(out).toContain('namespace: prod')
  })

  it('secrets: decrypts a SOPS file with the key from SOPS_AGE_KEY_FILE and encrypts another', () => {
    const out = output('secrets')
    expect(out).toContain('kind: Secret')
    expect(out).not.toContain('ENC[')
  })

  it('apiserver: creates and reads a ConfigMap', () => {
    expect(output('apiserver')).toMatch(/^\d+ \d+$/m)
  })

  it('flux: reads a Kustomization with its timings and lists a HelmRelease as unsupported', () => {
    const out = output('flux')
    expect(out).toContain('apps: ./apps/prod every 600000 ms, timeout 120000 ms')
    expect(out).toMatch(/^skipped: helm\.toolkit\.fluxcd\.io\/v2 HelmRelease is not supported/m)
  })

  it('helm: renders a chart and a template', () => {
    const out = output('helm')
    expect(out).toContain('# Source: web/templates/deployment.yaml')
    expect(out).toContain('replicas: 3')
    expect(out).toContain('namespace: prod')
    expect(out).toMatch(/^Deployment web\/templates\/deployment\.yaml$/m)
    expect(out).toMatch(/^"WEB"$/m)
  })

  it('apply: applies, prunes, saves the inventory and waits', () => {
    expect(output('apply')).toContain('ConfigMap/apps/web created')
    expect(apiserver.get({ group: '', kind: 'ConfigMap', namespace: 'apps', name: 'web' })).toBeDefined()
  })

  it('git-source: fetches the newest tag in a semver range', () => {
    expect(output('git-source')).toMatch(/^sha256:[0-9a-f]{64} [\s\S]*kustomization\.yaml/m)
    expect(server.requests.some((r) => r.authorization === 'bearer')).toBe(true)
  })

  it('reconcile: reconciles prod from git into the cluster, then finds the source unchanged', () => {
    const out = output('reconcile')
    expect(out).toMatch(/^prod main@sha1:[0-9a-f]{40}: Ready: ReconciliationSucceeded: /m)
    expect(out).toContain('ConfigMap/default/web created')
    expect(apiserver.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' })).toBeDefined()
  })

  it.skipIf(!registryAvailable || !authToolsAvailable)('oci-source: pushes a directory to a registry and pulls it back by semver', () => {
    expect(output('oci-source')).toMatch(/^v1\.2\.0@sha256:[0-9a-f]{64} [\s\S]*kustomization\.yaml/m)
  })

  it('controller: audits the labelled ConfigMap, records an Event and stops on SIGTERM', () => {
    expect(output('controller').split('\n')).toContain('default/audited: 2 keys')
    const events = apiserver.snapshot().filter((o) => o.kind === 'Event' && o['reason'] === 'Audited')
    expect(events.map((e) => e['message'])).toEqual(['2 keys'])
  })
})

describe('a single-file esbuild bundle', () => {
  /** Bundles `imports` (require calls) and an async `body` with esbuild into one file and runs it in plain node. */
  async function bundleAndRun(name: string, imports: readonly string[], body: readonly string[]): Promise<string> {
    const dir = join(work, `bundle-${name}`)
    mkdirSync(dir, { recursive: true })
    // A CommonJS entry, so the bundler takes each package's `require` build: the ESM builds load
    // `yaml` lazily through a require that only a CommonJS build keeps visible to a bundler.
    const entry = join(consumer, `bundle-${name}.cjs`)
    writeFileSync(entry, `${imports.join('\n')}\nvoid (async () => {\n${body.join('\n')}\n})()\n`)
    // CommonJS, the usual single file for node: dependencies that are CommonJS themselves (yaml's
    // `node` build) keep their require() of node built-ins working.
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: join(dir, 'out.cjs'), logLevel: 'error' })
    // A module loaded by a computed require is invisible to the bundler: it fails at run time on the
    // first input that needs it, however small the input here is.
    const bundled = readFileSync(join(dir, 'out.cjs'), 'utf8')
    const computed = [...bundled.matchAll(/(?:require\w*\([^()]*\)|__require)\(\s*["']([^"']+)["']\s*\)/gi)]
    expect(computed.map((m) => m[1]).filter((id) => id !== undefined && !isBuiltin(id)), 'modules required at run time').toEqual([])
    // No node_modules beside or above the bundle: everything it needs is inside it.
    return exec(process.execPath, [join(dir, 'out.cjs')], dir)
  }

  it('of render runs in plain node', async () => {
    const out = await bundleAndRun('render', [
      "const { memoryFs, stringifyObjects } = require('@gitops-sdk/core')",
      "const { render } = require('@gitops-sdk/render')",
    ], [
      // Flow style and an anchor: the full YAML reader, not the fast path for plain block YAML.
      "const fs = memoryFs({ 'kustomization.yaml': 'resources: [cm.yaml]\\nnamePrefix: &p a-\\ncommonLabels: {app: web}\\n', 'cm.yaml': 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: web}\\ndata: {k: &v x, j: *v}\\n' })",
      "process.stdout.write(stringifyObjects(await render('.', { fs })))",
    ])
    expect(out).toContain('name: a-web')
    expect(out).toContain('j: x')
  })

  it('of secrets runs in plain node', async () => {
    const out = await bundleAndRun('secrets', [
      "const { decrypt, encrypt, generateIdentity, parseIdentities } = require('@gitops-sdk/secrets')",
    ], [
      'const { secretKey, recipient } = await generateIdentity()',
      "const text = await encrypt('password: hunter2\\nlist: [1, 2]\\n', { format: 'yaml', recipients: [recipient] })",
      "const plain = await decrypt(text, { format: 'yaml', identities: await parseIdentities(secretKey) })",
      'process.stdout.write(new TextDecoder().decode(plain))',
    ])
    expect(out).toContain('password: hunter2')
  })
})
