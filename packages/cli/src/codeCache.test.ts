import { execFile, spawnSync } from 'node:child_process'
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { CliIO } from './context.js'
import { main } from './main.js'

const dist = fileURLToPath(new URL('../dist/', import.meta.url))

// Node >= 22.1 uses its own compile cache, not this one.
const nodeHasOwnCache = 'enableCompileCache' in (await import('node:module')).default

// Each test runs the built command 3 to 12 times (0.1 to 0.3 s of CPU a run, more for an apply that
// loads client-node), and the template and apply ones load helm's or the apiserver's sources in
// this process, which vite transforms first: measured alone at a load of 7, 1 s of CPU for the
// first test, 8 s for the template one, 5 to 6 s for each apply one, the whole file 12 to 15 s.
// A load of 30 on 2 cores, where a process gets a fifteenth of a core, stretches the larger ones
// past vitest's 30 s: two minutes a test. Nothing here is timed.
describe.skipIf(!existsSync(join(dist, 'bin.cjs')) || nodeHasOwnCache)('the code cache of the built gitops command (Node 20)', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-code-cache-'))
  // A copy of the command's five files beside dist/ (so that package.json and node_modules
  // resolve as from dist/), which this test may edit.
  const copy = mkdtempSync(join(dist, '..', '.code-cache-test-'))
  for (const f of ['bin.cjs', 'main.cjs', 'build.cjs', 'template.cjs', 'sdk.cjs']) copyFileSync(join(dist, f), join(copy, f))
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(copy, { recursive: true, force: true })
  })
  const root = join(dir, 'app')
  mkdirSync(root)
  writeFileSync(join(root, 'kustomization.yaml'), 'resources:\n- cm.yaml\nlabels:\n- pairs:\n    app: web\n')
  writeFileSync(join(root, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: "prod"\n')
  const spawn = (args: readonly string[], env: Record<string, string>, stdout: 'pipe' | number = 'pipe') =>
    spawnSync(process.execPath, [join(copy, 'bin.cjs'), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8' })
  const run = (env: Record<string, string>, stdout: 'pipe' | number = 'pipe') => {
    const r = spawn(['build', root], env, stdout)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    return r.stdout
  }
  const cacheDir = join(dir, 'cache')
  const files = () => readdirSync(join(cacheDir, 'gitops-sdk')).sort()
  const keyOf = (file: string) => {
    const stored = readFileSync(file)
    return stored.toString('latin1', 4, 4 + stored.readUInt32LE(0))
  }

  it('writes, uses and replaces its files without changing a byte of output, and never fails the command', () => {
    const expected = run({ NODE_DISABLE_COMPILE_CACHE: '1', HOME: dir })
    expect(expected).toContain('app: web')
    expect(existsSync(join(dir, '.cache'))).toBe(false)

    // A command that fails (exit code 2) writes nothing.
    expect(spawn(['build', join(dir, 'absent')], { NODE_COMPILE_CACHE: cacheDir }).status).toBe(2)
    expect(existsSync(join(cacheDir, 'gitops-sdk'))).toBe(false)

    // First run: one file per bundle loaded (build, sdk) for this command, each a key naming the
    // bundle's file as it is now, then V8's data.
    expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
    const written = files()
    expect(written.map((f) => f.replace(/-v\d.*$/, ''))).toEqual(['build-build', 'sdk-build'])
    const sdkCache = join(cacheDir, 'gitops-sdk', written[1]!)
    const sdk = join(copy, 'sdk.cjs')
    const stored = readFileSync(sdkCache)
    const key = keyOf(sdkCache)
    expect(key).toContain(`:${statSync(sdk, { bigint: true }).ctimeNs}:`)
    expect(stored.length).toBeGreaterThan(4 + key.length + 1000)

    // Second run: the cache is accepted, so it is not written again.
    const before = statSync(sdkCache).mtimeMs
    expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
    expect(statSync(sdkCache).mtimeMs).toBe(before)

    // A file others could have written, or one in a directory they can write to: not read (a
    // cache miss), so written anew, the user's own again; when process.getuid exists.
    if (process.getuid !== undefined) {
      const unchanged = readFileSync(sdkCache)
      chmodSync(sdkCache, 0o664)
      expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
      expect(statSync(sdkCache).mode & 0o777).toBe(0o600)
      expect(statSync(sdkCache).mtimeMs).not.toBe(before)
      const rewritten = statSync(sdkCache).mtimeMs
      expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
      expect(statSync(sdkCache).mtimeMs).toBe(rewritten)
      chmodSync(join(cacheDir, 'gitops-sdk'), 0o770)
      try {
        expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
        expect(statSync(sdkCache).mtimeMs).not.toBe(rewritten)
      } finally {
        chmodSync(join(cacheDir, 'gitops-sdk'), 0o700)
      }
      expect(readFileSync(sdkCache).subarray(0, 4 + key.length)).toEqual(unchanged.subarray(0, 4 + key.length))
    }

    // The bundle edited in place (one byte of a comment, same length): the cache made from the
    // old source is not used, and is written anew for the new one.
    const source = readFileSync(sdk)
    const at = source.indexOf('// ') + 3
    source[at] = source[at] === 0x78 ? 0x79 : 0x78
    writeFileSync(sdk, source)
    expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
    expect(keyOf(sdkCache)).not.toBe(key)
    expect(keyOf(sdkCache)).toContain(`:${statSync(sdk, { bigint: true }).ctimeNs}:`)

    // Garbage and truncated files: ignored, then replaced.
    writeFileSync(sdkCache, Buffer.from('not a cache at all'))
    expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
    const good = readFileSync(sdkCache)
    writeFileSync(sdkCache, good.subarray(0, 4 + keyOf(sdkCache).length + 10))
    expect(run({ NODE_COMPILE_CACHE: cacheDir })).toBe(expected)
    expect(readFileSync(sdkCache).length).toBeGreaterThan(4 + keyOf(sdkCache).length + 1000)
    expect(files().filter((f) => f.endsWith('.tmp'))).toEqual([])

    // Another command has files of its own (--help runs other code, of main.cjs), and leaves
    // build's as they are.
    const buildFiles = files()
    const buildMain = readFileSync(join(cacheDir, 'gitops-sdk', buildFiles[0]!))
    expect(spawn(['--help'], { NODE_COMPILE_CACHE: cacheDir }).status).toBe(0)
    expect(files().map((f) => f.replace(/-v\d.*$/, ''))).toEqual(['build-build', 'main-_', 'sdk-build'])
    expect(readFileSync(join(cacheDir, 'gitops-sdk', buildFiles[0]!)).equals(buildMain)).toBe(true)

    // A cache directory that cannot be made (under a regular file): the command runs as without one.
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, '')
    expect(run({ NODE_COMPILE_CACHE: join(blocker, 'cache') })).toBe(expected)

    // Output to a regular file (written directly, not through process.stdout) is the same bytes.
    const out = join(dir, 'out.yaml')
    const fd = openSync(out, 'w')
    try {
      run({ NODE_COMPILE_CACHE: cacheDir }, fd)
    } finally {
      closeSync(fd)
    }
    expect(readFileSync(out, 'utf8')).toBe(expected)
  })
  // `gitops template` runs dist/template.cjs (helm bundled in) and dist/sdk.cjs, and nothing else of
  // the SDK: the same bytes as the sources' main, the same faults of its cache ignored, and helm's
  // errors of the one copy of core, sdk.cjs's.
  it('runs gitops template from template.cjs and sdk.cjs alone, with the same output and errors, cache or not', async () => {
    const chart = join(dir, 'web')
    mkdirSync(join(chart, 'templates'), { recursive: true })
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 1.2.3\n')
    writeFileSync(join(chart, 'values.yaml'), 'port: 8080\nlabels: {tier: web, team: "{{ .Release.Name }}"}\n')
    writeFileSync(join(chart, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{- tpl (toYaml .Values.labels) . | nindent 4 }}\ndata:\n  port: {{ .Values.port | quote }}\n  sum: {{ .Values | toJson | sha256sum }}\n  anchors: {{ "x: [1, &a 2]\\nz: *a" | fromYaml | toJson | quote }}\n')
    const bad = join(dir, 'bad')
    mkdirSync(join(bad, 'templates'), { recursive: true })
    writeFileSync(join(bad, 'Chart.yaml'), 'apiVersion: v2\nname: bad\nversion: 0.1.0\n')
    writeFileSync(join(bad, 'templates', 'a.yaml'), 'a: {{ .Values.x | nosuch }}\n')
    const inProcess = async (args: readonly string[]) => {
      let out = ''
      let err = ''
      const io: CliIO = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {}, cwd: dir }
      return { code: await main(args, io), out, err }
    }
    const args = ['template', chart, '--release-name', 'web', '--kube-version', 'v1.32.0']
    const expected = await inProcess(args)
    expect(expected.code).toBe(0)
    expect(expected.out).toContain("team: 'web'")
    // (helm's yaml package, which the bundle requires on first use, from the cli's folder.)
    expect(expected.out).toContain('anchors: "{\\"x\\":[1,2],\\"z\\":2}"')
    const template = (env: Record<string, string>) => {
      const r = spawn(args, env)
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      return r.stdout
    }

    // The command's own files in the cache: template.cjs's and sdk.cjs's (none of helm's or
    // core's builds, which it does not load).
    const cache = join(dir, 'template-cache')
    expect(template({ NODE_COMPILE_CACHE: cache })).toBe(expected.out)
    const own = () => readdirSync(join(cache, 'gitops-sdk')).sort()
    expect(own().map((f) => f.replace(/-v\d.*$/, ''))).toEqual(['sdk-template', 'template-template'])
    const [sdkFile, templateFile] = own().map((f) => join(cache, 'gitops-sdk', f)) as [string, string]

    // Garbage in one file and a truncated other; then the bundle edited in place (stale); then a
    // cache directory that cannot be made: the same output each time, the files written anew.
    writeFileSync(templateFile, Buffer.from('not a cache at all'))
    writeFileSync(sdkFile, readFileSync(sdkFile).subarray(0, 4 + keyOf(sdkFile).length + 10))
    expect(template({ NODE_COMPILE_CACHE: cache })).toBe(expected.out)
    expect(readFileSync(templateFile).length).toBeGreaterThan(4 + keyOf(templateFile).length + 1000)
    expect(readFileSync(sdkFile).length).toBeGreaterThan(4 + keyOf(sdkFile).length + 1000)
    const bundle = join(copy, 'template.cjs')
    const key = keyOf(templateFile)
    const source = readFileSync(bundle)
    const at = source.indexOf('// ') + 3
    source[at] = source[at] === 0x78 ? 0x79 : 0x78
    writeFileSync(bundle, source)
    expect(template({ NODE_COMPILE_CACHE: cache })).toBe(expected.out)
    expect(keyOf(templateFile)).not.toBe(key)
    const blocker = join(dir, 'another-file')
    writeFileSync(blocker, '')
    expect(template({ NODE_COMPILE_CACHE: join(blocker, 'cache') })).toBe(expected.out)

    // Runs under V8's defaults (GITOPS_V8_TUNING=off) keep files of their own (the name holds V8's
    // cachedDataVersionTag()): alternating with tuned runs, neither rejects nor rewrites the other's.
    if ('getBuiltinModule' in process) {
      const tuned = own()
      const bytesOf = (files: readonly string[]) => files.map((f) => readFileSync(join(cache, 'gitops-sdk', f)))
      const tunedBytes = bytesOf(tuned)
      expect(template({ NODE_COMPILE_CACHE: cache, GITOPS_V8_TUNING: 'off' })).toBe(expected.out)
      const untuned = own().filter((f) => !tuned.includes(f))
      expect(untuned.map((f) => f.replace(/-v\d.*$/, ''))).toEqual(['sdk-template', 'template-template'])
      const untunedBytes = bytesOf(untuned)
      expect(template({ NODE_COMPILE_CACHE: cache })).toBe(expected.out)
      expect(template({ NODE_COMPILE_CACHE: cache, GITOPS_V8_TUNING: 'off' })).toBe(expected.out)
      expect(bytesOf(tuned)).toEqual(tunedBytes)
      expect(bytesOf(untuned)).toEqual(untunedBytes)
    }

    // A template error: the same line and exit code as from the sources, and a cache left as it was.
    const failing = await inProcess(['template', bad])
    expect(failing.code).toBe(2)
    const before = readFileSync(templateFile)
    const r = spawn(['template', bad], { NODE_COMPILE_CACHE: cache })
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', failing.err])
    expect(r.stderr).toContain('[HELM_TEMPLATE_PARSE]')
    expect(readFileSync(templateFile).equals(before)).toBe(true)

    // In this process: helm's error is an instance of the GitOpsError that sdk.cjs exports (the
    // class the cli's core is), with its code; and the command loaded no build of core, helm or
    // render beside the two files.
    const load = createRequire(join(copy, 'bin.cjs'))
    const loadedBefore = new Set(Object.keys(load.cache))
    const sdkModule = load('./sdk.cjs') as { GitOpsError: new (...a: never[]) => Error; isGitOpsError: (e: unknown, code?: string) => boolean }
    const templateModule = load('./template.cjs') as { main: typeof main }
    const errors: unknown[] = []
    const io: CliIO = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: dir, onError: (e) => errors.push(e) }
    expect(await templateModule.main(['template', bad], io)).toBe(2)
    expect(errors).toHaveLength(1)
    const [error] = errors as [Error & { code?: string }]
    expect(error).toBeInstanceOf(sdkModule.GitOpsError)
    expect(error.name).toBe('HelmError')
    expect(error.code).toBe('HELM_TEMPLATE_PARSE')
    expect(sdkModule.isGitOpsError(error, 'HELM_TEMPLATE_PARSE')).toBe(true)
    // helm's bcryptjs too, required from the cli's folder on the first `htpasswd`.
    writeFileSync(join(chart, 'templates', 'auth.yaml'), 'auth: {{ htpasswd "u" "p" | len }}\n')
    let out = ''
    expect(await templateModule.main(['template', chart], { ...io, stdout: { write: (t: string) => (out += t) } })).toBe(0)
    expect(out).toContain('\nauth: 62\n')
    const loaded = Object.keys(load.cache).filter((f) => !loadedBefore.has(f))
    expect(loaded.filter((f) => !f.includes('/node_modules/')).sort()).toEqual([join(copy, 'sdk.cjs'), join(copy, 'template.cjs')])
  })
  // `gitops apply` also compiles the apply and core packages' builds through the cache (each its
  // own file, by its full path), with the same output, cache or not; other commands do not.
  it('caches the package builds gitops apply requires, with the same output, cache or not', async () => {
    const { startApiServer } = await import('@gitops-sdk/apiserver')
    const server = await startApiServer()
    try {
      const kubeconfig = join(dir, 'apply-kubeconfig')
      writeFileSync(kubeconfig, server.kubeconfigYaml())
      const file = join(dir, 'apply.yaml')
      writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cached\n  namespace: default\ndata:\n  a: "1"\n')
      // (Not spawnSync: the server answers from this process.)
      const apply = (env: Record<string, string>) =>
        new Promise<string[]>((done, fail) =>
          execFile(process.execPath, [join(copy, 'bin.cjs'), 'apply', file, '--inventory', 'default/code-cache', '--kubeconfig', kubeconfig], { env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
            err === null ? done([stdout, stderr]) : fail(new Error(`gitops apply failed: ${stderr}`)),
          ),
        )
      expect((await apply({ NODE_DISABLE_COMPILE_CACHE: '1' }))[0]).toContain('ConfigMap/default/cached created')
      const expected = await apply({ NODE_DISABLE_COMPILE_CACHE: '1' })
      expect(expected[0]).toContain('ConfigMap/default/cached unchanged')
      const cache = join(dir, 'apply-cache')
      expect(await apply({ NODE_COMPILE_CACHE: cache })).toEqual(expected)
      const own = () => readdirSync(join(cache, 'gitops-sdk')).sort()
      const written = own()
      const bundles = new Set(written.map((f) => f.replace(/-apply-v\d.*$/, '')))
      // main.cjs and sdk.cjs, core's index.cjs and chunks; not apply's index.cjs, whose
      // `import()` of @kubernetes/client-node needs Node's own loader (see the next test).
      expect([...bundles].filter((b) => !b.startsWith('chunk-')).sort()).toEqual(['index', 'main', 'sdk', 'yaml'])
      expect(written.filter((f) => f.startsWith('index-apply-'))).toHaveLength(1)
      expect(written.some((f) => f.startsWith('chunk-'))).toBe(true)
      // Accepted on the next run: nothing written again, the same output.
      const bytes = written.map((f) => readFileSync(join(cache, 'gitops-sdk', f)))
      expect(await apply({ NODE_COMPILE_CACHE: cache })).toEqual(expected)
      expect(own()).toEqual(written)
      expect(written.map((f) => readFileSync(join(cache, 'gitops-sdk', f)))).toEqual(bytes)
      // Garbage in the package's file: ignored, the same output, then written anew.
      const [applyFile] = written.filter((f) => f.startsWith('index-apply-')).map((f) => join(cache, 'gitops-sdk', f))
      for (const f of written.filter((w) => w.startsWith('index-apply-'))) writeFileSync(join(cache, 'gitops-sdk', f), Buffer.from('not a cache at all'))
      expect(await apply({ NODE_COMPILE_CACHE: cache })).toEqual(expected)
      expect(readFileSync(applyFile!).length).toBeGreaterThan(4 + keyOf(applyFile!).length + 1000)
      // `gitops build` keeps to its own bundles.
      const buildCache = join(dir, 'build-only-cache')
      expect(spawn(['build', root], { NODE_COMPILE_CACHE: buildCache }).status).toBe(0)
      expect(readdirSync(join(buildCache, 'gitops-sdk')).map((f) => f.replace(/-v\d.*$/, '')).sort()).toEqual(['build-build', 'sdk-build'])
    } finally {
      await server.stop()
    }
  })
  // A kubeconfig or environment that directConfig leaves to @kubernetes/client-node (here a proxy
  // variable, which client-node 1.x ignores): apply's `import()` of it must work on a run that
  // compiles from the cache as on one that writes it, not fail with APPLY_CLIENT_UNSUPPORTED.
  it('loads @kubernetes/client-node in gitops apply, cache or not', async () => {
    const { startApiServer } = await import('@gitops-sdk/apiserver')
    const server = await startApiServer()
    try {
      const kubeconfig = join(dir, 'proxy-kubeconfig')
      writeFileSync(kubeconfig, server.kubeconfigYaml())
      const file = join(dir, 'proxy.yaml')
      writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: through-client-node\n  namespace: default\ndata:\n  a: "1"\n')
      const apply = (env: Record<string, string>) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
          execFile(
            process.execPath,
            [join(copy, 'bin.cjs'), 'apply', file, '--inventory', 'default/client-node', '--kubeconfig', kubeconfig],
            { env: { PATH: process.env.PATH ?? '', HOME: dir, HTTPS_PROXY: 'http://127.0.0.1:9', ...env }, timeout: 60_000 },
            (err, stdout, stderr) => done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
          ),
        )
      const cache = join(dir, 'client-node-cache')
      const first = await apply({ NODE_COMPILE_CACHE: cache })
      expect(first.stderr).not.toContain('APPLY_CLIENT_UNSUPPORTED')
      expect(first).toEqual({ code: 0, stdout: 'ConfigMap/default/through-client-node created\n1 created\n', stderr: 'gitops apply: 1 object\n' })
      const written = readdirSync(join(cache, 'gitops-sdk')).sort()
      expect(written.length).toBeGreaterThan(3)
      // The second run compiles from the files the first one wrote, and writes none again.
      const second = await apply({ NODE_COMPILE_CACHE: cache })
      expect(second.stderr).not.toContain('APPLY_CLIENT_UNSUPPORTED')
      expect(second).toEqual({ code: 0, stdout: 'ConfigMap/default/through-client-node unchanged\n1 unchanged\n', stderr: 'gitops apply: 1 object\n' })
      expect(readdirSync(join(cache, 'gitops-sdk')).sort()).toEqual(written)
      // The same as without the cache.
      expect(await apply({ NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual(second)
    } finally {
      await server.stop()
    }
  })
})
