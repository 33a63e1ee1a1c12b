// `gitops apply --applyset` against the embedded apiserver, read back by real kubectl 1.32: the
// parent ConfigMap carries what `kubectl apply --prune --applyset` writes, kubectl recognises the
// set (refusing one another tool manages, by its tooling) and prunes with it when handed over.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { applySetId } from '@gitops-sdk/apply'
import { run } from '../helpers/run.js'
import { hasKubectl, kubectl as kubectlBin } from '../../../../testing/kubectl.js'

let dir: string
let apiserver: ApiServer
let kubeconfig: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-applyset-'))
  apiserver = await startApiServer()
  kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, apiserver.kubeconfigYaml())
})

afterAll(async () => {
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

function kubectl(args: readonly string[]): Promise<{ ok: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(kubectlBin, ['--kubeconfig', kubeconfig, ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECTL_APPLYSET: 'true' }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ ok: err === null, out: stdout, err: stderr }),
    )
  })
}

function namespace(name: string): Promise<{ ok: boolean; out: string; err: string }> {
  const file = join(dir, `ns-${name}.yaml`)
  writeFileSync(file, `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`)
  return kubectl(['apply', '-f', file])
}

function configMaps(ns: string, names: readonly string[]): string {
  const file = join(dir, `${ns}-${names.join('-')}.yaml`)
  writeFileSync(file, names.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}, namespace: ${ns}}\ndata: {k: v}\n`).join('---\n'))
  return file
}

describe.skipIf(!hasKubectl)(`gitops apply --applyset, read by kubectl${hasKubectl ? '' : ' (skipped: kubectl is absent)'}`, () => {
  it('writes the parent kubectl expects, and kubectl refuses to manage a set of other tooling', async () => {
    expect(await namespace('set-a')).toMatchObject({ err: '', ok: true })
    const result = await run(['apply', configMaps('set-a', ['one', 'two']), '--inventory', 'set-a/web', '--applyset'], { cwd: dir, env: { KUBECONFIG: kubeconfig } })
    expect(result.error).toBeUndefined()
    const parent = JSON.parse((await kubectl(['get', 'configmap', 'web', '-n', 'set-a', '-o', 'json'])).out) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } }
    const id = applySetId({ name: 'web', namespace: 'set-a' })
    expect(parent.metadata.labels['applyset.kubernetes.io/id']).toBe(id)
    expect(parent.metadata.annotations).toMatchObject({
      'applyset.kubernetes.io/tooling': expect.stringMatching(/^gitops\/v\d/) as unknown,
      'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap',
    })
    const members = (await kubectl(['get', 'configmaps', '-n', 'set-a', '-l', `applyset.kubernetes.io/part-of=${id}`, '-o', 'name'])).out
    expect(members.split('\n').filter(Boolean).sort()).toEqual(['configmap/one', 'configmap/two'])

    // kubectl computes the same id from the parent's name and kind, and reads its tooling.
    const refused = await kubectl(['apply', '-n', 'set-a', '--prune', '--applyset=configmaps/web', '-f', configMaps('set-a', ['one'])])
    expect(refused.ok).toBe(false)
    expect(refused.err).toMatch(/managed by tooling "gitops" instead of "kubectl"/)
    expect((await kubectl(['get', 'configmap', 'two', '-n', 'set-a', '-o', 'name'])).out.trim()).toBe('configmap/two')
  })

  it('hands the set to kubectl with --applyset-tooling kubectl/…: kubectl prunes the member that left', async () => {
    expect(await namespace('set-b')).toMatchObject({ err: '', ok: true })
    const result = await run(['apply', configMaps('set-b', ['one', 'two']), '--inventory', 'set-b/web', '--applyset', '--applyset-tooling', 'kubectl/v1.32.0'], {
      cwd: dir,
      env: { KUBECONFIG: kubeconfig },
    })
    expect(result.error).toBeUndefined()
    const pruned = await kubectl(['apply', '-n', 'set-b', '--prune', '--applyset=configmaps/web', '-f', configMaps('set-b', ['one'])])
    // kubectl takes the parent's fields over from gitops's field manager (a warning, then forced),
    // as it does for any set another manager wrote.
    expect(pruned.err).not.toMatch(/error/i)
    expect(pruned.ok).toBe(true)
    expect(pruned.out).toMatch(/configmap\/two pruned/)
    expect((await kubectl(['get', 'configmaps', '-n', 'set-b', '-o', 'name'])).out.split('\n').filter((l) => l === 'configmap/one' || l === 'configmap/two')).toEqual(['configmap/one'])
  })
})
