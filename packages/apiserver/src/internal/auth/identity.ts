// Who a request is: the user of its bearer token, then, with `Impersonate-*` headers, the user it
// acts as once the authorizer allows the `impersonate` verb on each requested attribute, as
// kube-apiserver's impersonation filter does. Tokens come from the server's options (the token file
// format of `--token-auth-file`) and from TokenRequests of service accounts.
import type { IncomingHttpHeaders } from 'node:http'
import type { Attributes, UserInfo } from './rbac.js'
import { forbiddenReason } from './rbac.js'
import { forbidden, StatusError } from '../../status.js'

/** The user of the server's own token(s) and of unauthenticated servers: a cluster admin. */
export const adminUser: UserInfo = { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] }

/** The groups kube-apiserver gives a service account's user. */
export function serviceAccountUser(namespace: string, name: string, uid?: string): UserInfo {
  return { name: `system:serviceaccount:${namespace}:${name}`, uid, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] }
}

/** The bearer token of a request, own header only: a polluted Object.prototype must never authenticate. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = Object.hasOwn(headers, 'authorization') ? (headers.authorization ?? '') : ''
  return auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined
}

function headerValues(headers: NodeJS.Dict<string[]>, name: string): string[] {
  return Object.hasOwn(headers, name) ? (headers[name] ?? []) : []
}

const serviceAccountPrefix = 'system:serviceaccount:'

/**
 * The user a request acts as: `user`, or the one its Impersonate-User / -Group / -Uid headers name
 * once `allowed` says yes to each `impersonate` check; a 403 naming the first refused one otherwise.
 */
export function impersonate(headers: NodeJS.Dict<string[]>, user: UserInfo, allowed: (attributes: Attributes) => boolean): UserInfo {
  const users = headerValues(headers, 'impersonate-user')
  const groups = headerValues(headers, 'impersonate-group')
  const uids = headerValues(headers, 'impersonate-uid')
  const extras = Object.keys(headers).filter((h) => h.startsWith('impersonate-extra-'))
  if (users.length === 0 && groups.length === 0 && uids.length === 0 && extras.length === 0) return user
  const name = users[0] ?? ''
  if (name === '') throw new StatusError({ code: 500, reason: 'InternalError', message: `Internal error occurred: requested [${[...groups.map((g) => `{Group ${g}}`), ...uids.map((u) => `{UID ${u}}`)].join(' ')}] without impersonating a user` })
  const checks: [Attributes, { group: string; plural: string }, string][] = []
  let impersonated: UserInfo
  if (name.startsWith(serviceAccountPrefix)) {
    const [namespace = '', sa = ''] = name.slice(serviceAccountPrefix.length).split(':')
    checks.push([{ resourceRequest: true, verb: 'impersonate', group: '', resource: 'serviceaccounts', subresource: '', namespace, name: sa }, { group: '', plural: 'serviceaccounts' }, sa])
    impersonated = serviceAccountUser(namespace, sa)
  } else {
    checks.push([{ resourceRequest: true, verb: 'impersonate', group: '', resource: 'users', subresource: '', namespace: '', name }, { group: '', plural: 'users' }, name])
    impersonated = { name, groups: [] }
  }
  for (const g of groups) checks.push([{ resourceRequest: true, verb: 'impersonate', group: '', resource: 'groups', subresource: '', namespace: '', name: g }, { group: '', plural: 'groups' }, g])
  for (const u of uids) checks.push([{ resourceRequest: true, verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', subresource: '', namespace: '', name: u }, { group: 'authentication.k8s.io', plural: 'uids' }, u])
  for (const [attributes, gr, subject] of checks) {
    if (!allowed(attributes)) throw forbidden(gr, subject, { why: forbiddenReason(user, attributes) })
  }
  const all = [...impersonated.groups.filter((g) => g !== 'system:authenticated'), ...groups]
  if (name !== 'system:anonymous' && !all.includes('system:authenticated')) all.push('system:authenticated')
  return { name, uid: uids[0] ?? impersonated.uid, groups: all }
}

/** One line of a `--token-auth-file`: `token,user,uid[,"group1,group2"]`. */
export interface TokenFileUser {
  readonly token: string
  readonly name: string
  readonly uid: string
  readonly groups: readonly string[]
}

/** Splits one CSV line as Go's encoding/csv does for the token file (quotes, doubled quotes). */
function csvFields(line: string): string[] | undefined {
  const out: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    if (line[i] === '"') {
      i++
      for (;;) {
        if (i >= line.length) return undefined
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += line[i] ?? ''
        i++
      }
      if (i < line.length && line[i] !== ',') return undefined
    } else {
      const end = line.indexOf(',', i)
      field = end < 0 ? line.slice(i) : line.slice(i, end)
      if (field.includes('"')) return undefined
      i = end < 0 ? line.length : end
    }
    out.push(field)
    if (i >= line.length) return out
    i++ // the comma
  }
}

/**
 * Parses a token file as kube-apiserver's `--token-auth-file` reads it; returns the users or the
 * 1-based line number and why the first bad line is refused.
 */
export function parseTokenFile(text: string): { users: TokenFileUser[] } | { line: number; why: string } {
  // A repeated token replaces the earlier line, as kube-apiserver's map of tokens does.
  const users = new Map<string, TokenFileUser>()
  const lines = text.split(/\r?\n/)
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] ?? '').trim()
    if (line === '' || line.startsWith('#')) continue
    const fields = csvFields(line)
    if (fields === undefined) return { line: n + 1, why: 'malformed CSV' }
    if (fields.length < 3) return { line: n + 1, why: `token file is expected to have at least 3 columns, got ${fields.length}` }
    const [token = '', name = '', uid = '', groups = ''] = fields.map((f) => f.trim())
    if (token === '') return { line: n + 1, why: 'token is empty' }
    users.set(token, { token, name, uid, groups: groups === '' ? [] : groups.split(',').map((g) => g.trim()) })
  }
  return { users: [...users.values()] }
}
