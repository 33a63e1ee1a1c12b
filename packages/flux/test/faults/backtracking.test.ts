// Inputs on which a backtracking pattern of flux used to take minutes: a Secret's `data` value of a
// long run of line breaks that is no base64 (validateFleet's built-in schema check), and a quoted
// valuesFrom value holding a long run of quotes (buildFleet's HelmRelease values). Each runs from
// the sources in a child process (testing/isolated.ts), bounded, so that a regression fails the test
// instead of holding the test runner: not a timing test, the bound is far from the linear time.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

const packageDir = fileURLToPath(new URL('../..', import.meta.url))
const sync =
  'apiVersion: kustomize.toolkit.fluxcd.io/v1\\nkind: Kustomization\\nmetadata: {name: flux-system, namespace: flux-system}\\nspec: {interval: 10m, path: ./clusters/prod, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\\n'

async function isolated(body: string): Promise<string[]> {
  const run = await runIsolated(body, packageDir, 20_000)
  expect([run.status, run.signal], run.stderr).toEqual([0, null])
  return run.stdout.trim().split('\n')
}

describe('patterns that backtracked', () => {
  it("validateFleet checks a Secret's data of a long run of line breaks in linear time", async () => {
    const out = await isolated(`
      import { memoryFs } from '@gitops-sdk/core'
      import { formatFleetIssue, validateFleet } from './src/index.ts'
      const secret = (name, value) => 'apiVersion: v1\\nkind: Secret\\nmetadata: {name: ' + name + ', namespace: apps}\\ndata: {v: ' + JSON.stringify(value) + '}\\n'
      const fs = memoryFs({
        'clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml, secrets.yaml]\\n',
        'clusters/prod/flux-system/gotk-sync.yaml': '${sync}',
        'clusters/prod/flux-system/secrets.yaml': secret('bad', '\\n'.repeat(300000) + '!') + '---\\n' + secret('good', 'QUJD\\r\\nQQ==\\n') + '---\\n' + secret('padded', 'QQ=\\n=\\n'),
      })
      const { issues } = await validateFleet('.', { fs })
      for (const i of issues.filter((i) => i.type === 'schema')) console.log(i.object, i.field, i.message.length)`)
    expect(out).toEqual(['Secret/apps/bad data.v 600044', 'Secret/apps/padded data.v 51'])
  })

  it('buildFleet unquotes a valuesFrom value holding a long run of quotes in linear time', async () => {
    const out = await isolated(`
      import { memoryFs } from '@gitops-sdk/core'
      import { buildFleet } from './src/index.ts'
      const value = "'a" + "'".repeat(300000) + "b''"
      const fs = memoryFs({
        'clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\\n',
        'clusters/prod/flux-system/gotk-sync.yaml': '${sync}',
        'clusters/prod/releases.yaml': '---\\napiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: settings, namespace: apps}\\ndata: {v: ' + JSON.stringify(value) + '}\\n---\\napiVersion: helm.toolkit.fluxcd.io/v2\\nkind: HelmRelease\\nmetadata: {name: web, namespace: apps}\\nspec:\\n  interval: 5m\\n  chart: {spec: {chart: ./charts/web, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}}\\n  valuesFrom: [{kind: ConfigMap, name: settings, valuesKey: v, targetPath: a.b}]\\n',
        'charts/web/Chart.yaml': 'apiVersion: v2\\nname: web\\nversion: 1.0.0\\n',
      })
      const layers = []
      await buildFleet('.', { fs, renderHelmRelease: async (r) => (layers.push(...r.values), 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: x}\\n') })
      for (const l of layers) console.log(l.type, l.type === 'yaml' ? l.text : l.expression === 'a.b=a' + "'".repeat(300000) + 'b')`)
    expect(out).toEqual(['string true'])
  })
})
