// Loading kubeconfigs as kubectl does (issue 18): a KUBECONFIG list merged with the first file
// winning for each name and for current-context, missing files skipped, --context selection, and a
// client-node KubeConfig taken as it is. Each client reaches the embedded apiserver for real.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KubeConfig } from '@kubernetes/client-node'
import { createKubeClient } from '../../src/index.js'
import type { KubeConfigLike } from '../../src/index.js'
import { useCluster } from '../helpers/cluster.js'

const env = useCluster()
let dir: string
let real: KubeConfig

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-kubeconfig-'))
  real = new KubeConfig()
  real.loadFromString(env.cluster.kubeconfigYaml)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A kubeconfig file with the real cluster and user under the given names, and contexts over them. */
function file(name: string, content: { current?: string; cluster?: string; server?: string; contexts: Record<string, { cluster: string; namespace: string }> }): string {
  const cluster = real.getCurrentCluster()
  const user = real.getCurrentUser()
  if (cluster === null || user === null) throw new Error('the test cluster has no current context')
  const config = new KubeConfig()
  config.loadFromOptions({
    clusters: [{ ...cluster, name: content.cluster ?? 'test', server: content.server ?? cluster.server }],
    users: [{ ...user, name: 'test' }],
    contexts: Object.entries(content.contexts).map(([n, c]) => ({ name: n, cluster: c.cluster, user: 'test', namespace: c.namespace })),
    currentContext: content.current ?? '',
  })
  const path = join(dir, name)
  writeFileSync(path, config.exportConfig())
  return path
}

const unreachable = 'https://127.0.0.1:1'

describe('createKubeClient with a KUBECONFIG list', () => {
  it('takes each cluster, user and context from the first file that defines it', async () => {
    // Both files define cluster "test"; only the first one's server answers.
    const first = file('first', { current: 'a', contexts: { a: { cluster: 'test', namespace: 'from-first' } } })
    const second = file('second', { cluster: 'test', server: unreachable, current: 'b', contexts: { a: { cluster: 'test', namespace: 'from-second' }, b: { cluster: 'test', namespace: 'only-second' } } })
    const client = await createKubeClient({ kubeconfig: [first, second].join(delimiter), requestTimeout: 5_000 })
    expect(client.namespace).toBe('from-first')
    expect(await client.resource({ group: '', kind: 'ConfigMap' })).toMatchObject({ plural: 'configmaps' })
    // A context only the second file has is there too, on the first file's cluster "test".
    const b = await createKubeClient({ kubeconfig: [first, second].join(delimiter), context: 'b', requestTimeout: 5_000 })
    expect(b.namespace).toBe('only-second')
    expect(await b.resource({ group: '', kind: 'ConfigMap' })).toBeDefined()
  })

  it('takes current-context from the first file that sets one', async () => {
    const none = file('no-current', { contexts: { x: { cluster: 'test', namespace: 'x' } } })
    const sets = file('sets-current', { current: 'y', contexts: { y: { cluster: 'test', namespace: 'y' } } })
    const later = file('later-current', { current: 'x', contexts: {} })
    expect((await createKubeClient({ kubeconfig: [none, sets, later].join(delimiter) })).namespace).toBe('y')
    expect((await createKubeClient({ kubeconfig: [none, later, sets].join(delimiter) })).namespace).toBe('x')
  })

  it('skips files that do not exist; fails with APPLY_KUBECONFIG_INVALID only when none does', async () => {
    const only = file('only', { current: 'a', contexts: { a: { cluster: 'test', namespace: 'here' } } })
    const missing = join(dir, 'missing')
    const client = await createKubeClient({ kubeconfig: [missing, only, join(dir, 'also-missing')].join(delimiter) })
    expect(client.namespace).toBe('here')
    expect(await client.resource({ group: 'apps', kind: 'Deployment' })).toBeDefined()
    await expect(createKubeClient({ kubeconfig: [missing, join(dir, 'also-missing')].join(delimiter) })).rejects.toMatchObject({
      code: 'APPLY_KUBECONFIG_INVALID',
      message: expect.stringContaining('none of the 2 files exists') as unknown,
    })
    await expect(createKubeClient({ kubeconfig: missing })).rejects.toMatchObject({ code: 'APPLY_KUBECONFIG_INVALID', message: `${missing}: cannot load the kubeconfig (no such file)` })
  })
})

describe('createKubeClient context selection', () => {
  it('uses the named context, and refuses one that does not exist', async () => {
    const path = file('contexts', { current: 'a', contexts: { a: { cluster: 'test', namespace: 'ns-a' }, b: { cluster: 'test', namespace: 'ns-b' } } })
    expect((await createKubeClient({ kubeconfig: path })).namespace).toBe('ns-a')
    expect((await createKubeClient({ kubeconfig: path, context: 'b' })).namespace).toBe('ns-b')
    await expect(createKubeClient({ kubeconfig: path, context: 'c' })).rejects.toMatchObject({ code: 'APPLY_KUBECONFIG_INVALID', message: `${path}: no context named "c"` })
  })
})

describe('createKubeClient with a client-node KubeConfig', () => {
  it('takes the object as it is, and its context can still be chosen', async () => {
    const config = new KubeConfig()
    config.loadFromString(env.cluster.kubeconfigYaml)
    const client = await createKubeClient({ kubeConfig: config })
    const ns = await env.cluster.namespace('kubeconfig-object')
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: ns }, data: { k: 'v' } }, { fieldManager: 'test' })
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' })).toMatchObject({ data: { k: 'v' } })
    await expect(createKubeClient({ kubeConfig: config, context: 'nope' })).rejects.toMatchObject({ code: 'APPLY_KUBECONFIG_INVALID', message: 'kubeconfig: no context named "nope"' })
  })

  it('is a TypeError together with another source, or when it is not a KubeConfig', async () => {
    await expect(createKubeClient({ kubeConfig: real, kubeconfigYaml: env.cluster.kubeconfigYaml })).rejects.toThrow(TypeError)
    await expect(createKubeClient({ kubeConfig: { exportConfig: 42 } as unknown as KubeConfigLike })).rejects.toThrow('kubeConfig must be a @kubernetes/client-node KubeConfig')
  })
})
