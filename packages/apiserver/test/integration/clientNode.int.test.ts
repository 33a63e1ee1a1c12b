// The verification plan (SPEC.md §16) driven through @kubernetes/client-node 1.4, the client the
// SDK pins: CRUD, selectors, pagination, watch and ListWatch, CRDs, status helpers, dry run, the
// Status error catalogue and faults; deletion, GC, finalizers and namespaces are in
// clientNodeDeletion.int.test.ts.
import { ListWatch, Watch } from '@kubernetes/client-node'
import type { KubernetesObject } from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import { clientNodeSuite, configMap, deployment, watchEvents } from '../helpers/clientNode.js'
import { eventually, kubeConfigFor, objectApi, raw, statusOf } from '../helpers/kube.js'
import type { Manifest } from '../helpers/kube.js'

type Obj = Manifest

const suite = clientNodeSuite()

describe('client-node 1.4 against the apiserver', () => {
  it('creates, reads, replaces and lists built-in objects with server-set metadata', async () => {
    const ns = await suite.namespace('crud')
    const created = await suite.api.create(configMap(ns, 'app', { data: { a: '1' } }))
    expect(created.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(created.metadata.creationTimestamp).toBeDefined()
    const rv1 = Number(created.metadata.resourceVersion)
    const replaced = await suite.api.replace({ ...created, data: { a: '2' } })
    expect(Number(replaced.metadata.resourceVersion)).toBeGreaterThan(rv1)
    expect(replaced.data).toEqual({ a: '2' })
    const list = await suite.api.list('v1', 'ConfigMap', ns)
    expect(list.items.map((i) => i.metadata.name)).toEqual(['app'])
    expect(list.kind).toBe('ConfigMapList')
  })

  it('keeps generation for Deployments: 1 on create, bumped by spec changes only', async () => {
    const ns = await suite.namespace('gen')
    const d = await suite.api.create(deployment(ns, 'web'))
    expect(d.metadata.generation).toBe(1)
    expect((d.spec as { replicas: number }).replicas).toBe(1)
    const labelled = await suite.api.patch({ ...d, metadata: { ...d.metadata, labels: { x: 'y' } } })
    expect(labelled.metadata.generation).toBe(1)
    const scaled = await suite.api.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { replicas: 3 } })
    expect(scaled.metadata.generation).toBe(2)
    const status = suite.server.setStatus({ group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' }, { observedGeneration: 2, replicas: 3 })
    expect(status.metadata.generation).toBe(2)
    expect(status.status).toEqual({ observedGeneration: 2, replicas: 3 })
  })

  it('filters lists by label and field selectors and pages with continue tokens', async () => {
    const ns = await suite.namespace('sel')
    for (const [name, tier] of [['a', 'web'], ['b', 'db'], ['c', 'web'], ['d', undefined]] as const) {
      await suite.api.create(configMap(ns, name, tier === undefined ? {} : { metadata: { name, namespace: ns, labels: { tier } } }))
    }
    const names = async (labelSelector?: string, fieldSelector?: string): Promise<(string | undefined)[]> =>
      (await suite.api.list('v1', 'ConfigMap', ns, { fieldSelector, labelSelector })).items.map((i) => i.metadata.name)
    expect(await names('tier=web')).toEqual(['a', 'c'])
    expect(await names('tier!=web')).toEqual(['b', 'd'])
    expect(await names('tier in (db,web),tier notin (db)')).toEqual(['a', 'c'])
    expect(await names('!tier')).toEqual(['d'])
    expect(await names(undefined, 'metadata.name=b')).toEqual(['b'])
    const bad = await statusOf(names(undefined, 'data.x=1'))
    expect(bad.code).toBe(400)
    expect(bad.body.message).toBe('"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"')
    const page1 = await suite.api.list('v1', 'ConfigMap', ns, { limit: 3 })
    expect(page1.items).toHaveLength(3)
    expect(page1.metadata.remainingItemCount).toBe(1)
    const page2 = await suite.api.list('v1', 'ConfigMap', ns, { limit: 3, continueToken: page1.metadata.continue })
    expect(page2.items.map((i) => i.metadata.name)).toEqual(['d'])
    expect(page2.metadata.continue).toBeUndefined()
  })

  it('serves every page of a list as of its first page, and 410 once that state is compacted', async () => {
    const ns = await suite.namespace('page')
    for (const name of ['a', 'b', 'c', 'd']) await suite.api.create(configMap(ns, name, { data: { v: '1' } }))
    const page1 = await suite.api.list('v1', 'ConfigMap', ns, { limit: 2 })
    expect(page1.items.map((i) => i.metadata.name)).toEqual(['a', 'b'])
    // Changes after the first page: c edited, d deleted, e created. The next page does not see them.
    await suite.api.patch(configMap(ns, 'c', { data: { v: '2' } }))
    await suite.api.delete(configMap(ns, 'd'))
    await suite.api.create(configMap(ns, 'e'))
    const page2 = await suite.api.list('v1', 'ConfigMap', ns, { limit: 5, continueToken: page1.metadata.continue })
    expect(page2.items.map((i) => [i.metadata.name, (i as Obj & { data?: Record<string, string> }).data?.v])).toEqual([['c', '1'], ['d', '1']])
    expect(page2.metadata.resourceVersion).toBe(page1.metadata.resourceVersion)
    expect(Math.max(...page2.items.map((i) => Number(i.metadata.resourceVersion)))).toBeLessThanOrEqual(Number(page1.metadata.resourceVersion))
    expect((await suite.api.list('v1', 'ConfigMap', ns)).items.map((i) => i.metadata.name)).toEqual(['a', 'b', 'c', 'e'])
    // Past the history the server keeps (watchHistory: 50), that state cannot be rebuilt.
    const old = await suite.api.list('v1', 'ConfigMap', ns, { limit: 1 })
    for (let i = 0; i < 60; i++) await suite.api.create(configMap(ns, `filler-${i}`))
    const expired = await statusOf(suite.api.list('v1', 'ConfigMap', ns, { limit: 1, continueToken: old.metadata.continue }))
    expect([expired.code, expired.body.reason]).toEqual([410, 'Expired'])
  })

  it('streams ADDED, MODIFIED and DELETED events and resumes from a resourceVersion', async () => {
    const ns = await suite.namespace('watch')
    const first = await suite.api.create(configMap(ns, 'one'))
    const w = await watchEvents(suite.server, `/api/v1/namespaces/${ns}/configmaps`)
    await suite.api.create(configMap(ns, 'two'))
    await suite.api.patch(configMap(ns, 'two', { data: { k: 'v' } }))
    await suite.api.delete(configMap(ns, 'one'))
    await eventually(() => w.events.length >= 4 || undefined)
    w.stop()
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED one', 'ADDED two', 'MODIFIED two', 'DELETED one'])
    const rvs = w.events.slice(1).map((e) => Number(e.object.metadata.resourceVersion))
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs)
    const resumed = await watchEvents(suite.server, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: String(first.metadata.resourceVersion) })
    await eventually(() => resumed.events.length >= 3 || undefined)
    resumed.stop()
    expect(resumed.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED'])
  })

  it('ends a watch from an expired resourceVersion with ERROR 410, and ListWatch relists', async () => {
    const ns = await suite.namespace('expired')
    for (let i = 0; i < 80; i++) await suite.api.create(configMap(ns, `cm-${i}`))
    const w = await watchEvents(suite.server, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: '1' })
    await w.done
    expect(w.events).toHaveLength(1)
    expect(w.events[0]?.type).toBe('ERROR')
    expect(w.events[0]?.object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 })
    expect(String((w.events[0]?.object as { message?: string }).message)).toMatch(/^too old resource version: 1 \(\d+\)$/)

    const kc = kubeConfigFor(suite.server)
    const path = `/api/v1/namespaces/${ns}/configmaps`
    const raw_ = objectApi(suite.server)
    const informer = new ListWatch<KubernetesObject>(path, new Watch(kc), () => raw_.list('v1', 'ConfigMap', ns), false)
    await informer.start()
    expect(informer.list(ns)).toHaveLength(80)
    await suite.api.create(configMap(ns, 'late'))
    await eventually(() => informer.get('late', ns))
    await informer.stop()
  })

  it('serves a custom resource once its CRD is established, and not before', async () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' }, spec: { size: 3, extra: 'dropped' } }
    await expect(objectApi(suite.server).create(widget)).rejects.toThrow(/^Failed to fetch resource metadata for example.com\/v1\/Widget: /)
    // Sent raw: client-node's serializer knows JSONSchemaProps.default only as `_default`.
    const crdBody = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string', default: 'blue' } } }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
          },
        ],
      },
    }
    const posted = await raw(suite.server, { method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: JSON.stringify(crdBody), contentType: 'application/json' })
    expect(posted.status).toBe(201)
    const crd = posted.json() as Obj
    const conditions = (crd.status as { conditions: { type: string; status: string }[] }).conditions
    expect(conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['NamesAccepted=True', 'Established=True'])
    expect((crd.spec as { names: Record<string, string> }).names).toEqual({ plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' })
    const created = await suite.api.create(widget)
    expect(created.spec).toEqual({ size: 3, color: 'blue' })
    expect(created.metadata.generation).toBe(1)
    const noRv = await statusOf(suite.api.replace({ ...widget, spec: { size: 4 } }))
    expect(noRv.code).toBe(422)
    expect(noRv.body.message).toBe('widgets.example.com "w1" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update')
    const smp = await statusOf(suite.api.patch({ ...widget, spec: { size: 5 } }, { type: 'application/strategic-merge-patch+json' }))
    expect(smp.code).toBe(415)
    const list = await suite.api.list('example.com/v1', 'Widget', 'default')
    expect(list.items[0]).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget' })
  })

  it('answers dry-run writes without storing, consuming a resourceVersion or sending events', async () => {
    const ns = await suite.namespace('dry')
    const live = await suite.api.create(configMap(ns, 'app', { data: { a: '1' } }))
    const w = await watchEvents(suite.server, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: String(live.metadata.resourceVersion) })
    const wouldCreate = await suite.api.create(configMap(ns, 'new'), { dryRun: 'All' })
    expect(wouldCreate.metadata.uid).toBeDefined()
    expect(wouldCreate.metadata.resourceVersion).toBeUndefined()
    const wouldPatch = await suite.api.patch(configMap(ns, 'app', { data: { a: '2' } }), { dryRun: 'All' })
    expect(wouldPatch.data).toEqual({ a: '2' })
    expect(wouldPatch.metadata.resourceVersion).toBe(live.metadata.resourceVersion)
    await suite.api.delete(configMap(ns, 'app'), { dryRun: 'All' })
    const after = await suite.api.read(configMap(ns, 'app'))
    expect(after.data).toEqual({ a: '1' })
    expect(after.metadata.resourceVersion).toBe(live.metadata.resourceVersion)
    expect((await statusOf(suite.api.read(configMap(ns, 'new')))).code).toBe(404)
    await new Promise((r) => setTimeout(r, 50))
    w.stop()
    expect(w.events).toEqual([])
  })

  it('answers the exact Status bodies of the error catalogue', async () => {
    const ns = await suite.namespace('errors')
    await suite.api.create(configMap(ns, 'taken'))
    expect((await statusOf(suite.api.create(configMap(ns, 'taken')))).body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "taken" already exists', reason: 'AlreadyExists', details: { name: 'taken', kind: 'configmaps' }, code: 409,
    })
    expect((await statusOf(suite.api.read(deployment(ns, 'nope')))).body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "nope" not found', reason: 'NotFound', details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404,
    })
    const stale = await statusOf(suite.api.replace({ ...configMap(ns, 'taken'), metadata: { name: 'taken', namespace: ns, resourceVersion: '1' } }))
    expect(stale.body.message).toBe('Operation cannot be fulfilled on configmaps "taken": the object has been modified; please apply your changes to the latest version and try again')
    expect(stale.body.reason).toBe('Conflict')
    const badName = await statusOf(suite.api.create(configMap(ns, 'Bad_Name')))
    expect(badName.code).toBe(422)
    expect(badName.body.message).toBe(
      `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    )
    expect((badName.body.details as { causes: unknown[] }).causes).toEqual([{ reason: 'FieldValueInvalid', message: expect.stringMatching(/^Invalid value: "Bad_Name": a lowercase/), field: 'metadata.name' }])
    const missingNs = await statusOf(suite.api.create(configMap('never-made', 'x')))
    expect(missingNs.body).toMatchObject({ message: 'namespaces "never-made" not found', details: { name: 'never-made', kind: 'namespaces' }, code: 404 })
    const unknown = await raw(suite.server, { method: 'GET', path: '/apis/nothing.example.com/v1/things' })
    expect(unknown.status).toBe(404)
    expect(unknown.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 })
    const patchType = await raw(suite.server, { method: 'PATCH', path: `/api/v1/namespaces/${ns}/configmaps/taken`, body: '{}', contentType: 'text/plain' })
    expect(patchType.status).toBe(415)
    expect(patchType.json().message).toBe('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml')
    const noVerb = await raw(suite.server, { method: 'DELETE', path: '/api/v1/namespaces' })
    expect(noVerb.json()).toMatchObject({ reason: 'MethodNotAllowed', code: 405, message: 'deletecollection is not supported on resources of kind "namespaces"' })
    const malformed = await raw(suite.server, { method: 'POST', path: `/api/v1/namespaces/${ns}/configmaps`, body: '{not json', contentType: 'application/json' })
    expect(malformed.status).toBe(400)
    const huge = await raw(suite.server, { method: 'POST', path: `/api/v1/namespaces/${ns}/configmaps`, body: Buffer.alloc(3 * 1024 * 1024 + 10, 'a'), contentType: 'application/json' })
    expect(huge.status).toBe(413)
    expect(huge.json()).toMatchObject({ reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' })
    const force = await raw(suite.server, { method: 'PATCH', path: `/api/v1/namespaces/${ns}/configmaps/taken?force=true`, body: '{}', contentType: 'application/merge-patch+json' })
    expect(force.json().message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch')
    const dry = await raw(suite.server, { method: 'POST', path: `/api/v1/namespaces/${ns}/configmaps?dryRun=x`, body: '{}', contentType: 'application/json' })
    expect(dry.json().message).toBe('CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["x"]: supported values: "All"')
    const anonymous = await raw(suite.server, { method: 'GET', path: '/api/v1/namespaces', token: '' })
    expect(anonymous.status).toBe(401)
    expect(anonymous.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 })
    expect((await raw(suite.server, { method: 'GET', path: '/version' })).json()).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0' })
  })

  it('injects faults through intercept: statuses, delays and dropped connections', async () => {
    const ns = await suite.namespace('faults')
    const undo = suite.server.intercept((r) => (r.verb === 'create' && r.namespace === ns ? { status: 429 } : undefined))
    const limited = await raw(suite.server, { method: 'POST', path: `/api/v1/namespaces/${ns}/configmaps`, body: JSON.stringify(configMap(ns, 'x')), contentType: 'application/json' })
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe('1')
    expect(limited.json()).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 1 }, code: 429 })
    undo()
    const undoForbidden = suite.server.intercept((r) => (r.verb === 'get' && r.name === 'secret-one' ? { status: 403 } : undefined))
    const denied = await statusOf(suite.api.read({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'secret-one', namespace: ns } }))
    expect(denied.body.message).toBe(`secrets "secret-one" is forbidden: User "gitops-sdk" cannot get resource "secrets" in API group "" in the namespace "${ns}"`)
    undoForbidden()
    const undoDrop = suite.server.intercept((r) => (r.name === 'dropped' ? { drop: true } : undefined))
    await expect(suite.api.read(configMap(ns, 'dropped'))).rejects.toThrow()
    undoDrop()
    const undoDelay = suite.server.intercept(() => ({ delayMs: 30 }))
    const started = Date.now()
    await suite.api.create(configMap(ns, 'slow'))
    expect(Date.now() - started).toBeGreaterThanOrEqual(30)
    undoDelay()
    const posts = suite.server.requests().filter((r) => r.method === 'POST' && r.namespace === ns)
    expect(posts.at(-1)).toMatchObject({ verb: 'create', resource: 'configmaps', manager: 'node-fetch', contentType: 'application/json' })
  })
})
