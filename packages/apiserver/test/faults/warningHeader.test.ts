// Warnings that quote a user's key (an unknown field under fieldValidation Warn, the default) go out
// in ASCII, escaped as Go's %+q escapes (kube writes UTF-8; see headerText). A key past U+00FF used
// to make node refuse the header on HTTP/1.1, so a write that was stored answered 500.
import { describe, expect, it } from 'vitest'
import { raw } from '../helpers/kube.js'
import { faultServer } from '../helpers/faultServer.js'

const { server } = faultServer()

describe('Warning headers quoting user keys', () => {
  it('answers a merge patch whose unknown field is past U+00FF 200 with the warning escaped', async () => {
    const base = '/api/v1/namespaces/default/configmaps'
    expect((await raw(server(), { method: 'POST', path: base, body: JSON.stringify({ metadata: { name: 'warn-a' } }), contentType: 'application/json' })).status).toBe(201)
    const answer = await raw(server(), { method: 'PATCH', path: `${base}/warn-a`, body: '{"metadata":{"x€":1},"data":{"k":"v"}}', contentType: 'application/merge-patch+json' })
    expect(answer.status).toBe(200)
    const warning = String(answer.headers.warning)
    expect(warning).toBe('299 - "unknown field \\"metadata.x\\u20ac\\""')
    const got = await raw(server(), { method: 'GET', path: `${base}/warn-a` })
    expect((got.json().data as Record<string, unknown>).k).toBe('v')
  })

  it('answers a create with an unknown field past U+00FF 201, stored, with the warning', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments'
    const body = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'warn-d' }, spec: { 'ü€': 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }
    const answer = await raw(server(), { method: 'POST', path, body: JSON.stringify(body), contentType: 'application/json' })
    expect(answer.status).toBe(201)
    expect(String(answer.headers.warning)).toContain('unknown field \\"spec.\\u00fc\\u20ac\\"')
    expect((await raw(server(), { method: 'GET', path: `${path}/warn-d` })).status).toBe(200)
  })
})
