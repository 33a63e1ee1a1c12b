// Impersonation is an HTTP header the API server acts on (authorization and audit), so this test
// checks the wire: a plain HTTP listener on 127.0.0.1 records the headers of the client's requests.
// (The embedded apiserver has no RBAC, so impersonating there would show nothing.)
import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKubeClient } from '../../src/index.js'

const seen: IncomingHttpHeaders[] = []
const server = createServer((req, res) => {
  seen.push(req.headers)
  res.setHeader('content-type', 'application/json')
  if (req.url === '/api/v1') res.end(JSON.stringify({ kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get'] }] }))
  else res.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } }))
})
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
