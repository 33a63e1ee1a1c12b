// API errors quote the value they refuse; about a Secret that is the plaintext. The embedded
// apiserver refuses a Secret whose data value is not a string and quotes the value in its message,
// as kube-apiserver's typed patch does; a small server on 127.0.0.1 quotes a string value the way
// field validation does. No channel of apply may carry either value.
import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, ApplyError, diff } from '../../src/index.js'
import type { ApplyProgress } from '../../src/index.js'
import { configMap, useCluster } from '../helpers/cluster.js'

const env = useCluster()
const fieldManager = 'gitops-faults'
const PIN = 987_654_321
const TOKEN = 'marker-Zq7Tk2-token'

function secret(ns: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: ns }, type: 'Opaque', data: { pin: PIN, token: Buffer.from(TOKEN).toString('base64') } }
}

/** Everything a caller could print, log, store or send about the error. */
function channels(err: unknown, progress: readonly ApplyProgress[]): string {
  const e = err as ApplyError
  return JSON.stringify([e.message, e.toJSON(), e.details, e.failures, e.changeSet, String(e.cause), progress])
}

describe('an API error about a Secret', () => {
  it('reaches no error, change set, failure or progress event with the Secret value', async () => {
    const ns = await env.cluster.namespace('leak')
    const progress: ApplyProgress[] = []
    const err = await applyAll([configMap(ns, 'plain'), secret(ns)], { client: env.cluster.client, fieldManager, inventory: { name: 'app', namespace: ns }, onProgress: (p) => progress.push(p) }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    expect(err).toMatchObject({ code: 'APPLY_API_ERROR', message: expect.stringMatching(new RegExp(`^Secret/${ns}/creds: dry-run apply failed`)) })
    const all = channels(err, progress)
    expect(all).toContain('***')
    expect(all).not.toContain(String(PIN))
    expect(all).not.toContain(TOKEN)
    expect(await env.cluster.client.get({ group: '', kind: 'Secret', namespace: ns, name: 'creds' })).toBeUndefined()
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'plain' })).toBeUndefined()
  })

  it('is masked in diff failures too', async () => {
    const ns = await env.cluster.namespace('leak-diff')
    const err = await diff([secret(ns)], { client: env.cluster.client, fieldManager }).catch((e: unknown) => e)
    const text = err instanceof Error ? channels(err, []) : JSON.stringify(err)
    expect(text).not.toContain(String(PIN))
    expect(text).not.toContain(TOKEN)
  })

  it('refuses a stringData value that is not a string with APPLY_INVALID naming the field, not the value', async () => {
    const ns = await env.cluster.namespace('leak-sd')
    const object: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: ns }, stringData: { token: TOKEN, pin: PIN } }
    const err = await applyAll([object], { client: env.cluster.client, fieldManager }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_INVALID', message: `Secret/${ns}/creds: stringData.pin: Invalid value: must be a string, not a number (quote it in YAML)` })
    expect(channels(err, [])).not.toContain(String(PIN))
    expect(await env.cluster.client.get({ group: '', kind: 'Secret', namespace: ns, name: 'creds' })).toBeUndefined()
  })

  it('keeps the values of other kinds in their errors (only Secrets are masked)', async () => {
    const ns = await env.cluster.namespace('leak-cm')
    const bad: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: ns }, data: { pin: PIN } }
    const err = await applyAll([bad], { client: env.cluster.client, fieldManager }).catch((e: unknown) => e)
    expect((err as Error).message).toContain(String(PIN))
  })
})
