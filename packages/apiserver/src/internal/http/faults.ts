// The Status answers of injected faults, as kube-apiserver (or a proxy in front of it) sends them.
import type { Route } from './route.js'
import { goQuote, StatusError } from '../../status.js'

function forbiddenFault(route_: Route | undefined, message: string | undefined): StatusError {
  if (route_?.kind !== 'resource') return new StatusError({ code: 403, reason: 'Forbidden', message: message ?? 'forbidden' })
  const { type, verb, namespace, name, subresource } = route_
  const resource = subresource === undefined ? type.plural : `${type.plural}/${subresource}`
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace ${goQuote(namespace)}`
  const subject = name === undefined ? (type.group === '' ? type.plural : `${type.plural}.${type.group}`) : `${type.group === '' ? type.plural : `${type.plural}.${type.group}`} ${goQuote(name)}`
  const why = message ?? `User "gitops-sdk" cannot ${verb} resource ${goQuote(resource)} in API group ${goQuote(type.group)} ${scope}`
  return new StatusError({ code: 403, reason: 'Forbidden', message: `${subject} is forbidden: ${why}`, details: { name, group: type.group, kind: type.plural } })
}

/** The Status of an injected fault. */
export function faultStatus(code: number, route_: Route | undefined, action: { message?: string | undefined; retryAfterSeconds?: number | undefined }): StatusError {
  switch (code) {
    case 403:
      return forbiddenFault(route_, action.message)
    case 409:
      if (route_?.kind === 'resource' && route_.name !== undefined) {
        return new StatusError({
          code: 409,
          reason: 'Conflict',
          message: action.message ?? `Operation cannot be fulfilled on ${route_.type.group === '' ? route_.type.plural : `${route_.type.plural}.${route_.type.group}`} ${goQuote(route_.name)}: the object has been modified; please apply your changes to the latest version and try again`,
          details: { name: route_.name, group: route_.type.group, kind: route_.type.plural },
        })
      }
      return new StatusError({ code: 409, reason: 'Conflict', message: action.message ?? 'conflict' })
    case 429: {
      const retry = action.retryAfterSeconds ?? 1
      return new StatusError({
        code: 429,
        reason: 'TooManyRequests',
        message: action.message ?? 'Too many requests, please try again later.',
        details: { retryAfterSeconds: retry },
        headers: { 'Retry-After': String(retry) },
      })
    }
    case 503:
      return new StatusError({ code: 503, reason: 'ServiceUnavailable', message: action.message ?? 'the server is currently unable to handle the request' })
    case 504:
      return new StatusError({ code: 504, reason: 'Timeout', message: action.message ?? 'the server was unable to return a response in the time allotted, but may still be processing the request' })
    case 500:
      return new StatusError({ code: 500, reason: 'InternalError', message: action.message ?? 'Internal error occurred: injected fault' })
    default:
      return new StatusError({ code, reason: '', message: action.message ?? `injected fault ${code}` })
  }
}
