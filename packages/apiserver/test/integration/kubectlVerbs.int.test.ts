// The day-one verbs not covered elsewhere, against one Deployment, each as kubectl 1.32 prints it
// against a cluster: describe, diff, edit (non-interactive KUBE_EDITOR), strategic merge patch, label,
// annotate, rollout restart, status, history and undo (over the ReplicaSets the simulated deployment
// controller keeps). One kubectl process per verb, in sequence where they build on each other. What does not behave as against a cluster is listed in the README's verb table.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { hasKubectl, kubectlFor, needsKubectl } from '../helpers/kube.js'
import type { Kubectl } from '../helpers/kube.js'

let server: ApiServer
let kubectl: Kubectl
beforeAll(async () => {
  server = await startApiServer({ controllers: 'ready' })
  kubectl = kubectlFor(server)
})
afterAll(async () => {
  kubectl.dispose()
  await server.stop()
})

describe.skipIf(!hasKubectl)(needsKubectl('kubectl verbs'), () => {
  it('describes, diffs, edits, patches, labels, annotates, restarts and rolls back a Deployment', async () => {
    const run = async (args: string[], env?: Record<string, string>): Promise<string> => {
      const r = await kubectl(args, undefined, env)
      return r.code === 0 ? r.stdout : `${r.code}: ${r.stderr}`
    }
    expect(await run(['create', 'deployment', 'web', '--image=nginx:1.27'])).toBe('deployment.apps/web created\n')
    const described = await run(['describe', 'deployment', 'web'])
    expect(described).toMatch(/^Name:\s+web$/m)
    expect(described).toMatch(/^Selector:\s+app=web$/m)
    expect(described).toMatch(/^StrategyType:\s+RollingUpdate$/m)
    expect(described).toMatch(/^\s+Image:\s+nginx:1\.27$/m)
    // diff exits 1 when there are differences, and prints them.
    const live = await run(['get', 'deployment', 'web', '-o', 'yaml'])
    const diff = await kubectl(['diff', '-f', '-'], live.replace('nginx:1.27', 'nginx:1.28'))
    expect(diff.code).toBe(1)
    expect(diff.stdout).toMatch(/^-\s+- image: nginx:1\.27$/m)
    expect(diff.stdout).toMatch(/^\+\s+- image: nginx:1\.28$/m)
    const editor = join(kubectl.dir, 'editor.sh')
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/nginx:1.27/nginx:1.29/" "$1"\n', { mode: 0o755 })
    expect(await run(['edit', 'deployment', 'web'], { KUBE_EDITOR: editor })).toBe('deployment.apps/web edited\n')
    expect(await run(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"A","value":"1"}]}]}}}}'])).toBe('deployment.apps/web patched\n')
    expect(await run(['label', 'deployment', 'web', 'tier=frontend'])).toBe('deployment.apps/web labeled\n')
    expect(await run(['annotate', 'deployment', 'web', 'note=hi'])).toBe('deployment.apps/web annotated\n')
    expect(await run(['rollout', 'restart', 'deployment', 'web'])).toBe('deployment.apps/web restarted\n')
    const web = server.get({ group: 'apps', kind: 'Deployment', namespace: 'default', name: 'web' }) as unknown as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string>; generation: number }
      spec: { template: { metadata: { annotations: Record<string, string> }; spec: { containers: { image: string; env: unknown }[] } } }
    }
    expect(web.spec.template.spec.containers[0]).toMatchObject({ image: 'nginx:1.29', env: [{ name: 'A', value: '1' }] })
    expect(web.metadata.labels).toEqual({ app: 'web', tier: 'frontend' })
    expect(web.metadata.annotations.note).toBe('hi')
    expect(Object.keys(web.spec.template.metadata.annotations)).toEqual(['kubectl.kubernetes.io/restartedAt'])
    expect(await run(['rollout', 'status', 'deployment', 'web', '--timeout=20s'])).toBe('deployment "web" successfully rolled out\n')
    // Each template got a ReplicaSet with its revision: created, edited, patched, restarted.
    const history = (lines: string[]): string => ['deployment.apps/web ', 'REVISION  CHANGE-CAUSE', ...lines.map((n) => `${n}         <none>`), '', ''].join('\n')
    const [listed, second] = await Promise.all([run(['rollout', 'history', 'deployment', 'web']), run(['rollout', 'history', 'deployment', 'web', '--revision=2'])])
    expect(listed).toBe(history(['1', '2', '3', '4']))
    expect(second).toMatch(/^deployment\.apps\/web with revision #2\nPod Template:\n {2}Labels:\tapp=web\n\tpod-template-hash=[bcdfghjklmnpqrstvwxz2456789]{6,10}\n {2}Containers:\n {3}nginx:\n {4}Image:\tnginx:1\.29\n/)
    expect(await run(['rollout', 'undo', 'deployment', 'web'])).toBe('deployment.apps/web rolled back\n')
    expect(await run(['rollout', 'status', 'deployment', 'web', '--timeout=20s'])).toBe('deployment "web" successfully rolled out\n')
    // Revision 3's template came back as revision 5, as the deployment controller renumbers it.
    const back = server.get({ group: 'apps', kind: 'Deployment', namespace: 'default', name: 'web' }) as unknown as typeof web
    expect(back.spec.template.metadata.annotations).toBeUndefined()
    expect(back.spec.template.spec.containers[0]).toMatchObject({ image: 'nginx:1.29', env: [{ name: 'A', value: '1' }] })
    const [after, missing, sets] = await Promise.all([
      run(['rollout', 'history', 'deployment', 'web']),
      run(['rollout', 'undo', 'deployment', 'web', '--to-revision=9']),
      run(['get', 'replicasets', '-l', 'app=web', '-o', 'custom-columns=REVISION:.metadata.annotations.deployment\\.kubernetes\\.io/revision,DESIRED:.spec.replicas,OWNER:.metadata.ownerReferences[0].name', '--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision']),
    ])
    expect(after).toBe(history(['1', '2', '4', '5']))
    expect(missing).toBe('1: error: unable to find specified revision 9 in history\n')
    expect(sets).toBe('REVISION   DESIRED   OWNER\n1          0         web\n2          0         web\n4          0         web\n5          1         web\n')
  })
})

