// Bad impersonation options: refused when the client is created, before any request, naming the
// option; a group name with a comma stays one group (it is never split into two).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertNoPollution } from '../../../../testing/pollution.js'
import { createKubeClient } from '../../src/index.js'
import type { Impersonation } from '../../src/index.js'

let requests = 0
const server = createServer((_req, res) => {
  requests++
  res.statusCode = 500
  res.end()
})
let kubeconfigYaml = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  kubeconfigYaml = `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const bad: readonly (readonly [string, Impersonation])[] = [
  ['an empty group', { user: 'jane', groups: [''] }],
  ['a group that is not a string', { user: 'jane', groups: [7 as unknown as string] }],
  ['an empty user with groups', { user: '', groups: ['devs'] }],
  ['a service account without a name, with groups', { serviceAccount: { namespace: 'a', name: '' }, groups: ['devs'] }],
]

describe('createKubeClient impersonation faults', () => {
  it.each(bad)('refuses %s before any request', async (_name, impersonate) => {
    requests = 0
    await expect(createKubeClient({ kubeconfigYaml, impersonate })).rejects.toThrow(/^createKubeClient: impersonate\./)
    expect(requests).toBe(0)
    assertNoPollution()
  })
})
