// End to end: `gitops reconcile` over a repository served by git http-backend into the embedded
// apiserver, through the same client code a real cluster would see.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createRepository, filesFromDirectory, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer, TestFile, TestRepository } from '@gitops-sdk/git-source/testing'
import { main } from '../../src/main.js'
import { run } from '../helpers/run.js'
import type { Run } from '../helpers/run.js'
import { hasKubectl, kubectl as kubectlBin } from '../../../../testing/kubectl.js'

const fleetDir = fileURLToPath(new URL('../../../../examples/fleet', import.meta.url))
const keyFile = join(fleetDir, 'age.agekey')

let dir: string
let apiserver: ApiServer
let gitServer: GitServer
let repo: TestRepository
let kubeconfig: string
let fleet: Record<string, TestFile>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-e2e-'))
  fleet = await filesFromDirectory(fleetDir)
  repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
  await repo.commit(fleet, { message: 'fleet' })
  gitServer = await startGitServer({ root: join(dir, 'repos') })
  apiserver = await startApiServer({ controllers: 'ready', readyDelayMs: 50 })
  kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, apiserver.kubeconfigYaml())
})

afterAll(async () => {
  await gitServer.stop()
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** `gitops argv` in process (the shared helper), without colour. */
function gitops(...argv: string[]): Promise<Run> {
  return run(argv, { cwd: dir, env: { NO_COLOR: '1' } })
}

function reconcile(path: string, ...extra: string[]): Promise<Run> {
  const source = ['--url', `${gitServer.url}/fleet`, '--ref', 'branch:main', '--path', path]
  return gitops('reconcile', ...source, '--inventory', 'prod/fleet', '--prune', '--wait', '--timeout', '30s', '--once', '--age-key-file', keyFile, '--kubeconfig', kubeconfig, ...extra)
}

/** Real kubectl against the embedded server, as a human at the keyboard. */
function kubectl(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(kubectlBin, ['--kubeconfig', kubeconfig, ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 60_000 }, (err, stdout, stderr) =>
      err === null ? resolve(stdout) : reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)),
    )
  })
}

const deployment = (name: string) => apiserver.get({ group: 'apps', kind: 'Deployment', namespace: 'prod', name })

describe('gitops reconcile', () => {
  it('reconciles the prod overlay, SOPS Secret included, and reports Ready', async () => {
    const { code, out, err } = await reconcile('clusters/prod')
    expect(err).not.toMatch(/error/i)
    expect(code).toBe(0)
    expect(out).toMatch(/^fleet main@sha1:[0-9a-f]{40}: Ready: ReconciliationSucceeded/)
    expect(out).toContain('Deployment/prod/web created')
    expect(out).toContain('Secret/prod/db-credentials created')
    expect(deployment('web')?.spec).toMatchObject({ replicas: 3 })
    const secret = apiserver.get({ group: '', kind: 'Secret', namespace: 'prod', name: 'db-credentials' })
    expect(Buffer.from(String((secret?.data as Record<string, string>).password), 'base64').toString()).toBe('correct-horse-battery-staple')
    expect(JSON.stringify(secret)).not.toContain('ENC[')
  })

  it('does nothing on a second reconcile of the same revision', async () => {
    const before = deployment('web')?.metadata.resourceVersion
    const { code, out } = await reconcile('clusters/prod')
    expect(code).toBe(0)
    expect(out).not.toMatch(/ (created|configured|deleted)/)
    expect(deployment('web')?.metadata.resourceVersion).toBe(before)
  })

  it.skipIf(!hasKubectl)('undoes a kubectl scale and a kubectl label on the next reconcile, as gitops apply does (one default, Git wins)', async () => {
    await kubectl(['-n', 'prod', 'scale', 'deployment/web', '--replicas=9'])
    await kubectl(['-n', 'prod', 'label', 'deployment/web', 'by=hand'])
    expect(deployment('web')?.spec).toMatchObject({ replicas: 9 })
    const { code, out } = await reconcile('clusters/prod')
    expect(code).toBe(0)
    expect(out).toContain('Deployment/prod/web configured')
    expect(deployment('web')?.spec).toMatchObject({ replicas: 3 })
    expect(deployment('web')?.metadata.labels?.by).toBeUndefined()
  })

  it.skipIf(!hasKubectl)('--conflicts=fail leaves a kubectl scale and fails naming the manager; --take-over-manager takes over a named manager', async () => {
    await kubectl(['-n', 'prod', 'scale', 'deployment/web', '--replicas=7'])
    const failed = await reconcile('clusters/prod', '--conflicts=fail')
    expect(failed.code).toBe(2)
    expect(failed.err).toMatch(/gitops reconcile: .*Deployment\/prod\/web.*kubectl/)
    expect(failed.out).toContain('ReconciliationFailed')
    expect(deployment('web')?.spec).toMatchObject({ replicas: 7 })
    // A manager that is not kubectl keeps its fields by default, loses them when named.
    await kubectl(['-n', 'prod', 'patch', 'deployment/web', '--field-manager=legacy-tool', '--type=merge', '-p', '{"metadata":{"labels":{"tool":"legacy"}}}'])
    const kept = await reconcile('clusters/prod')
    expect(kept.code, kept.err).toBe(0)
    expect(deployment('web')?.spec).toMatchObject({ replicas: 3 })
    expect(deployment('web')?.metadata.labels?.tool).toBe('legacy')
    const taken = await reconcile('clusters/prod', '--take-over-manager', 'legacy-tool')
    expect(taken.code, taken.err).toBe(0)
    expect(deployment('web')?.metadata.labels?.tool).toBeUndefined()
    const bad = await reconcile('clusters/prod', '--conflicts=maybe')
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('--conflicts must be force or fail, not maybe') as unknown])
  })

  it('applies a new commit: a changed replica count is configured, a removed object deleted', async () => {
    const base = readFileSync(join(fleetDir, 'clusters/prod/kustomization.yaml'), 'utf8')
    const cache = readFileSync(join(fleetDir, 'base/cache.yaml'), 'utf8')
    await repo.commit({
      ...fleet,
      'clusters/prod/kustomization.yaml': base.replace('count: 3', 'count: 5'),
      'base/cache.yaml': cache.slice(0, cache.indexOf('---')),
    }, { message: 'scale web, drop the cache service' })
    const { code, out } = await reconcile('clusters/prod')
    expect(code).toBe(0)
    expect(out).toContain('Deployment/prod/web configured')
    expect(out).toContain('Service/prod/cache deleted')
    expect(deployment('web')?.spec).toMatchObject({ replicas: 5 })
    expect(apiserver.get({ group: '', kind: 'Service', namespace: 'prod', name: 'cache' })).toBeUndefined()
  })

  it('records the outcome for gitops status', async () => {
    const { code, out } = await gitops('status', '--inventory', 'prod/fleet', '--kubeconfig', kubeconfig)
    expect(code).toBe(0)
    expect(out.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+MESSAGE\s+REVISION\s+LAST-APPLIED$/)
    expect(out).toMatch(/prod\s+fleet\s+True\s+ReconciliationSucceeded: Applied revision: main@sha1:/)
    const all = await gitops('status', '--kubeconfig', kubeconfig, '-o', 'json')
    expect(JSON.parse(all.out)).toMatchObject([{ namespace: 'prod', name: 'fleet', ready: 'True' }])
    // -n NS lists one namespace, -A all of them, and --inventory NAME takes its namespace from -n.
    expect(JSON.parse((await gitops('status', '-n', 'prod', '--kubeconfig', kubeconfig, '-o', 'json')).out)).toMatchObject([{ namespace: 'prod', name: 'fleet' }])
    expect(JSON.parse((await gitops('status', '-n', 'staging', '--kubeconfig', kubeconfig, '-o', 'json')).out)).toEqual([])
    expect(JSON.parse((await gitops('-A', 'status', '--kubeconfig', kubeconfig, '-o', 'json')).out)).toMatchObject([{ namespace: 'prod', name: 'fleet' }])
    const one = await gitops('status', '-n', 'prod', '--inventory', 'fleet', '--kubeconfig', kubeconfig, '-o', 'yaml')
    expect(one.out).toMatch(/^ {2}name: fleet$/m)
    expect(one.out).toMatch(/^ {2}namespace: prod$/m)
  })

  it('fails a broken build with BuildFailed, exit 2, and prunes nothing', async () => {
    await repo.commit({ ...fleet, 'clusters/prod/kustomization.yaml': 'resources:\n  - missing.yaml\n' }, { message: 'break it' })
    const { code, out, err } = await reconcile('clusters/prod')
    expect(code).toBe(2)
    expect(out).toContain('Not ready: BuildFailed')
    // Progress lines go to stderr too; the error is one line of its own.
    const errors = err.split('\n').filter((l) => l.startsWith('gitops reconcile:'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('missing.yaml')
    // gitops status shows the revision applied last, as flux get kustomizations does, not the broken one.
    const status = await gitops('status', '--inventory', 'prod/fleet', '--kubeconfig', kubeconfig, '-o', 'json')
    const [record] = JSON.parse(status.out) as { lastAppliedRevision: string; lastAttemptedRevision: string }[]
    expect(record?.lastAppliedRevision).not.toBe(record?.lastAttemptedRevision)
    const table = await gitops('status', '--inventory', 'prod/fleet', '--kubeconfig', kubeconfig)
    expect(table.out.split('\n')[1]).toContain(` ${record?.lastAppliedRevision ?? '?'} `)
    expect(table.out).not.toContain(record?.lastAttemptedRevision ?? '?')
    expect(deployment('web')).toBeDefined()
    expect(deployment('cache')).toBeDefined()
  })

  it('fails without the age key with DecryptionFailed and applies nothing of the new revision', async () => {
    await repo.commit(fleet, { message: 'restore' })
    const { code, out } = await gitops(
      'reconcile', '--url', `${gitServer.url}/fleet`, '--path', 'clusters/prod', '--inventory', 'prod/fleet',
      '--once', '--kubeconfig', kubeconfig, '--timeout', '30s',
    )
    expect(code).toBe(2)
    expect(out).toContain('Not ready: DecryptionFailed')
    expect(deployment('web')?.spec).toMatchObject({ replicas: 5 })
  })

  it('prints the status as JSON', async () => {
    const { code, out } = await reconcile('clusters/prod', '-o', 'json')
    expect(code).toBe(0)
    const status = JSON.parse(out) as { ready: string; changeSet: { name: string; action: string }[] }
    expect(status.ready).toBe('True')
    expect(status.changeSet).toContainEqual(expect.objectContaining({ name: 'cache', action: 'created' }))
  })

  it('keeps reconciling on an interval until interrupted, serving metrics', async () => {
    const controller = new AbortController()
    let out = ''
    let err = ''
    const port = 20_000 + Math.floor(Math.random() * 20_000)
    const running = main(
      ['reconcile', '--url', `${gitServer.url}/fleet`, '--path', 'clusters/prod', '--inventory', 'prod/fleet', '--prune', '--interval', '1s',
        '--age-key-file', keyFile, '--kubeconfig', kubeconfig, '--metrics-port', String(port)],
      { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: { NO_COLOR: '1' }, signal: controller.signal },
    )
    const deadline = Date.now() + 20_000
    while ((out.match(/^fleet /gm) ?? []).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    controller.abort()
    expect(await running).toBe(0)
    expect((out.match(/^fleet main@sha1:[0-9a-f]{40}: Ready/gm) ?? []).length).toBeGreaterThanOrEqual(2)
    expect(err).toContain(`metrics at http://127.0.0.1:${port}/metrics`)
    expect(metrics).toMatch(/gitops_reconcile_condition\{name="fleet",type="Ready",status="True"\} 1/)
    expect(metrics).toMatch(/gitops_api_requests_total\{verb="[a-z]+",code="200"\} \d+/)
  })

  it('fails a ref that does not exist with ArtifactFailed naming the ref', async () => {
    const { code, out, err } = await reconcile('clusters/prod', '--ref', 'branch:no-such-branch')
    expect(code).toBe(2)
    expect(out).toContain('Not ready: ArtifactFailed')
    expect(err).toContain('no-such-branch')
  })

  it('fails an apply the API refuses with ReconciliationFailed and prunes nothing', async () => {
    const cache = readFileSync(join(fleetDir, 'base/cache.yaml'), 'utf8')
    const web = readFileSync(join(fleetDir, 'base/web.yaml'), 'utf8')
    await repo.commit(
      { ...fleet, 'base/cache.yaml': cache.slice(0, cache.indexOf('---')), 'base/web.yaml': web.replace('      port: 80\n', '') },
      { message: 'a Service port without its number, and the cache Service removed' },
    )
    const { code, out, err } = await reconcile('clusters/prod')
    expect(code).toBe(2)
    expect(out).toContain('Not ready: ReconciliationFailed')
    expect(err).toContain('Service/prod/web')
    expect(apiserver.get({ group: '', kind: 'Service', namespace: 'prod', name: 'cache' })).toBeDefined()
  })

  it('fails objects that never become healthy with HealthCheckFailed naming them, then recovers', async () => {
    // A cluster whose controllers never run: nothing becomes Available until the test says so.
    const idle = await startApiServer()
    try {
      const idleKubeconfig = join(dir, 'idle-kubeconfig')
      writeFileSync(idleKubeconfig, idle.kubeconfigYaml())
      await repo.commit(fleet, { message: 'back to the fleet' })
      const args = ['reconcile', '--url', `${gitServer.url}/fleet`, '--path', 'clusters/prod', '--inventory', 'prod/fleet', '--wait', '--once',
        '--age-key-file', keyFile, '--kubeconfig', idleKubeconfig]
      // Time enough for fetch, render and apply on a loaded 2-core machine, so that the wait phase
      // starts with time left and its own timeout (which names the objects) ends the reconcile.
      const failed = await gitops(...args, '--timeout', '8s')
      expect(failed.code).toBe(2)
      expect(failed.out).toContain('Not ready: HealthCheckFailed')
      expect(failed.err).toContain('Deployment/prod/web')
      for (const name of ['web', 'cache']) idle.markReady({ group: 'apps', kind: 'Deployment', namespace: 'prod', name })
      const recovered = await gitops(...args, '--timeout', '30s')
      expect(recovered.code).toBe(0)
      expect(recovered.out).toContain('Ready: ReconciliationSucceeded')
    } finally {
      await idle.stop()
    }
  })

  it('fails a prune the API refuses with PruneFailed, keeps what it could not delete, then recovers', async () => {
    await repo.commit(fleet, { message: 'the fleet again' })
    expect((await reconcile('clusters/prod')).code).toBe(0)
    const cache = readFileSync(join(fleetDir, 'base/cache.yaml'), 'utf8')
    await repo.commit({ ...fleet, 'base/cache.yaml': cache.slice(0, cache.indexOf('---')) }, { message: 'drop the cache Service' })
    const undo = apiserver.intercept((r) => (r.verb === 'delete' && r.resource === 'services' && r.name === 'cache' ? { status: 403, message: 'services "cache" is forbidden' } : undefined))
    try {
      const { code, out, err } = await reconcile('clusters/prod')
      expect(code).toBe(2)
      expect(out).toContain('Not ready: PruneFailed')
      expect(err).toContain('Service/prod/cache')
      expect(apiserver.get({ group: '', kind: 'Service', namespace: 'prod', name: 'cache' })).toBeDefined()
    } finally {
      undo()
    }
    const again = await reconcile('clusters/prod')
    expect(again.code).toBe(0)
    expect(again.out).toContain('Service/prod/cache deleted')
    expect(apiserver.get({ group: '', kind: 'Service', namespace: 'prod', name: 'cache' })).toBeUndefined()
  })
  it('--dry-run=server renders and dry-run applies: prints the change set, writes nothing, prunes nothing, records nothing', async () => {
    await repo.commit(fleet, { message: 'the fleet for the dry runs' })
    expect((await reconcile('clusters/prod')).code).toBe(0)
    const inventoryBefore = apiserver.get({ group: '', kind: 'ConfigMap', namespace: 'prod', name: 'fleet' })
    const prod = readFileSync(join(fleetDir, 'clusters/prod/kustomization.yaml'), 'utf8')
    const cache = readFileSync(join(fleetDir, 'base/cache.yaml'), 'utf8')
    await repo.commit(
      { ...fleet, 'clusters/prod/kustomization.yaml': prod.replace('count: 3', 'count: 5'), 'base/cache.yaml': cache.slice(0, cache.indexOf('---')) },
      { message: 'scale web, drop the cache Service' },
    )
    for (const flag of ['--dry-run', '--dry-run=server']) {
      const { code, out, err } = await reconcile('clusters/prod', flag)
      expect(code, err).toBe(0)
      expect(out).toContain('Deployment/prod/web configured')
      expect(out).toMatch(/\(server dry run of main@sha1:[0-9a-f]{40}; nothing pruned, inventory and status not written\)\n$/)
      expect(out).not.toContain('deleted')
    }
    const json = await reconcile('clusters/prod', '--dry-run=server', '-o', 'json')
    expect(JSON.parse(json.out)).toMatchObject({ dryRun: true, dryRunMode: 'server', entries: expect.arrayContaining([expect.objectContaining({ kind: 'Deployment', name: 'web', action: 'configured' })]) as unknown })
    expect(deployment('web')?.spec).toMatchObject({ replicas: 3 })
    expect(apiserver.get({ group: '', kind: 'Service', namespace: 'prod', name: 'cache' })).toBeDefined()
    const inventoryAfter = apiserver.get({ group: '', kind: 'ConfigMap', namespace: 'prod', name: 'fleet' })
    expect(inventoryAfter?.metadata.resourceVersion).toBe(inventoryBefore?.metadata.resourceVersion)
  })

  it('--dry-run=client renders and lists the objects without any cluster or kubeconfig', async () => {
    const { code, out, err } = await gitops('reconcile', '--url', `${gitServer.url}/fleet`, '--path', 'clusters/prod', '--inventory', 'prod/fleet', '--age-key-file', keyFile, '--dry-run=client')
    expect(code, err).toBe(0)
    expect(out).toContain('Deployment/prod/web (client dry run)')
    expect(out).toContain('Secret/prod/db-credentials (client dry run)')
    expect(out).toMatch(/\d+ objects at main@sha1:[0-9a-f]{40}, nothing sent\n$/)
    expect(out).not.toContain('correct-horse-battery-staple')
  })

  it('--dry-run refuses --interval and --metrics-port', async () => {
    const { code, err } = await reconcile('clusters/prod', '--dry-run', '--metrics-port', '0')
    expect(code).toBe(2)
    expect(err).toContain('--dry-run runs one reconcile: it takes neither --interval nor --metrics-port')
  })
})
