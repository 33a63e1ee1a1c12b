// A real admission webhook for the tests: HTTPS on 127.0.0.1 with a test CA (webhookCertificates.ts;
// the certificate is valid for 127.0.0.1 and the Service name `guard.webhooks.svc`), answering AdmissionReview v1 by path:
//   /validate  denies objects labelled `forbidden: "yes"` and deleting those labelled `locked: "yes"`
//              (403 Forbidden), allows others with a warning
//   /mutate    adds the label `mutated: "true"` with a JSONPatch
//   /annotate  sets the annotation `seen-labels` to the label keys it saw
//   /rename    patches metadata.name
//   /badjson   answers text that is no JSON
//   /wronguid  answers with another uid
//   /slow      never answers (until close)
//   /scale-cap denies a Scale of more than 5 replicas (403)
//   /scale-min raises a Scale of fewer than 2 replicas to 2 with a JSONPatch
// Every review received is kept in `reviews`, with its path.
import { createServer } from 'node:https'
import type { Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { webhookCaPem, webhookCertPem, webhookKeyPem } from './webhookCertificates.js'

/** An object in a review. */
export interface ReviewedObject {
  readonly metadata: { name: string; labels?: Record<string, string> }
}

/** One AdmissionReview request as the webhook received it. */
export interface ReceivedReview {
  readonly path: string
  readonly request: Record<string, unknown> & { uid: string; operation: string; object: ReviewedObject | null; oldObject: ReviewedObject | null }
}

/** The running webhook. */
export interface WebhookServer {
  readonly url: string
  /** The CA's PEM, base64, for `clientConfig.caBundle`. */
  readonly caBundle: string
  readonly reviews: ReceivedReview[]
  close(): Promise<void>
}

const patch = (ops: unknown): string => Buffer.from(JSON.stringify(ops)).toString('base64')

function answer(path: string, request: ReceivedReview['request']): unknown {
  const review = (response: Record<string, unknown>): unknown => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: request.uid, ...response } })
  const labels = request.object?.metadata.labels
  switch (path) {
    case '/validate':
      if (request.operation === 'DELETE' && request.oldObject?.metadata.labels?.locked === 'yes') {
        return review({ allowed: false, status: { code: 403, reason: 'Forbidden', message: 'objects labelled locked cannot be deleted' } })
      }
      if (labels?.forbidden === 'yes') {
        return review({ allowed: false, status: { code: 403, reason: 'Forbidden', message: 'manual edits of GitOps-owned objects are refused' } })
      }
      return review({ allowed: true, warnings: ['checked by guard'] })
    case '/mutate':
      return review({
        allowed: true,
        patchType: 'JSONPatch',
        patch: patch(labels === undefined ? [{ op: 'add', path: '/metadata/labels', value: { mutated: 'true' } }] : [{ op: 'add', path: '/metadata/labels/mutated', value: 'true' }]),
      })
    case '/annotate':
      return review({
        allowed: true,
        patchType: 'JSONPatch',
        patch: patch([{ op: 'add', path: '/metadata/annotations', value: { 'seen-labels': Object.keys(labels ?? {}).sort().join(',') } }]),
      })
    case '/rename':
      return review({ allowed: true, patchType: 'JSONPatch', patch: patch([{ op: 'replace', path: '/metadata/name', value: 'renamed' }]) })
    case '/scale-cap': {
      const replicas = (request.object as { spec?: { replicas?: number } } | null)?.spec?.replicas ?? 0
      if (replicas > 5) return review({ allowed: false, status: { code: 403, reason: 'Forbidden', message: 'at most 5 replicas' } })
      return review({ allowed: true })
    }
    case '/scale-min': {
      const replicas = (request.object as { spec?: { replicas?: number } } | null)?.spec?.replicas ?? 0
      if (replicas >= 2) return review({ allowed: true })
      return review({ allowed: true, patchType: 'JSONPatch', patch: patch([{ op: 'replace', path: '/spec/replicas', value: 2 }]) })
    }
    case '/wronguid':
      return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'not-the-request-uid', allowed: true } }
    default:
      return review({ allowed: true })
  }
}

/** Starts the webhook on 127.0.0.1. */
export async function startWebhookServer(): Promise<WebhookServer> {
  const reviews: ReceivedReview[] = []
  const held = new Set<ServerResponse>()
  const server: Server = createServer({ key: webhookKeyPem, cert: webhookCertPem }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1')
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: ReceivedReview['request'] }
      reviews.push({ path: url.pathname, request: body.request })
      if (url.pathname === '/slow') {
        held.add(res)
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(url.pathname === '/badjson' ? 'this is not JSON' : JSON.stringify(answer(url.pathname, body.request)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    caBundle: Buffer.from(webhookCaPem).toString('base64'),
    reviews,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
