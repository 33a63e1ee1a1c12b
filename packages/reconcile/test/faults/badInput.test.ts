// Bad input to the Flux semantics of @gitops-sdk/reconcile: a typed error naming its subject, no
// request that changes anything, no secret value in the error, no prototype touched.
import { describe, expect, it } from 'vitest'
import type { KubeClient } from '@gitops-sdk/apply'
import { memoryFs } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { assertNoPollution, pollutingKeys } from '../../../../testing/pollution.js'
import { decryptRendered, kustomizationReconcile, loadVariables } from '../../src/index.js'

/** A client that answers `get` from a map and records every call; anything else is a test failure. */
function fakeClient(objects: Record<string, KubeObject | Error>): { client: KubeClient; calls: string[] } {
  const calls: string[] = []
  const client = new Proxy({} as KubeClient, {
    get(_target, prop) {
      if (prop === 'namespace') return 'default'
      if (prop === 'then') return undefined
      return async (target: { kind: string; namespace: string; name: string }) => {
        calls.push(`${String(prop)} ${target.kind}/${target.namespace}/${target.name}`)
        if (prop !== 'get') throw new Error(`unexpected ${String(prop)}`)
        const found = objects[`${target.kind}/${target.namespace}/${target.name}`]
        if (found instanceof Error) throw found
        return found
      }
    },
  })
  return { client, calls }
}

const configMap = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vars', namespace: 'flux' }, data })

async function failure(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work
  } catch (err) {
    return err as { code?: string; message: string }
  }
  throw new Error('expected a rejection')
}

describe('loadVariables on bad input', () => {
  it.each([
    ['a missing ConfigMap that is not optional', [{ kind: 'ConfigMap' as const, name: 'absent' }], {}, 'RECONCILE_SUBSTITUTE_FROM_NOT_FOUND', 'ConfigMap/flux/absent: '],
    ['a ConfigMap key that is no variable name', [{ kind: 'ConfigMap' as const, name: 'vars' }], { 'ConfigMap/flux/vars': configMap({ 'my-var': 'x' }) }, 'RECONCILE_VARIABLE_INVALID', 'ConfigMap/flux/vars: variable "my-var"'],
    ['a read the server refuses', [{ kind: 'Secret' as const, name: 'vars', optional: true }], { 'Secret/flux/vars': new Error('secrets "vars" is forbidden') }, 'RECONCILE_SUBSTITUTE_FROM_FAILED', 'Secret/flux/vars: '],
    ['a kind substituteFrom cannot read', [{ kind: 'Deployment' as unknown as 'ConfigMap', name: 'web' }], {}, 'RECONCILE_SUBSTITUTE_FROM_FAILED', 'Deployment/flux/web: '],
  ])('refuses %s', async (_name, refs, objects, code, subject) => {
    const { client, calls } = fakeClient(objects)
    const err = await failure(loadVariables(refs, { client, namespace: 'flux' }))
    expect(err.code).toBe(code)
    expect(err.message.startsWith(subject)).toBe(true)
    expect(calls.every((c) => c.startsWith('get '))).toBe(true)
  })

  it('never puts a Secret value in an error', async () => {
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'flux' }, data: { 'bad-key': Buffer.from('hunter2').toString('base64') } }
    const { client } = fakeClient({ 'Secret/flux/s': secret })
    const err = await failure(loadVariables([{ kind: 'Secret', name: 's' }], { client, namespace: 'flux' }))
    expect(err.code).toBe('RECONCILE_VARIABLE_INVALID')
    expect(JSON.stringify({ message: err.message, details: (err as { details?: unknown }).details })).not.toContain('hunter2')
  })

  it.each(pollutingKeys.filter((k) => /^[_a-zA-Z]/u.test(k)))('keeps a %s key as a plain variable, touching no prototype', async (key) => {
    const data = JSON.parse(`{${JSON.stringify(key)}: "x", "ok": "y"}`) as Record<string, string>
    const { client } = fakeClient({ 'ConfigMap/flux/vars': configMap(data) })
    const variables = await loadVariables([{ kind: 'ConfigMap', name: 'vars' }], { client, namespace: 'flux' })
    expect(Object.getPrototypeOf(variables)).toBeNull()
    expect(Object.keys(variables).sort()).toEqual([key, 'ok'].sort())
    assertNoPollution()
  })
})

describe('decryptRendered on bad input', () => {
  it('refuses an object with sops metadata but no MAC, naming it', async () => {
    const object: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'apps' }, stringData: { a: 'ENC[AES256_GCM,data:xx,iv:yy,tag:zz,type:str]' }, sops: { version: '3.9.0' } }
    const err = await failure(decryptRendered([object], { fs: memoryFs({}), identities: [] }))
    expect(err.code).toMatch(/^SOPS_/u)
    expect(err.message.startsWith('Secret/apps/db: ')).toBe(true)
  })

  it('stops at an aborted signal with its reason', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    controller.abort(reason)
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }
    await expect(decryptRendered([object], { fs: memoryFs({}), signal: controller.signal })).rejects.toBe(reason)
  })
})

describe('kustomizationReconcile on fields it cannot honour', () => {
  const base = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1' as const,
    kind: 'Kustomization' as const,
    metadata: { name: 'apps', namespace: 'flux' },
    spec: { interval: '5m', prune: true, sourceRef: { kind: 'GitRepository' as const, name: 'repo' } },
  }
  const resolveSource = async (): Promise<{ url: string }> => ({ url: 'http://127.0.0.1:1/repo.git' })
  it.each([
    ['a service account without a client factory', { serviceAccountName: 'deployer' }, 'spec.serviceAccountName'],
    ['a remote cluster without a client factory', { kubeConfig: { secretRef: { name: 'remote' } } }, 'spec.kubeConfig'],
    ['a decryption provider other than sops', { decryption: { provider: 'vault' } }, 'spec.decryption.provider'],
    ['KMS through a service account', { decryption: { provider: 'sops', serviceAccountName: 'kms' } }, 'spec.decryption.serviceAccountName'],
    ['CEL health expressions', { healthCheckExprs: [{ apiVersion: 'x/v1', current: 'true' }] }, 'spec.healthCheckExprs'],
    ['an OCIRepository source', { sourceRef: { kind: 'OCIRepository', name: 'oci' } }, 'spec.sourceRef.kind'],
    ['drift ignore rules', { ignore: [{ paths: ['/spec/replicas'] }] }, 'spec.ignore'],
  ])('refuses %s, naming the field', async (_name, extra, field) => {
    const { client, calls } = fakeClient({})
    const k = { ...base, spec: { ...base.spec, ...extra } } as unknown as Parameters<typeof kustomizationReconcile>[0]
    const err = await failure(kustomizationReconcile(k, { client, resolveSource }))
    expect(err.code).toBe('RECONCILE_KUSTOMIZATION_UNSUPPORTED')
    expect(err.message.startsWith(`Kustomization/flux/apps: ${field}: `)).toBe(true)
    expect(calls).toEqual([])
  })

  it('refuses a source the resolver does not know, naming it', async () => {
    const { client } = fakeClient({})
    const err = await failure(kustomizationReconcile(base, { client, resolveSource: async () => undefined }))
    expect(err.code).toBe('RECONCILE_SOURCE_NOT_FOUND')
    expect(err.message.startsWith('GitRepository/flux/repo: ')).toBe(true)
  })

  it.each([
    ['a missing decryption Secret', undefined, 'RECONCILE_DECRYPTION_SECRET_INVALID'],
    ['a decryption Secret without age keys', { 'other.txt': 'eA==' }, 'RECONCILE_DECRYPTION_SECRET_INVALID'],
    ['an age key that does not parse', { 'bad.agekey': Buffer.from('AGE-SECRET-KEY-1NOTAKEYhunter2').toString('base64') }, 'RECONCILE_DECRYPTION_SECRET_INVALID'],
    ['a PGP key', { 'key.asc': 'eA==' }, 'RECONCILE_KUSTOMIZATION_UNSUPPORTED'],
  ])('refuses %s without showing key material', async (_name, data, code) => {
    const secret: KubeObject | undefined = data === undefined ? undefined : { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops', namespace: 'flux' }, data }
    const { client } = fakeClient(secret === undefined ? {} : { 'Secret/flux/sops': secret })
    const k = { ...base, spec: { ...base.spec, decryption: { provider: 'sops' as const, secretRef: { name: 'sops' } } } }
    const err = await failure(kustomizationReconcile(k, { client, resolveSource }))
    expect(err.code).toBe(code)
    expect(err.message).toMatch(/^(Secret\/flux\/sops|Kustomization\/flux\/apps): /u)
    expect(JSON.stringify({ message: err.message, details: (err as { details?: unknown }).details, cause: String((err as { cause?: unknown }).cause) })).not.toContain('hunter2')
  })
})
