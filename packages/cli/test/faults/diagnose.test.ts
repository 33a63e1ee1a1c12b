// Faults of the diagnostic commands: a cluster without Flux's CRDs, objects that do not exist and
// bad flags each end in a typed error naming its subject, exit 2, and the cluster is left as it was.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createKubeClient } from '@gitops-sdk/apply'
import { fluxCrds } from '@gitops-sdk/flux'
import { run } from '../helpers/run.js'

let dir: string
let apiserver: ApiServer
let env: Record<string, string>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-diagnose-faults-'))
  apiserver = await startApiServer()
  writeFileSync(join(dir, 'kubeconfig'), apiserver.kubeconfigYaml())
  env = { KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir }
}, 30_000)

afterAll(async () => {
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

const gitops = (...argv: string[]): ReturnType<typeof run> => run(argv, { cwd: dir, env })

async function expectFault(argv: readonly string[], code: string, subject: string): Promise<void> {
  const before = JSON.stringify(apiserver.snapshot())
  const result = await gitops(...argv)
  expect([argv.join(' '), result.code, (result.error as { code?: string } | undefined)?.code]).toEqual([argv.join(' '), 2, code])
  expect(result.err).toContain(subject)
  expect(JSON.stringify(apiserver.snapshot())).toBe(before)
}

describe('diagnostic commands, faults', () => {
  it("names the resource when the cluster has no Flux CRDs", async () => {
    await expectFault(['get', 'kustomizations'], 'CLI_FLUX_NOT_INSTALLED', 'kustomizations.kustomize.toolkit.fluxcd.io')
    await expectFault(['get', 'sources', 'git', '-A'], 'CLI_FLUX_NOT_INSTALLED', 'gitrepositories.source.toolkit.fluxcd.io')
    await expectFault(['suspend', 'kustomization', 'apps'], 'CLI_FLUX_NOT_INSTALLED', 'kustomizations.kustomize.toolkit.fluxcd.io')
    await expectFault(['reconcile', 'kustomization', 'apps', '--timeout', '1s'], 'CLI_FLUX_NOT_INSTALLED', 'kustomizations.kustomize.toolkit.fluxcd.io')
  })

  it('names a missing object', async () => {
    const client = await createKubeClient({ kubeconfigYaml: apiserver.kubeconfigYaml() })
    for (const crd of fluxCrds()) await client.apply(crd, { fieldManager: 'setup' })
    for (let i = 0; i < 40 && (await client.resource({ group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' })) === undefined; i++) await new Promise((r) => setTimeout(r, 50))
    await expectFault(['get', 'kustomizations', 'nope'], 'CLI_OBJECT_NOT_FOUND', 'Kustomization/flux-system/nope')
    await expectFault(['suspend', 'kustomization', 'nope', '-n', 'team'], 'CLI_OBJECT_NOT_FOUND', 'Kustomization/team/nope')
    await expectFault(['resume', 'ks', 'nope'], 'CLI_OBJECT_NOT_FOUND', 'Kustomization/flux-system/nope')
    await expectFault(['reconcile', 'kustomization', 'nope'], 'CLI_OBJECT_NOT_FOUND', 'Kustomization/flux-system/nope')
    await expectFault(['tree', 'kustomization', 'nope'], 'CLI_OBJECT_NOT_FOUND', 'Kustomization/flux-system/nope')
    await expectFault(['trace', 'configmap', 'nope', '-n', 'default'], 'CLI_OBJECT_NOT_FOUND', 'ConfigMap/default/nope')
  })

  it('refuses bad flags and arguments, naming them', async () => {
    await expectFault(['get', 'pods'], 'CLI_ARGUMENT_UNEXPECTED', 'cannot get pods')
    await expectFault(['get'], 'CLI_ARGUMENT_MISSING', 'gitops get kustomizations|sources git')
    await expectFault(['get', 'ks', '-n', 'apps', '-A'], 'CLI_FLAG_INVALID', '-A/--all-namespaces')
    await expectFault(['get', 'ks', '--watch', '-o', 'json'], 'CLI_FLAG_INVALID', '--watch')
    await expectFault(['get', 'ks', '-n', 'Not_A_Namespace'], 'CLI_FLAG_INVALID', '--namespace')
    await expectFault(['suspend', 'helmrelease', 'x'], 'CLI_ARGUMENT_UNEXPECTED', 'cannot suspend helmrelease')
    await expectFault(['reconcile', 'kustomization'], 'CLI_ARGUMENT_MISSING', 'missing NAME')
    await expectFault(['reconcile', 'kustomization', 'apps', '--timeout', 'soon'], 'CLI_FLAG_INVALID', '--timeout')
    await expectFault(['trace', 'configmap'], 'CLI_ARGUMENT_MISSING', 'missing KIND or NAME')
    await expectFault(['trace', 'widget', 'x'], 'CLI_ARGUMENT_UNEXPECTED', 'widget: the cluster serves no such kind')
    await expectFault(['events', '--for', 'apps'], 'CLI_FLAG_INVALID', '--for apps: expected Kind/NAME')
    await expectFault(['tree', 'kustomization', '__proto__'], 'CLI_OBJECT_NOT_FOUND', 'Kustomization/flux-system/__proto__')
  })
})
