import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { main } from '../main.js'
import type { CliIO } from '../context.js'

let server: ApiServer
let dir: string
let kubeconfig: string

beforeAll(async () => {
  server = await startApiServer()
  dir = mkdtempSync(join(tmpdir(), 'gitops-cli-diff-'))
  kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, server.kubeconfigYaml())
})
afterAll(async () => {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function run(argv: string[], tty = false): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIO = { stdout: { write: (s: string) => (out += s), isTTY: tty }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: dir }
  const code = await main([...argv, '--kubeconfig', kubeconfig], io)
  return { code, out, err }
}

const cm = (ns: string, name: string, value: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  key: ${value}\n`

describe('gitops diff', () => {
  it('exits 0 without drift, 1 with drift and missing objects, and lists orphans of the inventory', async () => {
    const ns = `diff-${Math.random().toString(36).slice(2, 8)}`
    const file = join(dir, `${ns}.yaml`)
    writeFileSync(file, [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`, cm(ns, 'a', 'one'), cm(ns, 'old', 'x')].join('---\n'))
    expect((await run(['apply', file, '--inventory', `${ns}/app`])).code).toBe(0)
    expect(await run(['diff', file, '--inventory', `${ns}/app`])).toEqual({ code: 0, out: '3 unchanged\n', err: '' })

    writeFileSync(file, [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`, cm(ns, 'a', 'two'), cm(ns, 'new', 'y')].join('---\n'))
    const text = await run(['diff', file, '--inventory', `${ns}/app`])
    expect(text.code).toBe(1)
    expect(text.out).toContain(`--- ConfigMap/${ns}/a (live)\n+++ ConfigMap/${ns}/a (desired)\n@@ .data.key @@`)
    expect(text.out).toContain(`-one\n+two\n`)
    expect(text.out).toContain(`--- ConfigMap/${ns}/new (not in the cluster)`)
    expect(text.out).toContain(`+++ ConfigMap/${ns}/old (not in Git; prune deletes it)`)
    expect(text.out).toMatch(/1 drifted, 1 missing, 1 orphaned, 1 unchanged\n$/)

    const json = await run(['diff', file, '--inventory', `${ns}/app`, '-o', 'json'])
    const report = JSON.parse(json.out) as { drifted: boolean; objects: { ref: { name: string }; status: string; fields: { path: string; live?: unknown; desired?: unknown }[] }[] }
    expect(report.drifted).toBe(true)
    expect(report.objects.find((o) => o.ref.name === 'a')).toMatchObject({ status: 'drifted', fields: [{ path: '.data.key', live: 'one', desired: 'two' }] })

    // -o yaml, refused before issue 18 although documented; the same report as JSON.
    const yaml = await run(['-o', 'yaml', 'diff', file, '--inventory', `${ns}/app`])
    expect(yaml.code).toBe(1)
    expect(yaml.out).toMatch(/^drifted: true\n/m)
    expect(yaml.out).toContain('path: .data.key')
  })

  it('colours the diff on a terminal', async () => {
    const ns = `color-${Math.random().toString(36).slice(2, 8)}`
    const file = join(dir, `${ns}.yaml`)
    writeFileSync(file, cm('default', ns, 'x'))
    const result = await run(['diff', file], true)
    expect(result.code).toBe(1)
    expect(result.out).toContain('\u001b[1m--- ')
  })

  it('exits 2 when the server refuses the dry-run of an object', async () => {
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec: {containers: [{name: app, image: nginx}]}\n')
    const result = await run(['diff', file])
    expect(result.code).toBe(2)
    expect(result.out).toContain('! Deployment/default/web failed: dry-run apply failed (Invalid)')
    expect(result.err).toBe('gitops diff: 1 object could not be compared (see above)\n')
  })

  it('previews the takeover of gitops apply: a data key another manager added is drift by default, not with --conflicts=fail, and with --take-over-manager', async () => {
    const ns = `takeover-${Math.random().toString(36).slice(2, 8)}`
    const file = join(dir, `${ns}.yaml`)
    writeFileSync(file, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n---\n${cm(ns, 'a', 'git')}`)
    expect((await run(['apply', file, '--inventory', `${ns}/app`])).code).toBe(0)
    const { createKubeClient } = await import('@gitops-sdk/apply')
    const client = await createKubeClient({ kubeconfig })
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: ns }, data: { added: 'x' } }, { fieldManager: 'kubectl' })
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: ns }, data: { other: 'y' } }, { fieldManager: 'helm' })
    expect((await run(['diff', file, '--inventory', `${ns}/app`, '-o', 'json'])).code).toBe(1)
    expect((await run(['diff', file, '--inventory', `${ns}/app`, '--conflicts=fail'])).code).toBe(0)
    const listed = await run(['diff', file, '--inventory', `${ns}/app`, '--take-over-manager', 'helm', '-o', 'json'])
    const report = JSON.parse(listed.out) as { objects: { ref: { name: string }; fields: { path: string; manager?: string }[] }[] }
    expect(report.objects.find((o) => o.ref.name === 'a')?.fields.map((f) => [f.path, f.manager])).toEqual([['.data.added', 'kubectl'], ['.data.other', 'helm']])
    expect((await run(['diff', file, '--conflicts=maybe'])).code).toBe(2)
  })
})
