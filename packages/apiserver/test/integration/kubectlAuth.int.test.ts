// Who may do what, judged by kubectl 1.32: users from a token file, RBAC on every request with
// kube-apiserver's Forbidden wording, impersonation (`--as`, `--as-group`, service accounts) allowed
// only with the impersonate verb, and `kubectl auth can-i` / `can-i --list` / `whoami` answers.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTokenAuthFile, startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { hasKubectl, kubectlFor, needsKubectl } from '../helpers/kube.js'
import type { Kubectl } from '../helpers/kube.js'

let server: ApiServer
let admin: Kubectl
beforeAll(async () => {
  const users = parseTokenAuthFile('# name,uid,groups\nalice-token,alice,1001,"dev"\nbob-token,bob,1002\n')
  server = await startApiServer({ users, authorization: 'RBAC' })
  admin = kubectlFor(server)
})
afterAll(async () => {
  admin.dispose()
  await server.stop()
})

/** Runs kubectl with `--token` instead of the admin token of the kubeconfig. */
async function as(token: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const kubeconfig = join(admin.dir, `kubeconfig-${token}`)
  writeFileSync(kubeconfig, server.kubeconfigYaml().replace(/token: .*/, `token: ${token}`))
  return admin(['--kubeconfig', kubeconfig, ...args])
}

describe.skipIf(!hasKubectl)(needsKubectl('kubectl against RBAC'), () => {
  it('enforces bindings, impersonation and reviews as kube-apiserver does', async () => {
    const setup = [
      ['create', 'namespace', 'team'],
      ['create', 'rolebinding', 'dev-view', '--clusterrole=view', '--group=dev', '-n', 'team'],
      ['create', 'serviceaccount', 'deployer', '-n', 'team'],
      ['create', 'rolebinding', 'deployer-edit', '--clusterrole=edit', '--serviceaccount=team:deployer', '-n', 'team'],
      ['create', 'clusterrole', 'impersonator', '--verb=impersonate', '--resource=serviceaccounts'],
      ['create', 'clusterrolebinding', 'bob-impersonates', '--clusterrole=impersonator', '--user=bob'],
    ]
    for (const args of setup) expect((await admin(args)).code).toBe(0)
    const results = await Promise.all([
      as('alice-token', ['get', 'pods', '-n', 'team']),
      as('alice-token', ['get', 'secrets', '-n', 'team']),
      as('alice-token', ['create', 'configmap', 'x', '-n', 'team']),
      as('alice-token', ['get', 'namespaces']),
      as('alice-token', ['get', 'pods', '-n', 'team', '--as', 'bob']),
      as('bob-token', ['create', 'configmap', 'made-by-deployer', '-n', 'team', '--as', 'system:serviceaccount:team:deployer']),
      as('nobody', ['get', 'pods']),
    ])
    expect(results.map((r) => [r.code, r.stdout, r.stderr])).toEqual([
      [0, '', 'No resources found in team namespace.\n'],
      [1, '', 'Error from server (Forbidden): secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "team"\n'],
      [1, '', 'error: failed to create configmap: configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "team"\n'],
      [1, '', 'Error from server (Forbidden): namespaces is forbidden: User "alice" cannot list resource "namespaces" in API group "" at the cluster scope\n'],
      [1, '', 'Error from server (Forbidden): users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope\n'],
      [0, 'configmap/made-by-deployer created\n', ''],
      [1, '', 'error: You must be logged in to the server (Unauthorized)\n'],
    ])
    // The request log names who each request acted as (after impersonation).
    const posts = server.requests().filter((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/team/configmaps')
    expect(new Set(posts.map((r) => r.user))).toEqual(new Set(['alice', 'system:serviceaccount:team:deployer']))

    const canI = await Promise.all([
      admin(['auth', 'can-i', 'list', 'pods', '-n', 'team', '--as', 'alice']),
      admin(['auth', 'can-i', 'list', 'pods', '-n', 'team', '--as', 'alice', '--as-group', 'dev']),
      admin(['auth', 'can-i', 'delete', 'deployments.apps', '-n', 'team', '--as', 'system:serviceaccount:team:deployer']),
      admin(['auth', 'can-i', 'get', 'secrets', '-n', 'other', '--as', 'system:serviceaccount:team:deployer']),
      as('alice-token', ['auth', 'can-i', 'watch', 'deployments', '-n', 'team']),
      as('alice-token', ['auth', 'whoami']),
    ])
    expect(canI.map((r) => [r.code, r.stdout])).toEqual([
      [1, 'no\n'],
      [0, 'yes\n'],
      [0, 'yes\n'],
      [1, 'no\n'],
      [0, 'yes\n'],
      [0, 'ATTRIBUTE   VALUE\nUsername    alice\nUID         1001\nGroups      [dev system:authenticated]\n'],
    ])
    // A service account token from `kubectl create token` authenticates as the account.
    const token = await admin(['create', 'token', 'deployer', '-n', 'team'])
    expect(token.code).toBe(0)
    const withToken = await Promise.all([
      as(token.stdout.trim(), ['create', 'configmap', 'by-token', '-n', 'team']),
      as(token.stdout.trim(), ['get', 'secrets', '-n', 'default']),
    ])
    expect(withToken.map((r) => [r.stdout, r.stderr])).toEqual([
      ['configmap/by-token created\n', ''],
      ['', 'Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:team:deployer" cannot list resource "secrets" in API group "" in the namespace "default"\n'],
    ])
    expect((await admin(['create', 'token', 'ghost', '-n', 'team'])).stderr).toBe('error: failed to create token: serviceaccounts "ghost" not found\n')
    const list = await as('alice-token', ['auth', 'can-i', '--list', '-n', 'team'])
    expect(list.stdout).toMatch(/^deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]$/m)
    expect(list.stdout).not.toMatch(/^secrets /m)
  })
})
