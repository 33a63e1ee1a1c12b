// The SDK's CRDs on a real API surface: installed into the embedded apiserver, then Flux objects as
// users write them are created with kubectl and read back; invalid ones are refused by the server.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { stringifyObjects } from '@gitops-sdk/core'
import { hasKubectl, runKubectl } from '../../../../testing/kubectl.js'
import type { KubectlRun } from '../../../../testing/kubectl.js'
import { sharedPath } from '../../../../testing/sharedDir.js'
import { fluxCrds } from '../../src/index.js'
import { gitRepositoryYaml, kustomizationYaml, ociRepositoryYaml } from '../fixtures/fleet.js'

let server: ApiServer
let dir: string
const kubectl = (args: readonly string[], input?: string): Promise<KubectlRun> => runKubectl(dir, args, input)


beforeAll(async () => {
  if (!hasKubectl) return
  server = await startApiServer()
  dir = mkdtempSync(join(tmpdir(), 'gitops-flux-crds-'))
  writeFileSync(join(dir, 'kubeconfig'), server.kubeconfigYaml())
  const installed = await kubectl(['apply', '--server-side', '-f', '-'], stringifyObjects(fluxCrds()))
  expect(installed.stderr).toBe('')
  await kubectl(['create', 'namespace', 'flux-system'], undefined)
  await kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: flux-system}\n')
})

afterAll(async () => {
  if (!hasKubectl) return
  rmSync(dir, { recursive: true, force: true })
  await server.stop()
})

describe.skipIf(!hasKubectl)('the SDK\'s Flux CRDs served by an API server, driven by kubectl', () => {
  it.each([
    ['gitrepository', 'flux-system', gitRepositoryYaml],
    ['ocirepository', 'podinfo', ociRepositoryYaml],
    ['kustomization', 'apps', kustomizationYaml],
  ])('creates a %s as Flux users write it and reads it back by its short and plural names', async (resource, name, yaml) => {
    const created = await kubectl(['apply', '--server-side', '-f', '-'], yaml)
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    const got = await kubectl(['get', resource, name, '-n', 'flux-system', '-o', 'jsonpath={.metadata.name}'])
    expect(got.stdout).toBe(name)
  })

  it('finds Flux kinds by their short names and categories, as `kubectl get ks` and `kubectl get fluxcd` do', async () => {
    const short = await kubectl(['get', 'ks', '-n', 'flux-system', '-o', 'name'])
    expect(short.stdout.trim()).toBe('kustomization.kustomize.toolkit.fluxcd.io/apps')
    const category = await kubectl(['get', 'fluxcd', '-n', 'flux-system', '-o', 'name'])
    expect(category.stdout.trim().split('\n').sort()).toEqual([
      'gitrepository.source.toolkit.fluxcd.io/flux-system',
      'kustomization.kustomize.toolkit.fluxcd.io/apps',
      'ocirepository.source.toolkit.fluxcd.io/podinfo',
    ])
  })

  it('refuses a Kustomization whose field has the wrong type, as a cluster with Flux\'s CRD does', async () => {
    const bad = kustomizationYaml.replace('prune: true', 'prune: sometimes').replace('name: apps', 'name: bad-apps')
    const result = await kubectl(['apply', '--server-side', '-f', '-'], bad)
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('spec.prune')
  })
})

const fluxCrdDir = sharedPath('conformance/flux/crds')

// Last: it replaces the SDK's CRDs with Flux's own.
describe.skipIf(!hasKubectl || fluxCrdDir === undefined)('Flux\'s own published CRDs on the embedded apiserver', () => {
  it('installs every one with kubectl apply --server-side, CEL rules included', async () => {
    for (const file of readdirSync(fluxCrdDir ?? '')) {
      const result = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(fluxCrdDir ?? '', file)])
      expect(result.stderr).toBe('')
    }
  })
})
