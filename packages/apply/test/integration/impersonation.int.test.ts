// Impersonation is an HTTP header the API server acts on (authorization and audit), so this test
// checks the wire: a plain HTTP listener on 127.0.0.1 records the headers of the client's requests.
// (The embedded apiserver has no RBAC, so impersonating there would show nothing.)
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKubeClient } from '../../src/index.js'

const seen: IncomingHttpHeaders[] = []
const handler = (req: IncomingMessage, res: ServerResponse): void => {
  seen.push(req.headers)
  res.setHeader('content-type', 'application/json')
  if (req.url === '/api/v1') res.end(JSON.stringify({ kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get'] }] }))
  else res.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } }))
}
const server = createServer(handler)
let kubeconfigYaml = ''

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  kubeconfigYaml = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: secret-token}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: team-a}}]
current-context: x
`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

describe('createKubeClient impersonation', () => {
  it('sends Impersonate-User for a service account on every request, with the kubeconfig token', async () => {
    seen.length = 0
    const client = await createKubeClient({ kubeconfigYaml, impersonate: { serviceAccount: { namespace: 'team-a', name: 'deployer' } } })
    expect(client.namespace).toBe('team-a')
    await client.get({ group: '', kind: 'ConfigMap', namespace: 'ns', name: 'a' })
    expect(seen).toHaveLength(2)
    for (const headers of seen) {
      expect(headers['impersonate-user']).toBe('system:serviceaccount:team-a:deployer')
      expect(headers.authorization).toBe('Bearer secret-token')
    }
  })

  it('sends one Impersonate-Group line per group, as kubectl --as-group does (a comma stays inside its group)', async () => {
    seen.length = 0
    const raw: string[][] = []
    server.on('request', (req) => raw.push(req.rawHeaders))
    const client = await createKubeClient({ kubeconfigYaml, impersonate: { user: 'jane', groups: ['devs', 'ops,oncall'] } })
    await client.get({ group: '', kind: 'ConfigMap', namespace: 'ns', name: 'a' })
    server.removeAllListeners('request').on('request', handler)
    expect(raw).toHaveLength(2)
    for (const headers of raw) {
      const lines = headers.flatMap((value, i) => (i % 2 === 0 ? [[value.toLowerCase(), headers[i + 1]]] : []))
      expect(lines.filter(([k]) => k === 'impersonate-user')).toEqual([['impersonate-user', 'jane']])
      expect(lines.filter(([k]) => k === 'impersonate-group')).toEqual([
        ['impersonate-group', 'devs'],
        ['impersonate-group', 'ops,oncall'],
      ])
    }
    seen.length = 0
    const one = await createKubeClient({ kubeconfigYaml, impersonate: { user: 'jane', groups: ['system:masters'] } })
    await one.get({ group: '', kind: 'ConfigMap', namespace: 'ns', name: 'a' })
    expect(seen.map((h) => h['impersonate-group'])).toEqual(['system:masters', 'system:masters'])
  })

  it('refuses an empty group name', async () => {
    await expect(createKubeClient({ kubeconfigYaml, impersonate: { user: 'jane', groups: [''] } })).rejects.toThrow(/impersonate.groups/)
  })

  it('sends no impersonation header unless asked', async () => {
    seen.length = 0
    const client = await createKubeClient({ kubeconfigYaml })
    await client.get({ group: '', kind: 'ConfigMap', namespace: 'ns', name: 'a' })
    expect(seen.every((h) => h['impersonate-user'] === undefined)).toBe(true)
  })

  it('refuses a kubeconfig without the named context', async () => {
    await expect(createKubeClient({ kubeconfigYaml, context: 'nope' })).rejects.toMatchObject({ code: 'APPLY_KUBECONFIG_INVALID', message: 'kubeconfig: no context named "nope"' })
    await expect(createKubeClient({ kubeconfig: '/nonexistent/kubeconfig' })).rejects.toMatchObject({ code: 'APPLY_KUBECONFIG_INVALID' })
  })
})
