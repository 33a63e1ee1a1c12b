// Bad input to applyAll: each case fails with a typed error whose message starts with the object
// it is about, writes nothing (not even the valid objects of the same call) and leaves the stored
// inventory as it was.
import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, ApplyError, loadInventory, saveInventory } from '../../src/index.js'
import type { ApplyErrorCode } from '../../src/index.js'
import { configMap, deployment, useCluster } from '../helpers/cluster.js'

const env = useCluster()
const fieldManager = 'gitops-faults'

interface Case {
  readonly name: string
  readonly code: ApplyErrorCode
  /** The bad object (its subject is `subject`), applied together with a valid ConfigMap `ok`. */
  readonly bad: (ns: string) => KubeObject
  readonly subject: (ns: string) => string
  readonly options?: { readonly targetNamespace?: (ns: string) => string }
}

const cases: readonly Case[] = [
  { name: 'an unknown kind', code: 'APPLY_UNKNOWN_KIND', bad: (ns) => ({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: ns } }), subject: (ns) => `Gadget/${ns}/g` },
  { name: 'an unknown version of a known group', code: 'APPLY_UNKNOWN_KIND', bad: (ns) => ({ ...deployment(ns, 'web'), apiVersion: 'apps/v9' }), subject: (ns) => `Deployment/${ns}/web` },
  { name: 'the same object twice', code: 'APPLY_DUPLICATE_OBJECT', bad: (ns) => configMap(ns, 'ok'), subject: (ns) => `ConfigMap/${ns}/ok` },
  {
    name: 'a cluster-scoped object with a target namespace',
    code: 'APPLY_CLUSTER_SCOPED_FORBIDDEN',
    bad: () => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'escape' } }),
    subject: () => 'Namespace/escape',
    options: { targetNamespace: (ns) => ns },
  },
  { name: 'a Deployment whose selector does not match its labels', code: 'APPLY_INVALID', bad: (ns) => ({ ...deployment(ns, 'web'), spec: { ...(deployment(ns, 'web').spec as object), selector: { matchLabels: { app: 'other' } } } }), subject: (ns) => `Deployment/${ns}/web` },
  { name: 'a container without an image', code: 'APPLY_INVALID', bad: (ns) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns }, spec: { containers: [{ name: 'c' }] } }), subject: (ns) => `Pod/${ns}/p` },
  { name: 'an invalid label value', code: 'APPLY_INVALID', bad: (ns) => ({ ...configMap(ns, 'labelled'), metadata: { name: 'labelled', namespace: ns, labels: { app: 'no spaces allowed' } } }), subject: (ns) => `ConfigMap/${ns}/labelled` },
  { name: 'an invalid name', code: 'APPLY_INVALID', bad: (ns) => configMap(ns, 'Not_A_Name'), subject: (ns) => `ConfigMap/${ns}/Not_A_Name` },
  { name: 'a Secret stringData value that is a number', code: 'APPLY_INVALID', bad: (ns) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: ns }, stringData: { pin: 1234 } }), subject: (ns) => `Secret/${ns}/s` },
  { name: 'an object in a namespace that does not exist', code: 'APPLY_NOT_FOUND', bad: () => configMap('no-such-namespace-x1', 'lost'), subject: () => 'ConfigMap/no-such-namespace-x1/lost' },
]

describe('applyAll with bad input', () => {
  it.each(cases)('refuses $name with $code naming the object; nothing written, inventory unchanged', async ({ code, bad, subject, options }) => {
    const ns = await env.cluster.namespace('bad')
    const inventory = { name: 'app', namespace: ns }
    const first = await applyAll([configMap(ns, 'kept')], { client: env.cluster.client, fieldManager, inventory })
    await saveInventory(first.inventory, { client: env.cluster.client, ref: inventory, fieldManager })
    const before = JSON.stringify(await loadInventory(inventory, { client: env.cluster.client }))
    const err = await applyAll([configMap(ns, 'ok'), bad(ns)], { client: env.cluster.client, fieldManager, inventory, targetNamespace: options?.targetNamespace?.(ns) }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    const failure = (err as ApplyError).failures.find((f) => f.code === code)
    expect(failure?.message.startsWith(`${subject(ns)}: `)).toBe(true)
    expect((err as ApplyError).code).toBe(code)
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'ok' })).toBeUndefined()
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'kept' })).toBeDefined()
    expect(JSON.stringify(await loadInventory(inventory, { client: env.cluster.client }))).toBe(before)
  })
})
