// The packages as a stranger gets them: every packages/* is packed with pnpm, the tarballs are
// installed with npm into a fresh project outside the workspace (third-party dependencies come from
// the npm registry), and each package is loaded from ESM and from CommonJS there. Then the first
// example of each package README runs in that project, against files, the embedded apiserver or a
// git http-backend on 127.0.0.1; and render and secrets are bundled by esbuild into one file each
// that plain node runs with no node_modules beside it.
import { execFile, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, transform } from 'esbuild'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createRepository, filesFromDirectory, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer } from '@gitops-sdk/git-source/testing'

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

/**
 * Like exec, without blocking this process: the example talks to servers that run in it.
 * stdout only; stderr shows in the error when the command fails.
 */
async function execAsync(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: 120_000 })
    return stdout
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error })
  }
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
  packed = published.map(({ dir, manifest }) => {
    if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`${manifest.name}: not built; run node scripts/run.mjs build`)
    const out = exec(pnpm(), ['pack', '--pack-destination', tarballs], dir).trim().split('\n')
    return { dir, manifest, tarball: out[out.length - 1]!.trim() }
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

  it.each(all)('%s loads through import and require with the same exports', (specifier) => {
    const esm = exec(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()))`], consumer)
    const cjs = exec(process.execPath, ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)})).sort()))`], consumer)
    expect(JSON.parse(cjs)).toEqual(JSON.parse(esm))
    expect((JSON.parse(esm) as string[]).length).toBeGreaterThan(0)
  })

  it('runs the gitops command from its bin', () => {
    expect(exec(join(consumer, 'node_modules', '.bin', 'gitops'), ['--version'], consumer)).toMatch(/^gitops \d+\.\d+\.\d+/)
  })
})

/** The first TypeScript example of a package README. */
function readmeExample(dir: string): string {
  const readme = readFileSync(join(dir, 'README.md'), 'utf8')
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  if (block === undefined) throw new Error(`${dir}/README.md has no ts example`)
  return block
}

/**
 * Runs a README example in the consumer project. `replace` swaps a README placeholder (a path or
 * URL of the reader's machine) for its stand-in here; each one is asserted to be present, so an
 * edited README fails here instead of silently running something else.
 */
async function runExample(pkg: string, replace: Readonly<Record<string, string>> = {}, env: NodeJS.ProcessEnv = {}): Promise<string> {
  let code = readmeExample(join(packagesDir, pkg))
  for (const [from, to] of Object.entries(replace)) {
    expect(code, `${pkg} README example mentions ${from}`).toContain(from)
    code = code.split(from).join(to)
  }
  const file = join(consumer, `readme-${pkg}.mjs`)
  writeFileSync(file, (await transform(code, { loader: 'ts', format: 'esm', target: 'node20' })).code)
  return execAsync(process.execPath, [file], consumer, env)
}

describe('README examples, run in the consumer project', () => {
  beforeAll(() => {
    cpSync(join(fleet, 'base', 'web.yaml'), join(consumer, 'app.yaml'))
    cpSync(join(fleet, 'clusters', 'prod', 'db-credentials.sops.yaml'), join(consumer, 'db.enc.yaml'))
  })

  it('core: parses, names and prints objects', async () => {
    const out = await runExample('core')
    expect(out).toContain('Deployment/')
    expect(out).toContain('kind: Deployment')
  })

  it('render: builds an overlay from disk', async () => {
    const out = await runExample('render', { "'/srv/fleet'": JSON.stringify(fleet) })
    expect(out).toMatch(/^\d+ objects$/m)
    expect(out).toContain('namespace: prod')
  })

  it('secrets: decrypts a SOPS file with the key from SOPS_AGE_KEY_FILE and encrypts another', async () => {
    const out = await runExample('secrets', {}, { SOPS_AGE_KEY_FILE: join(fleet, 'age.agekey'), SOPS_AGE_KEY: '' })
    expect(out).toContain('kind: Secret')
    expect(out).not.toContain('ENC[')
  })

  it('apiserver: creates and reads a ConfigMap', async () => {
    const out = await runExample('apiserver')
    expect(out).toMatch(/^\d+ \d+$/m)
  })

  describe('against a cluster (the embedded apiserver)', () => {
    let apiserver: ApiServer
    beforeAll(async () => {
      apiserver = await startApiServer({ controllers: 'ready', readyDelayMs: 50 })
      writeFileSync(join(work, 'kubeconfig'), apiserver.kubeconfigYaml())
    })
    afterAll(async () => apiserver.stop())

    it('apply: applies, prunes, saves the inventory and waits', async () => {
      writeFileSync(join(consumer, 'app.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: apps\ndata:\n  a: "1"\n')
      const out = await runExample('apply', { "'/home/me/.kube/config'": JSON.stringify(join(work, 'kubeconfig')) })
      expect(out).toContain('ConfigMap/apps/web created')
      expect(apiserver.get({ group: '', kind: 'ConfigMap', namespace: 'apps', name: 'web' })).toBeDefined()
    })
  })

  describe('against a git server (git http-backend)', () => {
    let server: GitServer
    beforeAll(async () => {
      const repo = await createRepository(join(work, 'repos'), { name: 'fleet.git' })
      await repo.commit(await filesFromDirectory(fleet), { message: 'fleet' })
      await repo.tag('v1.4.2', { annotated: true })
      server = await startGitServer({ root: join(work, 'repos'), auth: { token: 'readme-token' } })
    })
    afterAll(async () => server.stop())

    it('git-source: fetches the newest tag in a semver range', async () => {
      const out = await runExample('git-source', { "'https://github.com/acme/fleet.git'": JSON.stringify(`${server.url}/fleet.git`) }, { GIT_TOKEN: 'readme-token' })
      expect(out).toMatch(/^sha256:[0-9a-f]{64} [\s\S]*kustomization\.yaml/m)
    })
  })

  // The cli README's example wires reconcile steps, which issue 18 moves to @gitops-sdk/reconcile;
  // it runs against a cluster and a git server like the examples above once that package exists.
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
