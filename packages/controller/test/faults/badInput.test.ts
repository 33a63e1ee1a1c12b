// Bad input to the controller runtime: typed errors (or TypeErrors for programmer errors) that name
// their subject, before any request; no prototype reached through keys taken from objects.
import { describe, expect, it } from 'vitest'
import { createFakeClock } from '@gitops-sdk/core'
import { assertNoPollution, plantedProperty, pollutingKeys } from '../../../../testing/pollution.js'
import type { KubeClient } from '@gitops-sdk/apply'
import type { ControllerClient } from '../../src/controllerClient.js'
import { createJsonLogger } from '../../src/createJsonLogger.js'
import { createGitOpsController } from '../../src/gitops.js'
import { hashShardOwner } from '../../src/hashSharding.js'
import { loadInClusterConfig } from '../../src/loadInClusterConfig.js'
import { createObjectCache } from '../../src/objectCache.js'
import { exponentialRateLimiter, bucketRateLimiter } from '../../src/rateLimiter.js'
import { shardOf } from '../../src/sharding.js'
import { createWorkQueue } from '../../src/workQueue.js'

describe('loadInClusterConfig bad input', () => {
  const files = (found: Record<string, string>) => async (path: string): Promise<string> => {
    const name = path.split('/').at(-1) ?? ''
    if (Object.hasOwn(found, name)) return found[name]!
    throw Object.assign(new Error('no such file'), { code: 'ENOENT' })
  }

  it.each([
    { name: 'no KUBERNETES_SERVICE_HOST', env: { KUBERNETES_SERVICE_PORT: '443' }, files: { token: 't', 'ca.crt': 'ca' }, message: /^in-cluster configuration: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set/ },
    { name: 'a port that is not a number', env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '44a' }, files: { token: 't', 'ca.crt': 'ca' }, message: /^in-cluster configuration: KUBERNETES_SERVICE_PORT "44a" is not a port number/ },
    { name: 'no token file', env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, files: { 'ca.crt': 'ca' }, message: /^\/sa\/token: cannot read the service account token \(ENOENT\)/ },
    { name: 'no CA file', env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, files: { token: 't' }, message: /^\/sa\/ca.crt: cannot read the service account CA bundle/ },
    { name: 'an empty token', env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, files: { token: '  \n', 'ca.crt': 'ca' }, message: /^\/sa\/token: the service account token is empty/ },
  ])('refuses $name with CONTROLLER_CONFIG_INVALID', async ({ env, files: found, message }) => {
    await expect(
      loadInClusterConfig({ env, readFile: files(found), tokenFile: '/sa/token', caFile: '/sa/ca.crt', namespaceFile: '/sa/namespace' }),
    ).rejects.toMatchObject({ code: 'CONTROLLER_CONFIG_INVALID', message: expect.stringMatching(message) })
  })

  it('never puts the token into an error, even when its file turns unreadable later', async () => {
    let token: string | undefined = 'sa-token-secret'
    const clock = createFakeClock()
    const config = await loadInClusterConfig({
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
      readFile: async (path) => {
        if (path.endsWith('token')) {
          if (token === undefined) throw new Error('gone')
          return token
        }
        return 'ca'
      },
      clock,
    })
    token = undefined
    await clock.advance(120_000)
    // The last token stays in use until a new one can be read.
    expect(await config.token()).toBe('sa-token-secret')
  })
})

describe('caches, queues and logs with hostile keys', () => {
  it('indexes objects named and labelled with prototype keys as plain data', () => {
    const cache = createObjectCache({ byLabel: (o) => Object.values(o.metadata.labels ?? {}) })
    for (const key of pollutingKeys) {
      const labels = Object.create(null) as Record<string, string>
      labels[key] = key
      cache.upsert({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: key, namespace: key, labels } })
    }
    expect(cache.byIndex('byLabel', '__proto__').map((o) => o.metadata.name)).toEqual(['__proto__'])
    expect(cache.byIndex('namespace', 'constructor')).toHaveLength(1)
    expect(() => cache.byIndex('__proto__', 'x')).toThrow(TypeError)
    assertNoPollution()
  })

  it('queues keys named after prototype properties like any other', async () => {
    const queue = createWorkQueue({ rateLimiter: exponentialRateLimiter({ baseDelay: 1, jitter: 0 }) })
    for (const key of pollutingKeys) queue.add(key)
    expect(queue.length).toBe(3)
    expect(await queue.get()).toBe('__proto__')
    assertNoPollution()
  })

  it('writes log fields named __proto__ as data', () => {
    const lines: string[] = []
    const fields = JSON.parse(`{"__proto__":{"${plantedProperty}":"yes"},"constructor":{"prototype":{"${plantedProperty}":"yes"}}}`) as Record<string, unknown>
    createJsonLogger({ write: (l: string) => lines.push(l) }).info('m', fields)
    expect(lines[0]).toContain('"__proto__":{')
    assertNoPollution()
  })

  it('reads the shard label only as an own property', () => {
    const labels = Object.create({ 'sharding.fluxcd.io/key': 'inherited' }) as Record<string, string>
    expect(shardOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels } })).toBeUndefined()
  })

  it('refuses rate limiter settings that would never let a key through', () => {
    expect(() => exponentialRateLimiter({ baseDelay: 0 })).toThrow(TypeError)
    expect(() => exponentialRateLimiter({ baseDelay: 10, maxDelay: 5 })).toThrow(TypeError)
    expect(() => bucketRateLimiter({ qps: 0 })).toThrow(TypeError)
  })
})

describe('hash sharding bad input', () => {
  it('hashes keys and identities named after prototype properties as plain strings', () => {
    const members = ['replica-a', ...pollutingKeys]
    for (const key of pollutingKeys.flatMap((k) => [k, `${k}/${k}`])) expect(members).toContain(hashShardOwner(members, key))
    assertNoPollution()
  })

  it('refuses hash sharding together with leader election before any request, and a bad group naming it', () => {
    const requests: string[] = []
    const client = new Proxy({}, { get: (_t, name) => (typeof name === 'string' ? (...args: unknown[]) => requests.push(`${name} ${args.length}`) : undefined) }) as ControllerClient
    const kubeClient = {} as KubeClient
    expect(() => createGitOpsController({ client, kubeClient, hashSharding: { namespace: 'ns', identity: 'a', group: 'g' }, leaderElection: { namespace: 'ns', identity: 'a' } })).toThrow(TypeError)
    expect(() => createGitOpsController({ client, kubeClient, hashSharding: { namespace: 'ns', identity: 'a', group: 'Not A Label' } })).toThrow(
      expect.objectContaining({ code: 'CONTROLLER_CONFIG_INVALID', message: expect.stringContaining('"Not A Label"') }),
    )
    expect(requests).toEqual([])
  })
})
