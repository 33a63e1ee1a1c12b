// `force` re-creates an object whose immutable field changed. When the replacement is invalid for
// another reason (masked by the immutable-field error), deleting first would lose the object:
// the replacement is validated with a dry-run create before anything is deleted.
import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, ApplyError } from '../../src/index.js'
import { deployment, useCluster } from '../helpers/cluster.js'

const env = useCluster()
const fieldManager = 'gitops-faults'

function job(ns: string, command: string, image: string | undefined): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: ns },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', ...(image === undefined ? {} : { image }), command: [command] }] } } },
  }
}

describe('applyAll with force, when the replacement is invalid', () => {
  it.each([
    {
      name: 'a Job whose new template also lacks an image',
      ref: { group: 'batch', kind: 'Job', name: 'migrate' },
      before: (ns: string) => job(ns, 'up', 'busybox:1.36'),
      after: (ns: string) => job(ns, 'down', undefined),
      field: 'spec.template',
    },
    {
      name: 'a Deployment whose new selector no longer matches its template',
      ref: { group: 'apps', kind: 'Deployment', name: 'web' },
      before: (ns: string) => deployment(ns, 'web'),
      after: (ns: string): KubeObject => {
        const d = deployment(ns, 'web', { labels: { app: 'web2' } })
        return { ...d, spec: { ...(d.spec as object), template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } }
      },
      field: 'spec.selector',
    },
  ])('refuses $name with APPLY_RECREATE_INVALID and keeps the live object', async ({ ref, before, after, field }) => {
    const ns = await env.cluster.namespace('recreate')
    const inventory = { name: 'app', namespace: ns }
    await applyAll([before(ns)], { client: env.cluster.client, fieldManager, inventory })
    const target = { ...ref, namespace: ns }
    const live = await env.cluster.client.get(target)
    const err = await applyAll([after(ns)], { client: env.cluster.client, fieldManager, inventory, force: true }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    expect(err).toMatchObject({ code: 'APPLY_RECREATE_INVALID' })
    const message = (err as ApplyError).message
    expect(message).toMatch(new RegExp(`^${ref.kind}/${ns}/${ref.name}: not re-created: immutable field ${field.replace('.', '\\.')} changed, and the server would refuse the replacement \\(.+\\); the live object was left in place$`))
    expect((err as ApplyError).changeSet?.entries).toEqual([{ ref: target, action: 'failed', reason: message.slice(`${ref.kind}/${ns}/${ref.name}: `.length) }])
    const after_ = await env.cluster.client.get(target)
    expect(after_?.metadata.uid).toBe(live?.metadata.uid)
    expect(after_?.metadata.resourceVersion).toBe(live?.metadata.resourceVersion)
    // The probe left nothing behind under a generated name.
    const { items } = await env.cluster.client.list({ group: ref.group, kind: ref.kind, namespace: ns })
    expect(items.map((o) => o.metadata.name)).toEqual([ref.name])
  })

  it('still re-creates a valid replacement', async () => {
    const ns = await env.cluster.namespace('recreate-ok')
    await applyAll([job(ns, 'up', 'busybox:1.36')], { client: env.cluster.client, fieldManager })
    const uid = (await env.cluster.client.get({ group: 'batch', kind: 'Job', namespace: ns, name: 'migrate' }))?.metadata.uid
    const result = await applyAll([job(ns, 'down', 'busybox:1.36')], { client: env.cluster.client, fieldManager, force: true })
    expect(result.entries[0]).toMatchObject({ action: 'created', reason: 're-created: immutable field spec.template changed' })
    expect((await env.cluster.client.get({ group: 'batch', kind: 'Job', namespace: ns, name: 'migrate' }))?.metadata.uid).not.toBe(uid)
  })

  it('reports the invalid replacement in a dry run too, without deleting', async () => {
    const ns = await env.cluster.namespace('recreate-dry')
    await applyAll([job(ns, 'up', 'busybox:1.36')], { client: env.cluster.client, fieldManager })
    await expect(applyAll([job(ns, 'down', undefined)], { client: env.cluster.client, fieldManager, force: true, dryRun: true })).rejects.toMatchObject({ code: 'APPLY_RECREATE_INVALID' })
    expect(await env.cluster.client.get({ group: 'batch', kind: 'Job', namespace: ns, name: 'migrate' })).toBeDefined()
  })
})
