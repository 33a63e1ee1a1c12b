import { describe, expect, it } from 'vitest'
import { memoryFs } from '@gitops-sdk/core'
import type { KubeClient } from '@gitops-sdk/apply'
import { withGeneratedKustomization } from '@gitops-sdk/flux'
import { render } from '@gitops-sdk/render'
import { createReconcileSteps } from './index.js'

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`
const signal = new AbortController().signal

function renderStep(build?: Parameters<typeof createReconcileSteps>[0]['build']): ReturnType<typeof createReconcileSteps>['render'] {
  // The render step touches no cluster: a client it never calls is enough.
  return createReconcileSteps({ source: { url: 'http://127.0.0.1:1/x.git' }, client: {} as KubeClient, inventory: { namespace: 'a', name: 'b' }, build }).render
}

describe("createReconcileSteps' build, as Flux builds", () => {
  const files = {
    'shared/cm.yaml': cm('shared'),
    'apps/kustomization.yaml': 'resources:\n- ../shared/cm.yaml\n',
    'escape/kustomization.yaml': 'resources:\n- ../../outside.yaml\n',
    'plain/a/x.yaml': cm('x'),
    'plain/b/kustomization.yaml': 'resources:\n- y.yaml\n',
    'plain/b/y.yaml': cm('y'),
    'plain/b/not-listed.yaml': cm('not-listed'),
    'plain/c.yml': cm('c'),
    'plain/readme.md': '# not a manifest\n',
  }

  it('reads files anywhere inside the source, not only below the kustomization directory', async () => {
    const fs = memoryFs(files)
    await expect(render('apps', { fs })).rejects.toMatchObject({ code: 'RENDER_PATH_ESCAPES_ROOT' })
    for (const step of [renderStep(), renderStep({ namePrefix: 'p-' })]) {
      const objects = await step(fs, { path: 'apps', signal })
      expect(objects.map((o) => o.metadata.name)).toHaveLength(1)
    }
  })

  it('refuses a path that leaves the source root', async () => {
    await expect(renderStep()(memoryFs(files), { path: 'escape', signal })).rejects.toMatchObject({ code: 'RENDER_PATH_ESCAPES_ROOT' })
    await expect(renderStep({})(memoryFs(files), { path: 'escape', signal })).rejects.toMatchObject({ code: 'RENDER_PATH_ESCAPES_ROOT' })
  })

  it("builds a plain directory as kustomize-controller's generator lists it: every YAML file below it, subdirectories with a kustomization as a whole", async () => {
    const fs = memoryFs(files)
    const generated = await render('plain', { fs: await withGeneratedKustomization(fs, 'plain', {}), loadRestrictions: 'none' })
    const plain = await renderStep()(fs, { path: 'plain', signal })
    expect(plain.map((o) => o.metadata.name).sort()).toEqual(['c', 'x', 'y'])
    expect(plain).toEqual(generated)
    expect(await renderStep({})(fs, { path: 'plain', signal })).toEqual(generated)
  })
})
