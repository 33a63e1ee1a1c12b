// An answer that is not JSON: on Node 20, JSON.parse's SyntaxError quotes the text around the fault,
// which for a Secret may be its data. The typed error names the object and the request, and holds
// no text of the answer: not in its message, details, cause chain or JSON form.
import { afterEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { ApplyError, createKubeClient } from '../../src/index.js'
import type { KubeClient } from '../../src/index.js'
import { createKubeClientWith } from '../../src/createKubeClient.js'
import { startFakeApi } from '../helpers/fakeApi.js'
import type { FakeApi } from '../helpers/fakeApi.js'

const TOKEN = 'marker-Jx4Rq8-value'
const ENCODED = Buffer.from(TOKEN).toString('base64')
const fieldManager = 'gitops-faults'
const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, type: 'Opaque', data: { token: ENCODED } }
const target = { group: '', kind: 'Secret', namespace: 'default', name: 'creds' }

/** Malformed at the value, so that a SyntaxError's message on Node 20 quotes the text around it. */
const answers = [
  `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"creds","namespace":"default"},"data":{"token":${ENCODED}}}`,
  `{"apiVersion":"v1","kind":"Secret","data":{"token":${TOKEN}}}`,
  `${TOKEN} ${ENCODED}`,
  `{"apiVersion":"v1","kind":"Secret","data":{"token":"${ENCODED}","plain":"${TOKEN}"`,
]

/** The error and its causes, every channel a caller could print, log, store or send. */
function everything(err: unknown): string {
  const parts: unknown[] = []
  let e: unknown = err
  for (let depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    if (e instanceof Error) {
      parts.push(e.message, String(e), e.stack, e instanceof ApplyError ? [e.toJSON(), e.details] : undefined)
      e = e.cause
    } else {
      parts.push(e)
      e = undefined
    }
  }
  return JSON.stringify(parts)
}

const clients: ReadonlyArray<{ name: string; make: (api: FakeApi) => Promise<KubeClient> }> = [
  { name: 'the direct transport', make: async (api) => createKubeClient({ kubeconfigYaml: api.kubeconfigYaml }) },
  { name: 'client-node 1.x', make: async (api) => createKubeClientWith(await import('@kubernetes/client-node'), { kubeconfigYaml: api.kubeconfigYaml }) },
]

describe.each(clients)('a Secret answer that is not JSON, over $name', ({ make }) => {
  let fake: FakeApi | undefined
  afterEach(async () => {
    await fake?.stop()
    fake = undefined
  })

  it.each(answers.map((answer, i) => ({ i: String(i), answer })))('is APPLY_API_ERROR naming the Secret, with no text of the answer (answer $i)', async ({ answer }) => {
    fake = await startFakeApi((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(answer)
    })
    const client = await make(fake)
    for (const [call, subject] of [
      [() => client.get(target), 'Secret/default/creds: get failed'],
      [() => client.apply(secret, { fieldManager }), 'Secret/default/creds: apply failed'],
    ] as const) {
      const err = await call().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ApplyError)
      expect(err).toMatchObject({ code: 'APPLY_API_ERROR', message: `${subject}: the server answered something that is not JSON` })
      const all = everything(err)
      // Not even the start of either form of the value (a SyntaxError quotes about ten characters).
      expect(all).not.toContain(TOKEN.slice(0, 8))
      expect(all).not.toContain(ENCODED.slice(0, 8))
    }
  })
})
