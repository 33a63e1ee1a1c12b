// Saying no to who may not: bad and missing tokens are 401 and change nothing; a forbidden write is
// a 403 in kube-apiserver's words and stores nothing; impersonation without a user is refused;
// impersonation headers and token-file names that look like prototype keys stay names; a malformed
// token file is a typed error naming its line, never its token.
import { describe, expect, it } from 'vitest'
import { ApiServerError, parseTokenAuthFile } from '../../src/index.js'
import { raw } from '../helpers/kube.js'
import { faultServer } from '../helpers/faultServer.js'

const users = parseTokenAuthFile('alice-token,alice,1\nproto-token,__proto__,2,"constructor,prototype"\n')
const { server } = faultServer({ users, authorization: 'RBAC' })

const cms = '/api/v1/namespaces/default/configmaps'
const create = (token: string | undefined, name: string, headers: Record<string, string> = {}): ReturnType<typeof raw> =>
  raw(server(), { method: 'POST', path: cms, body: JSON.stringify({ metadata: { name } }), contentType: 'application/json', token, headers })
const exists = async (name: string): Promise<boolean> => (await raw(server(), { method: 'GET', path: `${cms}/${name}` })).status === 200

describe('authentication', () => {
  it('refuses missing, unknown and malformed tokens with 401 and stores nothing', async () => {
    for (const [token, headers] of [['', {}], ['wrong', {}], ['', { authorization: 'Basic YWxpY2U6eA==' }], ['', { authorization: 'Bearer' }]] as const) {
      const answer = await create(token, 'by-stranger', headers)
      expect(answer.status).toBe(401)
      expect(answer.json()).toMatchObject({ reason: 'Unauthorized', message: 'Unauthorized' })
    }
    expect(await exists('by-stranger')).toBe(false)
  })
})

describe('authorization', () => {
  it('a forbidden write is a 403 naming the user, verb, resource and namespace, and stores nothing', async () => {
    const answer = await create('alice-token', 'by-alice')
    expect(answer.status).toBe(403)
    expect(answer.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "default"',
      reason: 'Forbidden',
      details: { kind: 'configmaps' },
      code: 403,
    })
    expect(await exists('by-alice')).toBe(false)
  })

  it('a forbidden read of one object names it; a forbidden path says path', async () => {
    const named = await raw(server(), { method: 'GET', path: '/apis/apps/v1/namespaces/default/deployments/web/scale', token: 'alice-token' })
    expect(named.json().message).toBe('deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments/scale" in API group "apps" in the namespace "default"')
    const path = await raw(server(), { method: 'GET', path: '/openapi/v2', token: 'alice-token' })
    expect(path.status).toBe(200) // system:discovery lets every authenticated user read /openapi/*
    const metrics = await raw(server(), { method: 'DELETE', path: '/api', token: 'alice-token' })
    expect([metrics.status, metrics.json().message]).toEqual([403, 'forbidden: User "alice" cannot delete path "/api"'])
  })

  it('prototype-named users and groups are plain names that match no binding', async () => {
    const answer = await create('proto-token', 'by-proto')
    expect(answer.json().message).toBe('configmaps is forbidden: User "__proto__" cannot create resource "configmaps" in API group "" in the namespace "default"')
    expect(await exists('by-proto')).toBe(false)
  })
})

describe('impersonation', () => {
  it('is refused without the impersonate verb, and leaves nothing behind', async () => {
    const answer = await create('alice-token', 'as-admin', { 'impersonate-user': 'system:admin', 'impersonate-group': 'system:masters' })
    expect(answer.status).toBe(403)
    expect(answer.json().message).toBe('users "system:admin" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope')
    expect(await exists('as-admin')).toBe(false)
  })

  it('groups without a user are an internal error as in kube-apiserver', async () => {
    const answer = await create(undefined, 'groups-only', { 'impersonate-group': 'system:masters' })
    expect(answer.status).toBe(500)
    expect(answer.json().message).toBe('Internal error occurred: requested [{Group system:masters}] without impersonating a user')
    expect(await exists('groups-only')).toBe(false)
  })

  it('prototype keys as impersonated names stay names (the admin may impersonate anyone)', async () => {
    const answer = await create(undefined, 'as-proto', { 'impersonate-user': '__proto__', 'impersonate-group': 'constructor' })
    expect(answer.status).toBe(403)
    expect(answer.json().message).toBe('configmaps is forbidden: User "__proto__" cannot create resource "configmaps" in API group "" in the namespace "default"')
  })
})

describe('token files', () => {
  it('names the bad line and never the token', () => {
    for (const [text, why] of [
      ['ok,alice,1\nsecret-token,bob\n', 'token file:2: token file is expected to have at least 3 columns, got 2'],
      ['"unterminated-secret,alice,1\n', 'token file:1: malformed CSV'],
      [',alice,1\n', 'token file:1: token is empty'],
    ] as const) {
      let caught: unknown
      try {
        parseTokenAuthFile(text)
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(ApiServerError)
      expect((caught as ApiServerError).code).toBe('APISERVER_TOKEN_FILE_INVALID')
      expect((caught as ApiServerError).message).toBe(why)
      expect((caught as ApiServerError).message).not.toContain('secret')
    }
    expect(parseTokenAuthFile('a,alice,1,"dev,ops"\na,bob,2\n')).toEqual([{ token: 'a', name: 'bob', uid: '2', groups: [] }])
  })
})
