// The SDK's Flux CRDs enforced by the embedded apiserver as a cluster enforces Flux's: invalid
// GitRepositories created with kubectl get the stderr kube-apiserver prints (schema pattern, required
// fields, enum, the CEL rule on serviceAccountName), and nothing is stored.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { stringifyObjects } from '@gitops-sdk/core'
import { hasKubectl, runKubectl } from '../../../../testing/kubectl.js'
import type { KubectlRun } from '../../../../testing/kubectl.js'
import { fluxCrds } from '../../src/index.js'

let server: ApiServer
let dir: string
const kubectl = (args: readonly string[], input?: string): Promise<KubectlRun> => runKubectl(dir, args, input)


beforeAll(async () => {
  if (!hasKubectl) return
  server = await startApiServer()
  dir = mkdtempSync(join(tmpdir(), 'gitops-flux-sayno-'))
  writeFileSync(join(dir, 'kubeconfig'), server.kubeconfigYaml())
  const installed = await kubectl(['apply', '--server-side', '-f', '-'], stringifyObjects(fluxCrds()))
  expect(installed.stderr).toBe('')
})

afterAll(async () => {
  if (!hasKubectl) return
  rmSync(dir, { recursive: true, force: true })
  await server.stop()
})

const repo = (spec: string): string => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: podinfo, namespace: default}\nspec:\n${spec}`

describe.skipIf(!hasKubectl)("the SDK's Flux CRDs say no as kube-apiserver does with Flux's", () => {
  it.for([
    {
      name: 'a missing url and a bad interval',
      manifest: repo('  interval: 5 minutes\n'),
      stderr:
        "The GitRepository \"podinfo\" is invalid: \n* spec.url: Required value\n* spec.interval: Invalid value: \"5 minutes\": spec.interval in body should match '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$'\n",
    },
    {
      name: 'a provider Flux does not know',
      manifest: repo('  interval: 1m\n  url: https://github.com/stefanprodan/podinfo\n  provider: bitbucket\n'),
      stderr: 'The GitRepository "podinfo" is invalid: spec.provider: Unsupported value: "bitbucket": supported values: "generic", "aws", "azure", "github"\n',
    },
    {
      name: 'a service account without a cloud provider',
      manifest: repo('  interval: 1m\n  url: https://github.com/stefanprodan/podinfo\n  serviceAccountName: flux\n'),
      stderr: "The GitRepository \"podinfo\" is invalid: spec: Invalid value: \"object\": serviceAccountName can only be set when provider is 'azure' or 'aws'\n",
    },
  ])('refuses $name', async ({ manifest, stderr }) => {
    for (const args of [['create', '-f', '-'], ['apply', '--server-side', '-f', '-']]) {
      const result = await kubectl(args, manifest)
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 1, stderr })
    }
    expect((await kubectl(['get', 'gitrepositories', '-A', '-o', 'name'])).stdout).toBe('')
  })
})
