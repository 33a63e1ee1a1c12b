import { describe, expect, it } from 'vitest'
import { formatChangeSet, isGitOpsError } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { ANNOTATIONS, applyAll, ApplyError, FLUX_ANNOTATIONS, LABELS } from '../../src/index.js'
import { configMap, deployment, useCluster } from '../helpers/cluster.js'

const env = useCluster()

const fieldManager = 'gitops-test'

async function rvOf(ns: string, kind: string, name: string, group = ''): Promise<string | undefined> {
  const live = await env.cluster.client.get({ group, kind, namespace: ns, name })
  return live?.metadata.resourceVersion as string | undefined
}

describe('applyAll', () => {
  it('creates, then reports unchanged without writing, then configures what changed', async () => {
    const ns = await env.cluster.namespace('basic')
    const objects = [configMap(ns, 'a'), configMap(ns, 'b'), deployment(ns, 'web')]
    const first = await applyAll(objects, { client: env.cluster.client, fieldManager })
    expect(formatChangeSet(first)).toBe([`ConfigMap/${ns}/a created`, `ConfigMap/${ns}/b created`, `Deployment/${ns}/web created`].join('\n'))
    const rvA = await rvOf(ns, 'ConfigMap', 'a')
    expect(first.entries[0]?.resourceVersion).toBe(rvA)

    const again = await applyAll(objects, { client: env.cluster.client, fieldManager })
    expect(again.entries.map((e) => e.action)).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(await rvOf(ns, 'ConfigMap', 'a')).toBe(rvA)
    expect(again.entries[0]?.resourceVersion).toBe(rvA)

    const changed = [configMap(ns, 'a', { key: 'other' }), configMap(ns, 'b'), deployment(ns, 'web', { replicas: 2 })]
    const third = await applyAll(changed, { client: env.cluster.client, fieldManager })
    expect(third.entries.map((e) => [e.ref.name, e.action, e.reason])).toEqual([
      ['a', 'configured', 'changed .data.key'],
      ['b', 'unchanged', undefined],
      ['web', 'configured', 'changed .spec.replicas'],
    ])
    expect(third.entries[0]?.resourceVersion).toBe(await rvOf(ns, 'ConfigMap', 'a'))
    expect(third.entries[0]?.resourceVersion).not.toBe(rvA)
  })

  it('applies a Secret written with stringData as data, and finds it unchanged the next time', async () => {
    const ns = await env.cluster.namespace('stringdata')
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: ns }, stringData: { password: 'hunter2' } }
    const first = await applyAll([secret], { client: env.cluster.client, fieldManager })
    expect(first.entries[0]?.action).toBe('created')
    const live = await env.cluster.client.get({ group: '', kind: 'Secret', namespace: ns, name: 's' })
    expect(live?.data).toEqual({ password: Buffer.from('hunter2').toString('base64') })
    expect(live?.stringData).toBeUndefined()
    const again = await applyAll([secret], { client: env.cluster.client, fieldManager })
    expect(again.entries[0]?.action).toBe('unchanged')
  })

  it('re-applies unchanged objects with one LIST per kind and namespace, without dry-runs', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('noop')
    const inventory = { name: 'app', namespace: ns }
    const objects = [...Array.from({ length: 30 }, (_, i) => configMap(ns, `c${i}`)), deployment(ns, 'web'), deployment(ns, 'api')]
    await applyAll(objects, { client: env.cluster.client, fieldManager, inventory })
    const verbs: string[] = []
    const client = await env.cluster.newClient((r) => verbs.push(r.verb))
    const again = await applyAll(objects, { client, fieldManager, inventory })
    expect(again.entries.every((e) => e.action === 'unchanged')).toBe(true)
    expect(verbs.filter((v) => v !== 'discovery')).toEqual(['list', 'list'])
  })

  it('applies a CRD and its custom resources in one call', async () => {
    const ns = await env.cluster.namespace('crd')
    const group = `${ns}.example.com`
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
      },
    }
    const widget: KubeObject = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns }, spec: { size: 3 } }
    const result = await applyAll([widget, crd], { client: env.cluster.client, fieldManager })
    expect(result.entries.map((e) => `${e.ref.kind} ${e.action}`)).toEqual(['CustomResourceDefinition created', 'Widget created'])
    expect(await env.cluster.client.get({ group, kind: 'Widget', namespace: ns, name: 'w' })).toMatchObject({ spec: { size: 3 } })
  })

  it('writes nothing of a stage when one of its objects is invalid, and names every failure', async () => {
    const ns = await env.cluster.namespace('invalid')
    const bad = (name: string): KubeObject => ({ ...deployment(ns, name), spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'x', image: 'y' }] } } } })
    const err = await applyAll([configMap(ns, 'good'), bad('bad1'), bad('bad2')], { client: env.cluster.client, fieldManager }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    const e = err as ApplyError
    expect(e.code).toBe('APPLY_INVALID')
    expect(e.failures.map((f) => f.ref.name)).toEqual(['bad1', 'bad2'])
    expect(e.changeSet?.entries.map((x) => `${x.ref.name} ${x.action}`)).toEqual(['good skipped', 'bad1 failed', 'bad2 failed'])
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'good' })).toBeUndefined()
  })

  it('refuses a kind the server does not serve before writing anything', async () => {
    const ns = await env.cluster.namespace('unknown')
    const err = await applyAll([configMap(ns, 'x'), { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: ns } }], { client: env.cluster.client, fieldManager }).catch((e: unknown) => e)
    expect(isGitOpsError(err, 'APPLY_UNKNOWN_KIND')).toBe(true)
    expect((err as ApplyError).changeSet?.entries.map((x) => x.action)).toEqual(['failed', 'skipped'])
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'x' })).toBeUndefined()
  })

  it('fails with APPLY_IMMUTABLE_FIELD naming the field, and re-creates the object with force', async () => {
    const ns = await env.cluster.namespace('immutable')
    await applyAll([deployment(ns, 'web', { labels: { app: 'web' } })], { client: env.cluster.client, fieldManager })
    const uid = (await env.cluster.client.get({ group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' }))?.metadata.uid
    const moved = deployment(ns, 'web', { labels: { app: 'web2' } })
    const err = await applyAll([moved], { client: env.cluster.client, fieldManager }).catch((e: unknown) => e)
    expect(isGitOpsError(err, 'APPLY_IMMUTABLE_FIELD')).toBe(true)
    expect((err as ApplyError).failures[0]?.fields).toEqual(['spec.selector'])
    expect((err as Error).message).toMatch(new RegExp(`^Deployment/${ns}/web: dry-run apply failed \\(Invalid\\): immutable field changed: spec.selector`))

    const result = await applyAll([moved], { client: env.cluster.client, fieldManager, force: true })
    expect(result.entries[0]).toMatchObject({ action: 'created', reason: 're-created: immutable field spec.selector changed' })
    const live = await env.cluster.client.get({ group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' })
    expect(live?.metadata.uid).not.toBe(uid)
    expect(live).toMatchObject({ spec: { selector: { matchLabels: { app: 'web2' } } } })
  })

  it.each([
    {
      kind: 'Job',
      group: 'batch',
      field: 'spec.template',
      make: (ns: string, image: string): KubeObject => ({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate', namespace: ns },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image }] } } },
      }),
    },
    {
      kind: 'Service',
      group: '',
      field: 'spec.clusterIPs[0]',
      make: (ns: string, ip: string): KubeObject => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'db', namespace: ns },
        spec: { clusterIP: ip === 'a' ? '10.96.7.7' : '10.96.8.8', selector: { app: 'db' }, ports: [{ port: 5432 }] },
      }),
    },
    {
      kind: 'StatefulSet',
      group: 'apps',
      field: 'spec',
      make: (ns: string, name: string): KubeObject => ({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'store', namespace: ns },
        spec: {
          serviceName: name,
          selector: { matchLabels: { app: 'store' } },
          template: { metadata: { labels: { app: 'store' } }, spec: { containers: [{ name: 's', image: 'redis' }] } },
        },
      }),
    },
  ])('treats a changed immutable field of a $kind like Flux: an error without force, a re-create with it', async ({ kind, group, field, make }) => {
    const ns = await env.cluster.namespace(`immutable-${kind.toLowerCase()}`)
    const first = make(ns, 'a')
    await applyAll([first], { client: env.cluster.client, fieldManager })
    const uid = (await env.cluster.client.get({ group, kind, namespace: ns, name: first.metadata.name }))?.metadata.uid
    const changed = make(ns, 'b')
    const err = await applyAll([changed], { client: env.cluster.client, fieldManager }).catch((e: unknown) => e)
    expect(isGitOpsError(err, 'APPLY_IMMUTABLE_FIELD'), String(err)).toBe(true)
    expect((err as ApplyError).failures[0]?.fields).toEqual([field])
    const result = await applyAll([changed], { client: env.cluster.client, fieldManager, force: true })
    expect(result.entries[0]).toMatchObject({ action: 'created' })
    expect((await env.cluster.client.get({ group, kind, namespace: ns, name: first.metadata.name }))?.metadata.uid).not.toBe(uid)
  })

  it('re-creates with the per-object force annotation, in either spelling', async () => {
    const ns = await env.cluster.namespace('forceann')
    const immutable = (data: string, annotations: Record<string, string> = {}): KubeObject => ({ ...configMap(ns, 'frozen', { v: data }), immutable: true, metadata: { name: 'frozen', namespace: ns, annotations } })
    await applyAll([immutable('1')], { client: env.cluster.client, fieldManager })
    const result = await applyAll([immutable('2', { [FLUX_ANNOTATIONS.force]: 'enabled' })], { client: env.cluster.client, fieldManager })
    expect(result.entries[0]?.action).toBe('created')
    const again = await applyAll([immutable('3', { [ANNOTATIONS.force]: 'enabled' })], { client: env.cluster.client, fieldManager })
    expect(again.entries[0]?.action).toBe('created')
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'frozen' })).toMatchObject({ data: { v: '3' } })
  })

  it('skips objects annotated Ignore, and IfNotPresent ones that exist', async () => {
    const ns = await env.cluster.namespace('ssa')
    const annotated = (name: string, value: string, data: string, key: string = ANNOTATIONS.ssa): KubeObject => ({ ...configMap(ns, name, { v: data }), metadata: { name, namespace: ns, annotations: { [key]: value } } })
    const first = await applyAll([annotated('once', 'IfNotPresent', '1'), annotated('never', 'Ignore', '1', FLUX_ANNOTATIONS.ssa)], { client: env.cluster.client, fieldManager })
    expect(first.entries.map((e) => `${e.ref.name} ${e.action}`)).toEqual(['never skipped', 'once created'])
    const second = await applyAll([annotated('once', 'IfNotPresent', '2'), annotated('never', 'Ignore', '2')], { client: env.cluster.client, fieldManager })
    expect(second.entries.map((e) => `${e.ref.name} ${e.action}: ${e.reason}`)).toEqual([
      'never skipped: its ssa annotation is Ignore',
      'once skipped: it exists and its ssa annotation is IfNotPresent',
    ])
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'once' })).toMatchObject({ data: { v: '1' } })
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'never' })).toBeUndefined()
  })

  it('labels objects for their inventory and reports the inventory', async () => {
    const ns = await env.cluster.namespace('owned')
    // The inventory's namespace must exist before applyAll labels anything for it.
    await env.cluster.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } }, { fieldManager: 'test-setup' })
    const result = await applyAll([configMap(ns, 'a')], { client: env.cluster.client, fieldManager, inventory: { name: 'app', namespace: 'flux-system' }, applySet: true })
    const live = await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' })
    expect(live?.metadata.labels).toMatchObject({ [LABELS.inventoryName]: 'app', [LABELS.inventoryNamespace]: 'flux-system', 'applyset.kubernetes.io/part-of': expect.stringMatching(/^applyset-[\w-]+-v1$/) })
    expect(result.inventory.entries).toEqual([{ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }])
  })

  it('moves objects into a target namespace and refuses cluster-scoped ones', async () => {
    const ns = await env.cluster.namespace('target')
    const result = await applyAll([configMap('elsewhere', 'a'), { ...configMap('', 'b'), metadata: { name: 'b' } }], { client: env.cluster.client, fieldManager, targetNamespace: ns })
    expect(result.entries.map((e) => `${e.ref.namespace}/${e.ref.name} ${e.action}`)).toEqual([`${ns}/a created`, `${ns}/b created`])
    const err = await applyAll([configMap(ns, 'c'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${ns}-x` } }], { client: env.cluster.client, fieldManager, targetNamespace: ns }).catch((e: unknown) => e)
    expect(isGitOpsError(err, 'APPLY_CLUSTER_SCOPED_FORBIDDEN')).toBe(true)
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'c' })).toBeUndefined()
  })

  it('reports what would happen with dryRun and writes nothing', async () => {
    const ns = await env.cluster.namespace('dryrun')
    const result = await applyAll([configMap(ns, 'a')], { client: env.cluster.client, fieldManager, dryRun: true })
    expect(result.entries.map((e) => e.action)).toEqual(['created'])
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' })).toBeUndefined()
  })

  it('rejects with the signal reason when aborted', async () => {
    const ns = await env.cluster.namespace('abort')
    const controller = new AbortController()
    const reason = new Error('stop')
    const pending = applyAll([configMap(ns, 'a')], { client: env.cluster.client, fieldManager, signal: controller.signal, onProgress: () => controller.abort(reason) })
    await expect(pending).rejects.toBe(reason)
  })
})
