// One call of an admission webhook over HTTPS, as kube-apiserver makes it: POST of an AdmissionReview
// v1 to `clientConfig.url` or to the service's URL with `?timeout=<n>s`, trusting `caBundle` (or the
// default roots without one), bounded by `timeoutSeconds`, and the checks of the answer (an
// AdmissionReview v1 whose `response.uid` is the request's). Only loopback is reachable: a `url`
// elsewhere fails the call, and a `service` reaches the loopback URL the server's `webhookServices`
// option maps `namespace/name` to, with TLS checked against `name.namespace.svc` as in a cluster.
import { request as httpsRequest } from 'node:https'
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap } from '@gitops-sdk/core'
import type { Webhook } from './webhooks.js'
import { text } from '../state/objects.js'
import { stringifyJson } from '../../ssa/deepJson.js'

/** The largest answer read from a webhook, as kube-apiserver limits it (3 MiB). */
const MAX_RESPONSE_BYTES = 3 * 1024 * 1024

/** A failed call: the text kube-apiserver puts after `failed calling webhook "<name>": `. */
export class WebhookCallError extends Error {
  override readonly name = 'WebhookCallError'
}

/** How webhooks are reached. */
export interface WebhookNetwork {
  /** `namespace/name` (or `namespace/name:port`) of a Service → the loopback `https://` URL serving it. */
  readonly services: ReadonlyMap<string, string>
  /** Aborted when the server stops: calls in flight end at once. */
  readonly signal: AbortSignal
}

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

interface Target {
  /** The URL as kube-apiserver names it in errors. */
  readonly shown: string
  /** Where the request really goes. */
  readonly url: URL
  /** The TLS server name to check the certificate against; undefined for an IP address (checked as such). */
  readonly servername: string | undefined
}

function target(webhook: Webhook, network: WebhookNetwork): Target {
  const timeout = `timeout=${webhook.timeoutSeconds}s`
  const withTimeout = (u: URL): URL => {
    const out = new URL(u.href)
    out.search = out.search === '' ? `?${timeout}` : `${out.search}&${timeout}`
    return out
  }
  const config = webhook.clientConfig
  if (typeof config.url === 'string') {
    let url: URL
    try {
      url = withTimeout(new URL(config.url))
    } catch {
      throw new WebhookCallError(`failed to call webhook: parse "${config.url}": invalid URL`)
    }
    if (url.protocol !== 'https:') throw new WebhookCallError(`failed to call webhook: Post "${url.href}": unsupported protocol scheme "${url.protocol.replace(':', '')}"`)
    if (!loopback.has(url.hostname)) throw new WebhookCallError(`failed to call webhook: Post "${url.href}": only loopback webhook URLs are reachable from the embedded apiserver`)
    return { shown: url.href, url, servername: url.hostname === 'localhost' ? 'localhost' : undefined }
  }
  const service = isKubeMap(config.service) ? config.service : {}
  const namespace = text(service.namespace)
  const name = text(service.name)
  const port = typeof service.port === 'number' ? service.port : 443
  const path = typeof service.path === 'string' ? service.path : '/'
  const host = `${name}.${namespace}.svc`
  const shown = `https://${host}:${port}${path}?${timeout}`
  const base = network.services.get(`${namespace}/${name}:${port}`) ?? network.services.get(`${namespace}/${name}`)
  if (base === undefined) throw new WebhookCallError(`failed to call webhook: Post "${shown}": service "${namespace}/${name}" is not mapped to a local URL (the webhookServices option)`)
  const url = withTimeout(new URL(path, base))
  return { shown, url, servername: host }
}

/** POSTs `review` to `webhook` and returns its checked `response`; a WebhookCallError says why not. */
export async function callWebhook(webhook: Webhook, review: KubeMap & { request: { uid: string } }, network: WebhookNetwork): Promise<KubeMap> {
  const { shown, url, servername } = target(webhook, network)
  const caBundle = typeof webhook.clientConfig.caBundle === 'string' ? Buffer.from(webhook.clientConfig.caBundle, 'base64').toString('utf8') : undefined
  const body = stringifyJson(review)
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const fail = (why: string): void => reject(new WebhookCallError(`failed to call webhook: Post "${shown}": ${why}`))
    const controller = new AbortController()
    const onStop = (): void => controller.abort()
    network.signal.addEventListener('abort', onStop, { once: true })
    const timer = setTimeout(() => controller.abort(), webhook.timeoutSeconds * 1000)
    const done = (): void => {
      clearTimeout(timer)
      network.signal.removeEventListener('abort', onStop)
    }
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, */*', 'content-length': Buffer.byteLength(body) },
        ...(caBundle === undefined ? {} : { ca: caBundle }),
        ...(servername === undefined ? {} : { servername }),
        signal: controller.signal,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy()
            done()
            fail('response body too large')
            return
          }
          chunks.push(chunk)
        })
        res.on('end', () => {
          done()
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })
        })
        res.on('error', (err) => {
          done()
          fail(err.message)
        })
      },
    )
    req.on('error', (err) => {
      done()
      if (network.signal.aborted) fail('the apiserver is stopping')
      else if (controller.signal.aborted) fail('context deadline exceeded')
      else fail(err.message)
    })
    req.end(body)
  })
  if (answer.status < 200 || answer.status > 299) {
    throw new WebhookCallError(`failed to call webhook: the server responded with the status code ${answer.status} but did not return more information`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(answer.text)
  } catch (err) {
    throw new WebhookCallError(`received invalid webhook response: ${(err as Error).message}`)
  }
  if (!isKubeMap(parsed) || parsed.apiVersion !== 'admission.k8s.io/v1' || parsed.kind !== 'AdmissionReview') {
    const got = isKubeMap(parsed) ? `${text(parsed.apiVersion)}, Kind=${text(parsed.kind)}` : 'no object'
    throw new WebhookCallError(`received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${got}`)
  }
  const response = parsed.response
  if (!isKubeMap(response)) throw new WebhookCallError('received invalid webhook response: webhook response was absent')
  if (response.uid !== review.request.uid) {
    throw new WebhookCallError(`received invalid webhook response: expected response.uid="${review.request.uid}", got "${text(response.uid)}"`)
  }
  return response
}
