import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createKubeClient, loadInventory } from '@gitops-sdk/apply'
import { inventoryOf } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import type { KubeClient } from '@gitops-sdk/apply'
import { main } from '../main.js'
import type { CliIO } from '../context.js'
import { durationFlag, inventoryFlag } from '../flags.js'
import { hasKubectl, kubectl as kubectlBin } from '../../../../testing/kubectl.js'

let server: ApiServer
let client: KubeClient
let dir: string
let kubeconfig: string

beforeAll(async () => {
  server = await startApiServer()
  dir = mkdtempSync(join(tmpdir(), 'gitops-cli-apply-'))
  kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, server.kubeconfigYaml())
  client = await createKubeClient({ kubeconfig })
})
afterAll(async () => {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})

function run(argv: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { KUBECONFIG: kubeconfig },
    cwd: dir,
    stdin: stdin === undefined ? undefined : Readable.from([stdin]),
  }
  return main(argv, io).then((code) => ({ code, out, err }))
}

/** Real kubectl against the embedded server, as a human at the keyboard. */
function kubectl(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(kubectlBin, ['--kubeconfig', kubeconfig, ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 60_000 }, (err, stdout, stderr) =>
      err === null ? resolve(stdout) : reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)),
    )
  })
}

function namespace(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`
}

function manifest(ns: string, names: string[], value = 'v'): string {
  return [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`, ...names.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  namespace: ${ns}\ndata:\n  key: ${value}\n`)].join('---\n')
}

describe('gitops apply', () => {
  it('applies a file, then reports it unchanged, then prunes what left', async () => {
    const ns = namespace('cli')
    writeFileSync(join(dir, `${ns}.yaml`), manifest(ns, ['a', 'b']))
    const first = await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])
    expect(first).toMatchObject({ code: 0, err: 'gitops apply: 3 objects\n' })
    expect(first.out).toBe(`Namespace/${ns} created\nConfigMap/${ns}/a created\nConfigMap/${ns}/b created\n3 created\n`)

    const second = await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])
    expect(second.out).toBe(`Namespace/${ns} unchanged\nConfigMap/${ns}/a unchanged\nConfigMap/${ns}/b unchanged\n3 unchanged\n`)

    writeFileSync(join(dir, `${ns}.yaml`), manifest(ns, ['a']))
    // Without --prune, what left the set stays in the inventory (merged with the new set), so the
    // --prune below still deletes it.
    const kept = await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])
    expect(kept.out).toBe(`Namespace/${ns} unchanged\nConfigMap/${ns}/a unchanged\n2 unchanged\n`)
    const third = await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`, '--prune', '-o', 'json'])
    expect(third.code).toBe(0)
    const data = JSON.parse(third.out) as { entries: { name: string; action: string }[]; summary: Record<string, number> }
    expect(data.entries.map((e) => `${e.name} ${e.action}`)).toEqual([`${ns} unchanged`, 'a unchanged', 'b deleted'])
    expect(data.summary).toMatchObject({ unchanged: 2, deleted: 1 })
    expect(await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'b' })).toBeUndefined()
  })

  // Nothing left the set (a re-apply, or a set that only grew): the command stores the new set as
  // applyAll returned it, which must be what the full merge with the previous inventory stores.
  it('stores the inventory of the set when nothing left it, read back from the server', async () => {
    const ns = namespace('inv')
    const objects = (names: string[]): KubeObject[] => [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      ...names.map((name): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { key: 'v' } })),
    ]
    const stored = async () => (await loadInventory({ name: 'app', namespace: ns }, { client }))?.inventory
    writeFileSync(join(dir, `${ns}.yaml`), manifest(ns, ['b']))
    expect((await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])).code).toBe(0)
    expect(await stored()).toEqual(inventoryOf(objects(['b'])))
    // The set grew, in another order: every object of the previous inventory is still in it.
    writeFileSync(join(dir, `${ns}.yaml`), manifest(ns, ['c', 'b', 'a']))
    expect((await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])).code).toBe(0)
    expect(await stored()).toEqual(inventoryOf(objects(['a', 'b', 'c'])))
    // The same set again.
    expect((await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])).out).toMatch(/\n4 unchanged\n$/)
    expect(await stored()).toEqual(inventoryOf(objects(['a', 'b', 'c'])))
    // For contrast, something left (no --prune): the merge keeps it.
    writeFileSync(join(dir, `${ns}.yaml`), manifest(ns, ['a', 'd']))
    expect((await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])).code).toBe(0)
    expect(await stored()).toEqual(inventoryOf(objects(['a', 'b', 'c', 'd'])))
  })

  it('renders an overlay directory whose base lies outside it, as kubectl kustomize does', async () => {
    const staging = fileURLToPath(new URL('../../../../examples/fleet/clusters/staging', import.meta.url))
    const { code, out } = await run(['apply', staging, '--inventory', 'staging/fleet'])
    expect(code).toBe(0)
    expect(out).toContain('Deployment/staging/web created')
    expect(out).toMatch(/ConfigMap\/staging\/web-config-[a-z0-9]{10} created/)
  })

  it('reads stdin, and changes nothing with --dry-run', async () => {
    const ns = namespace('stdin')
    const result = await run(['apply', '-', '--inventory', `${ns}/app`, '--dry-run'], manifest(ns, ['a']))
    expect(result.code).toBe(0)
    expect(result.out).toContain(`ConfigMap/${ns}/a created: dry run`)
    expect(await client.get({ group: '', kind: 'Namespace', namespace: '', name: ns })).toBeUndefined()
  })

  it('waits for health with --wait and fails with exit 2 on --timeout', async () => {
    const ns = namespace('wait')
    const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app, image: nginx}]}\n`
    const result = await run(['apply', '-', '--inventory', `${ns}/app`, '--wait', '--timeout', '300ms'], `${manifest(ns, [])}---\n${deployment}`)
    expect(result.code).toBe(2)
    expect(result.out).toContain(`Deployment/${ns}/web created`)
    expect(result.err).toContain(`gitops apply: Deployment/${ns}/web (InProgress: Replicas: 0/1) not ready before the timeout [APPLY_WAIT_TIMEOUT]`)
  })

  it('prints what happened and exits 2 when the API refuses an object', async () => {
    const ns = namespace('bad')
    const bad = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec: {containers: [{name: app, image: nginx}]}\n`
    const result = await run(['apply', '-', '--inventory', `${ns}/app`], `${manifest(ns, ['a'])}---\n${bad}`)
    expect(result.code).toBe(2)
    expect(result.out).toContain(`Namespace/${ns} created\nConfigMap/${ns}/a skipped: not applied: another object of its stage failed\nDeployment/${ns}/web failed: dry-run apply failed (Invalid)`)
    expect(result.err).toMatch(new RegExp(`gitops apply: Deployment/${ns}/web: dry-run apply failed \\(Invalid\\): .* \\[APPLY_INVALID\\]\\n$`))
  })

  it("makes Git win a field another manager owns by default, as Flux; --conflicts=fail refuses as kubectl apply --server-side", async () => {
    const ns = namespace('conflict')
    writeFileSync(join(dir, `${ns}.yaml`), manifest(ns, ['a']))
    expect((await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])).code).toBe(0)
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: ns }, data: { key: 'theirs' } }, { fieldManager: 'other', force: true })
    writeFileSync(join(dir, `${ns}.yaml`), manifest(ns, ['a'], 'ours'))
    const refused = await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`, '--conflicts=fail'])
    expect(refused.code).toBe(2)
    expect(refused.err.split('\n').at(-2)).toMatch(/^gitops apply: ConfigMap\/conflict-\w+\/a: .*field owned by another manager: \.data\.key \(other\) \[APPLY_FIELD_CONFLICT\]$/)
    expect((await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' }))?.data).toEqual({ key: 'theirs' })
    const won = await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])
    expect(won.code).toBe(0)
    expect(won.out).toContain(`ConfigMap/${ns}/a configured`)
    expect((await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' }))?.data).toEqual({ key: 'ours' })
    const bad = await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`, '--conflicts=never'])
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('--conflicts must be force or fail, not never')
  })

  it.skipIf(!hasKubectl)('undoes a kubectl scale and a kubectl label by default, as gitops reconcile does', async () => {
    const ns = namespace('scale')
    const web = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app, image: nginx}]}\n`
    writeFileSync(join(dir, `${ns}.yaml`), `${manifest(ns, [])}---\n${web}`)
    expect((await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])).code).toBe(0)
    await kubectl(['-n', ns, 'scale', 'deployment/web', '--replicas=7'])
    await kubectl(['-n', ns, 'label', 'deployment/web', 'by=hand'])
    const result = await run(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])
    expect(result.code).toBe(0)
    expect(result.out).toContain(`Deployment/${ns}/web configured`)
    const live = await client.get({ group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' })
    expect(live?.spec).toMatchObject({ replicas: 2 })
    expect(live?.metadata.labels?.by).toBeUndefined()
  })

  it('warns on stderr of a per-object annotation value Flux does not know, and applies the object', async () => {
    const ns = namespace('warn')
    const odd = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\n  namespace: ${ns}\n  annotations: {kustomize.toolkit.fluxcd.io/ssa: merge-ish}\n`
    const result = await run(['apply', '-', '--inventory', `${ns}/app`], `${manifest(ns, [])}---\n${odd}`)
    expect(result.code).toBe(0)
    expect(result.err).toContain(`gitops apply: warning: ConfigMap/${ns}/odd: unknown value "merge-ish" of annotation kustomize.toolkit.fluxcd.io/ssa ignored, as Flux ignores it`)
    expect(result.out).toContain(`ConfigMap/${ns}/odd created`)
  })

  it('takes -n for objects that name no namespace and for --inventory NAME, flags before the command too', async () => {
    const ns = namespace('ns')
    const objects = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: v\n`
    const result = await run(['-n', ns, '-o', 'yaml', 'apply', '-', '--inventory', 'app'], objects)
    expect(result.code).toBe(0)
    expect(result.out).toContain(`- action: created\n  group: ""\n  kind: ConfigMap\n  name: plain\n  namespace: ${ns}\n`)
    expect(await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'plain' })).toBeDefined()
    expect(await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'app' })).toBeDefined()
  })

  it('--dry-run=server is --dry-run; --dry-run=client reads and lists the objects without a cluster', async () => {
    const ns = namespace('dry')
    const server = await run(['apply', '-', '--inventory', `${ns}/app`, '--dry-run=server', '-o', 'json'], manifest(ns, ['a']))
    expect(server.code).toBe(0)
    expect(JSON.parse(server.out)).toMatchObject({ dryRun: true, dryRunMode: 'server', summary: { created: 2 } })
    expect(await client.get({ group: '', kind: 'Namespace', namespace: '', name: ns })).toBeUndefined()
    let out = ''
    const offline: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, env: { KUBECONFIG: join(dir, 'no-such-kubeconfig') }, cwd: dir, stdin: Readable.from([manifest(ns, ['a'])]) }
    expect(await main(['apply', '-', '--inventory', `${ns}/app`, '--dry-run=client'], offline)).toBe(0)
    expect(out).toBe(`Namespace/${ns} (client dry run)\nConfigMap/${ns}/a (client dry run)\n2 objects, nothing sent\n`)
  })

  it('refuses an empty set with --prune unless --allow-empty, and then deletes the inventory’s objects', async () => {
    const ns = namespace('empty')
    expect((await run(['apply', '-', '--inventory', `default/${ns}`], manifest(ns, ['a']))).code).toBe(0)
    const before = await client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: ns })
    const refused = await run(['apply', '-', '--inventory', `default/${ns}`, '--prune'], '')
    expect(refused.code).toBe(2)
    expect(refused.err).toContain(`gitops apply: ConfigMap/default/${ns}: no objects passed to apply while the inventory holds 2 objects; refusing (allow it with allowEmpty) [APPLY_EMPTY_DESIRED_SET]`)
    expect(await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' })).toBeDefined()
    expect((await client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: ns }))?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion)
    const allowed = await run(['apply', '-', '--inventory', `default/${ns}`, '--prune', '--allow-empty'], '')
    expect(allowed.code, allowed.err).toBe(0)
    expect(allowed.out).toContain(`ConfigMap/${ns}/a deleted`)
  })

  it('with --prune --allow-empty keeps the namespace that holds the inventory, and the inventory is saved', async () => {
    const ns = namespace('own-ns')
    expect((await run(['apply', '-', '--inventory', `${ns}/app`], manifest(ns, ['a']))).code).toBe(0)
    const emptied = await run(['apply', '-', '--inventory', `${ns}/app`, '--prune', '--allow-empty', '-o', 'json'], '')
    expect(emptied.code, emptied.err).toBe(0)
    const data = JSON.parse(emptied.out) as { entries: Array<Record<string, string>> }
    expect(data.entries).toEqual([
      { group: '', kind: 'Namespace', namespace: '', name: ns, action: 'skipped', reason: `it holds the inventory ConfigMap/${ns}/app`, reasonCode: 'PRUNE_HOLDS_INVENTORY' },
      { group: '', kind: 'ConfigMap', namespace: ns, name: 'a', action: 'deleted' },
    ])
    expect(await client.get({ group: '', kind: 'Namespace', namespace: '', name: ns })).toBeDefined()
    const stored = await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'app' })
    expect(JSON.parse(String((stored?.data as Record<string, unknown> | undefined)?.inventory))).toMatchObject({ entries: [] })
    // A later run finds a valid, empty inventory and has nothing to do.
    const again = await run(['apply', '-', '--inventory', `${ns}/app`, '--prune', '--allow-empty'], '')
    expect(again).toMatchObject({ code: 0, out: 'no objects\n' })
  })

  it('refuses bad usage with exit 2', async () => {
    expect((await run(['apply', 'x.yaml'])).err).toBe('gitops apply: gitops apply needs --inventory NS/NAME\n')
    expect((await run(['apply', '--inventory', 'a/b'])).err).toBe('gitops apply: gitops apply needs DIR, FILE or - (stdin)\n')
    expect((await run(['apply', 'missing.yaml', '--inventory', 'a/b'])).err).toBe('gitops apply: missing.yaml: no such file or directory\n')
    expect((await run(['apply', 'x.yaml', '--inventory', 'a/b', '--timeout', 'soon'])).err).toBe('gitops apply: --timeout must be a duration such as 90s, 5m or 1h30m, not soon\n')
  })
})

describe('flags', () => {
  it('parses durations and inventories', () => {
    expect(durationFlag('1h30m', 0)).toBe(5_400_000)
    expect(durationFlag('90s', 0)).toBe(90_000)
    expect(durationFlag(undefined, 7)).toBe(7)
    expect(inventoryFlag('flux-system/prod')).toEqual({ namespace: 'flux-system', name: 'prod' })
    expect(() => inventoryFlag('prod')).toThrow('--inventory must be NAMESPACE/NAME, not prod')
  })
})

const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url))

describe.skipIf(!existsSync(bin))('the built gitops binary', () => {
  it('applies and diffs through plain node', async () => {
    const ns = namespace('bin')
    writeFileSync(join(dir, `${ns}.yaml`), manifest(ns, ['a']))
    const exec = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((done) => {
        execFile(process.execPath, [bin, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', KUBECONFIG: kubeconfig } }, (err, stdout, stderr) => done({ code: err === null ? 0 : Number(err.code), stdout, stderr }))
      })
    expect(await exec(['apply', `${ns}.yaml`, '--inventory', `${ns}/app`])).toMatchObject({ code: 0, stdout: expect.stringContaining(`ConfigMap/${ns}/a created`) })
    expect(await exec(['diff', `${ns}.yaml`, '--inventory', `${ns}/app`])).toMatchObject({ code: 0, stdout: '2 unchanged\n' })
    writeFileSync(join(dir, `${ns}.yaml`), manifest(ns, ['a'], 'changed'))
    expect(await exec(['diff', `${ns}.yaml`, '--inventory', `${ns}/app`])).toMatchObject({ code: 1, stdout: expect.stringContaining('-v\n+changed\n') })
  })
})
