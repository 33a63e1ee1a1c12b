// Finer behaviour over raw HTTP: watch selector transitions, bookmarks and timeouts, field validation,
// status and scale subresources, defaults, graceful pods and CRD name conflicts.
import { request } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { raw } from '../helpers/kube.js'
import type { RawResponse } from '../helpers/kube.js'

let server: ApiServer
beforeAll(async () => {
  server = await startApiServer({ bookmarkIntervalMs: 40 })
})
afterAll(async () => {
  await server.stop()
})

const post = (path: string, body: unknown, query = ''): Promise<RawResponse> => raw(server, { method: 'POST', path: `${path}${query}`, body: JSON.stringify(body), contentType: 'application/json' })
const patch = (path: string, body: unknown, type = 'application/merge-patch+json'): Promise<RawResponse> => raw(server, { method: 'PATCH', path, body: JSON.stringify(body), contentType: type })
const put = (path: string, body: unknown): Promise<RawResponse> => raw(server, { method: 'PUT', path, body: JSON.stringify(body), contentType: 'application/json' })

/** Reads a watch stream until it ends or `count` events arrived. */
function watchLines(path: string, count: number): Promise<{ type: string; object: { metadata: Record<string, unknown> } }[]> {
  return new Promise((resolve, reject) => {
    const events: { type: string; object: { metadata: Record<string, unknown> } }[] = []
    const req = request(new URL(path, server.url), { ca: server.caCertPem, headers: { authorization: `Bearer ${server.token ?? ''}` } }, (res) => {
      let buffer = ''
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString()
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          events.push(JSON.parse(buffer.slice(0, nl)) as (typeof events)[number])
          buffer = buffer.slice(nl + 1)
          if (events.length >= count) {
            req.destroy()
            resolve(events)
          }
        }
      })
      res.on('end', () => resolve(events))
    })
    req.on('error', (err) => (events.length >= count ? undefined : reject(err)))
    req.end()
  })
}

describe('watch details', () => {
  it('turns selector transitions into ADDED and DELETED events', async () => {
    const base = '/api/v1/namespaces/default/configmaps'
    const made = (await post(base, { metadata: { name: 'moving' } })).json() as { metadata: { resourceVersion: string } }
    const events = watchLines(`${base}?watch=true&labelSelector=team%3Dblue&resourceVersion=${made.metadata.resourceVersion}`, 3)
    await new Promise((r) => setTimeout(r, 50))
    await patch(`${base}/moving`, { metadata: { labels: { team: 'blue' } } })
    await patch(`${base}/moving`, { data: { a: '1' } })
    const left = (await patch(`${base}/moving`, { metadata: { labels: { team: 'red' } } })).json() as { metadata: { resourceVersion: string } }
    const seen = await events
    expect(seen.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED'])
    expect(seen[2]?.object.metadata.labels).toEqual({ team: 'blue' })
    expect(seen[2]?.object.metadata.resourceVersion).toBe(left.metadata.resourceVersion)
  })

  it('sends bookmarks on quiet watches and ends at timeoutSeconds', async () => {
    const events = await watchLines('/apis/apps/v1/namespaces/default/deployments?watch=true&allowWatchBookmarks=true&timeoutSeconds=1', 100)
    expect(events.length).toBeGreaterThan(0)
    expect(events.every((e) => e.type === 'BOOKMARK')).toBe(true)
    expect(events[0]?.object).toEqual({ kind: 'Deployment', apiVersion: 'apps/v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) as string, creationTimestamp: null } })
  })
})

describe('writes', () => {
  it('drops unknown fields with a Warning, or rejects them under Strict', async () => {
    const body = { metadata: { name: 'unknowns' }, data: { a: '1' }, spec: { foo: 1 } }
    const warned = await post('/api/v1/namespaces/default/configmaps', body)
    expect(warned.status).toBe(201)
    expect(warned.headers.warning).toBe('299 - "unknown field \\"spec\\""')
    expect(warned.json().spec).toBeUndefined()
    const strict = await post('/api/v1/namespaces/default/configmaps', { ...body, metadata: { name: 'strict' } }, '?fieldValidation=Strict')
    expect(strict.status).toBe(400)
    expect(strict.json().message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"')
  })

  it('takes only status through /status and never bumps generation there', async () => {
    const base = '/apis/apps/v1/namespaces/default/deployments'
    const d = (await post(base, {
      metadata: { name: 'st' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
      status: { replicas: 9 },
    })).json() as Record<string, unknown> & { metadata: Record<string, unknown> }
    expect(d.status).toBeUndefined()
    const s = (await put(`${base}/st/status`, { ...d, spec: { replicas: 7 }, status: { replicas: 2 } })).json() as { spec: { replicas: number }; status: unknown; metadata: { generation: number } }
    expect(s.status).toEqual({ replicas: 2 })
    expect(s.spec.replicas).toBe(1)
    expect(s.metadata.generation).toBe(1)
    const main = (await patch(`${base}/st`, { spec: { replicas: 3 }, status: { replicas: 99 } })).json() as { status: unknown; metadata: { generation: number } }
    expect(main.status).toEqual({ replicas: 2 })
    expect(main.metadata.generation).toBe(2)
    const scale = (await raw(server, { method: 'GET', path: `${base}/st/scale` })).json()
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { replicas: 2, selector: 'a=b' } })
    const scaled = await patch(`${base}/st/scale`, { spec: { replicas: 5 } })
    expect(scaled.json()).toMatchObject({ spec: { replicas: 5 } })
  })

  it('answers a malformed patch on /scale with the 400 of the main endpoint', async () => {
    const base = '/apis/apps/v1/namespaces/default/deployments'
    expect((await post(base, {
      metadata: { name: 'bad-scale' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    })).status).toBe(201)
    const send = (path: string, body: string, contentType = 'application/merge-patch+json'): Promise<RawResponse> => raw(server, { method: 'PATCH', path, body, contentType })
    const main = await send(`${base}/bad-scale`, '{spec: 1}')
    const scale = await send(`${base}/bad-scale/scale`, '{spec: 1}')
    expect([main.status, main.json().reason]).toEqual([400, 'BadRequest'])
    expect(main.json().message).toMatch(/^error decoding patch: /)
    expect([scale.status, scale.json()]).toEqual([400, main.json()])
    const array = await send(`${base}/bad-scale/scale`, '[]')
    expect([array.status, array.json().message]).toEqual([400, 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}'])
    const missing = await send(`${base}/bad-scale/scale`, '[{"op":"remove","path":"/spec/nope"}]', 'application/json-patch+json')
    expect([missing.status, missing.json().reason]).toEqual([422, 'Invalid'])
  })

  it("answers a strategic merge patch that does not decode with its decoder's words alone, as kube's strategic patcher does", async () => {
    const base = '/api/v1/namespaces/default/configmaps'
    expect((await post(base, { metadata: { name: 'bad-smp' } })).status).toBe(201)
    const send = (body: string, contentType: string): Promise<RawResponse> => raw(server, { method: 'PATCH', path: `${base}/bad-smp`, body, contentType })
    const prefix = 'error decoding patch: '
    for (const body of ['{data: 1}', '[]']) {
      const merge = await send(body, 'application/merge-patch+json')
      const strategic = await send(body, 'application/strategic-merge-patch+json')
      expect([body, merge.status, String(merge.json().message).startsWith(prefix)]).toEqual([body, 400, true])
      expect([body, strategic.status, strategic.json().reason, strategic.json().message]).toEqual([body, 400, 'BadRequest', String(merge.json().message).slice(prefix.length)])
    }
    const kinds = await Promise.all(['[]', '"x"', '1'].map(async (body) => (await send(body, 'application/strategic-merge-patch+json')).json().message))
    expect(kinds).toEqual(['array', 'string', 'number'].map((kind) => `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`))
    // null decodes to no map: a patch that changes nothing.
    const before = (await raw(server, { method: 'GET', path: `${base}/bad-smp` })).json()
    const none = await send('null', 'application/strategic-merge-patch+json')
    expect([none.status, none.json()]).toEqual([200, before])
  })

  it('defaults Services, labels Namespaces and keeps name/namespace rules', async () => {
    const svc = (await post('/api/v1/namespaces/default/services', { metadata: { name: 'web' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } })).json() as { spec: Record<string, unknown> }
    expect(svc.spec).toMatchObject({ type: 'NodePort', sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', externalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30000 }] })
    expect(svc.spec.clusterIP).toMatch(/^10\.96\./)
    const ns = (await post('/api/v1/namespaces', { metadata: { name: 'labelled' } })).json() as { metadata: { labels: unknown }; spec: unknown; status: unknown }
    expect(ns).toMatchObject({ metadata: { labels: { 'kubernetes.io/metadata.name': 'labelled' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } })
    const mismatch = await post('/api/v1/namespaces/default/configmaps', { metadata: { name: 'x', namespace: 'other' } })
    expect(mismatch.json().message).toBe('the namespace of the provided object does not match the namespace sent on the request')
    const rename = await put('/api/v1/namespaces/default/configmaps/unknowns', { metadata: { name: 'other' } })
    expect(rename.json().message).toBe('the name of the object (other) does not match the name on the URL (unknowns)')
    const rv = await post('/api/v1/namespaces/default/configmaps', { metadata: { name: 'rv', resourceVersion: '12' } })
    expect(rv.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'resourceVersion should not be set on objects to be created', code: 500 })
  })

  it('keeps a pod bound to a node until it is deleted with a zero grace period', async () => {
    const base = '/api/v1/namespaces/default/pods'
    await post(base, { metadata: { name: 'bound' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] } })
    const first = (await raw(server, { method: 'DELETE', path: `${base}/bound` })).json() as { metadata: Record<string, unknown> }
    expect(first.metadata.deletionGracePeriodSeconds).toBe(30)
    expect((await raw(server, { method: 'GET', path: `${base}/bound` })).status).toBe(200)
    const final = await raw(server, { method: 'DELETE', path: `${base}/bound?gracePeriodSeconds=0` })
    expect(final.status).toBe(200)
    expect((await raw(server, { method: 'GET', path: `${base}/bound` })).status).toBe(404)
  })

  it('refuses to establish a CRD whose names clash with an established one', async () => {
    const crd = (name: string, plural: string, kind: string): unknown => ({
      // singular is set so that the kind is the first name to clash (apiextensions checks plural, singular, short names, kind, list kind).
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name },
      spec: { group: 'clash.example.com', scope: 'Cluster', names: { plural, singular: plural.slice(0, -1), kind }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    })
    expect((await post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd('apples.clash.example.com', 'apples', 'Apple'))).status).toBe(201)
    const second = (await post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd('pears.clash.example.com', 'pears', 'Apple'))).json() as { status: { conditions: unknown[] } }
    expect(second.status.conditions).toEqual([
      expect.objectContaining({ type: 'NamesAccepted', status: 'False', reason: 'KindConflict', message: '"Apple" is already in use' }),
      expect.objectContaining({ type: 'Established', status: 'False' }),
    ])
    const invalid = await post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { ...(crd('wrong.clash.example.com', 'plums', 'Plum') as object) })
    expect(invalid.json().message).toBe('CustomResourceDefinition.apiextensions.k8s.io "wrong.clash.example.com" is invalid: metadata.name: Invalid value: "wrong.clash.example.com": must be spec.names.plural+"."+spec.group')
  })
})
