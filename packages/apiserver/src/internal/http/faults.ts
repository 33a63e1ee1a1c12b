// Injected faults: the Status answers kube-apiserver (or a proxy in front of it) sends for them, and
// what each fault mode does to a request.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FaultRule } from '../../faultTypes.js'
import type { FaultState } from './faultState.js'
import type { Route } from './route.js'
import { sendError } from './send.js'
import { dropExchange, exchangeGone } from './exchange.js'
import { quote } from '@gitops-sdk/core/go'
import { StatusError } from '../../status.js'

function forbiddenFault(route_: Route | undefined, message: string | undefined): StatusError {
  if (route_?.kind !== 'resource') return new StatusError({ code: 403, reason: 'Forbidden', message: message ?? 'forbidden' })
  const { type, verb, namespace, name, subresource } = route_
  const resource = subresource === undefined ? type.plural : `${type.plural}/${subresource}`
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace ${quote(namespace)}`
  const subject = name === undefined ? (type.group === '' ? type.plural : `${type.plural}.${type.group}`) : `${type.group === '' ? type.plural : `${type.plural}.${type.group}`} ${quote(name)}`
  const why = message ?? `User "gitops-sdk" cannot ${verb} resource ${quote(resource)} in API group ${quote(type.group)} ${scope}`
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
          message: action.message ?? `Operation cannot be fulfilled on ${route_.type.group === '' ? route_.type.plural : `${route_.type.plural}.${route_.type.group}`} ${quote(route_.name)}: the object has been modified; please apply your changes to the latest version and try again`,
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

/** What the handler does after a fault rule: nothing more, go on, or go on and cut the watch. */
export type FaultOutcome = 'answered' | 'go' | { readonly cutAfterEvents: number }

/** Applies one fault rule to a request. */
export async function applyFault(
  state: FaultState,
  fault: FaultRule,
  exchange: { readonly request: IncomingMessage; readonly response: ServerResponse; readonly route: Route | undefined },
): Promise<FaultOutcome> {
  const { request, response, route } = exchange
  const answer = (error: StatusError): FaultOutcome => {
    request.resume()
    sendError(response, error, request.headers.accept)
    return 'answered'
  }
  switch (fault.mode) {
    case 'freeze':
      await state.hold()
      // Released by stop: the connection is gone and nothing may be written any more.
      return exchangeGone(request) ? 'answered' : 'go'
    case 'latency':
      await new Promise((resolve) => setTimeout(resolve, fault.ms))
      return exchangeGone(request) ? 'answered' : 'go'
    case 'throttle':
      return answer(faultStatus(429, route, { retryAfterSeconds: fault.retryAfterSeconds }))
    case 'error':
      return answer(faultStatus(fault.status ?? 500, route, { message: fault.message }))
    case 'conflict':
      return answer(faultStatus(409, route, {}))
    case 'drop':
      dropExchange(request)
      return 'answered'
    case 'cutWatch':
      return { cutAfterEvents: fault.afterEvents ?? 0 }
  }
}
