import { describe, expect, it } from 'vitest'
import { createFakeClock } from '@gitops-sdk/core'
import type { FakeClock, KubeObject } from '@gitops-sdk/core'
import type { ControllerClient } from './controllerClient.js'
import { ControllerError } from './errors.js'
import { createHashSharding } from './hashSharding.js'
import type { HashSharding } from './hashSharding.js'
import { rendezvousOwner } from './internal/rendezvous.js'

/** Leases in memory, with resourceVersions and conflicts as the apiserver has them; `down` fails every request of one client. */
function memoryLeases(): { client(down: () => boolean): ControllerClient; names(): string[] } {
  const store = new Map<string, KubeObject>()
  let rv = 0
  const conflict = (name: string): ControllerError => new ControllerError({ code: 'CONTROLLER_CONFLICT', message: `Lease/default/${name}: conflict` })
  const copy = (o: KubeObject): KubeObject => structuredClone(o)
  return {
    names: () => [...store.keys()].sort(),
    client(down) {
      const guard = async (): Promise<void> => {
        await Promise.resolve()
        if (down()) throw new ControllerError({ code: 'CONTROLLER_UNREACHABLE', message: 'https://127.0.0.1: unreachable' })
      }
      const unsupported = (): never => {
        throw new Error('not used')
      }
      return {
        server: 'memory',
        namespace: 'default',
        get: async (_r, key) => {
          await guard()
          const found = store.get(key.name)
          return found === undefined ? undefined : copy(found)
        },
        create: async (_r, object) => {
          await guard()
          if (store.has(object.metadata.name)) throw new ControllerError({ code: 'CONTROLLER_ALREADY_EXISTS', message: 'exists' })
          const stored = { ...copy(object), metadata: { ...object.metadata, resourceVersion: String(++rv) } }
          store.set(object.metadata.name, stored)
          return copy(stored)
        },
        update: async (_r, object) => {
          await guard()
          const found = store.get(object.metadata.name)
          if (found === undefined || found.metadata.resourceVersion !== object.metadata.resourceVersion) throw conflict(object.metadata.name)
          const stored = { ...copy(object), metadata: { ...object.metadata, resourceVersion: String(++rv) } }
          store.set(object.metadata.name, stored)
          return copy(stored)
        },
        list: async (_r, options) => {
          await guard()
          const [label, value] = (options?.labelSelector ?? '').split('=')
          return { items: [...store.values()].filter((o) => label === '' || o.metadata.labels?.[label ?? ''] === value).map(copy), resourceVersion: String(rv) }
        },
        delete: async (_r, key, options) => {
          await guard()
          const found = store.get(key.name)
          if (found === undefined) return false
          const want = options?.preconditions?.resourceVersion
          if (want !== undefined && want !== found.metadata.resourceVersion) throw conflict(key.name)
          store.delete(key.name)
          return true
        },
        patch: unsupported,
        watch: unsupported,
        close: () => undefined,
      }
    },
  }
}

const TIMINGS = { leaseDuration: 4_000, renewDeadline: 3_000, retryPeriod: 1_000 }
const KEYS = Array.from({ length: 40 }, (_, i) => `ns-${i % 3}/app-${i}`)

interface Member {
  readonly sharding: HashSharding
  readonly stop: AbortController
  readonly done: Promise<void>
  down: boolean
}

function member(leases: ReturnType<typeof memoryLeases>, clock: FakeClock, identity: string): Member {
  const m = { down: false } as { down: boolean }
  const sharding = createHashSharding({ client: leases.client(() => m.down), namespace: 'default', group: 'gitops', identity, clock, random: () => 0, ...TIMINGS })
  const stop = new AbortController()
  return Object.assign(m, { sharding, stop, done: sharding.run(stop.signal) })
}

/** Advances the clock in 250 ms steps; after each, no key is owned by two members. */
async function advance(clock: FakeClock, members: readonly Member[], ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 250) {
    await flush()
    await clock.advance(250)
    await flush()
    for (const key of KEYS) expect(members.filter((m) => m.sharding.owns(key)).length, key).toBeLessThanOrEqual(1)
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
}

const owned = (m: Member): string[] => KEYS.filter((k) => m.sharding.owns(k))

describe('createHashSharding', () => {
  it('owns nothing until the join delay passed, then splits the keys with a joining member without overlap', async () => {
    const clock = createFakeClock()
    const leases = memoryLeases()
    const a = member(leases, clock, 'a')
    await advance(clock, [a], 1_000)
    expect(a.sharding.view().members).toEqual(['a'])
    expect(owned(a)).toEqual([])
    await advance(clock, [a], 4_000)
    expect(owned(a)).toEqual(KEYS)
    const b = member(leases, clock, 'b')
    const changes: string[] = []
    a.sharding.onChange((previous, next) => {
      changes.push(`${previous.members.join(',')} -> ${next.members.join(',')}`)
    })
    await advance(clock, [a, b], 2_000)
    // a has seen b and released b's keys; b waits out its join delay.
    expect(a.sharding.view().members).toEqual(['a', 'b'])
    expect(changes).toEqual(['a -> a,b'])
    expect(owned(b)).toEqual([])
    await advance(clock, [a, b], 3_000)
    const expected = KEYS.filter((k) => rendezvousOwner(['a', 'b'], k) === 'b')
    expect(expected.length).toBeGreaterThan(5)
    expect(owned(b)).toEqual(expected)
    expect(owned(a)).toEqual(KEYS.filter((k) => !expected.includes(k)))
    expect(leases.names()).toEqual([a.sharding.leaseName, b.sharding.leaseName].sort())
    a.stop.abort()
    b.stop.abort()
    await Promise.all([a.done, b.done])
    expect(leases.names()).toEqual([])
  })

  it('a member that stops renewing gives up its keys at its renew deadline; the other takes them once the Lease lapsed, never both at once', async () => {
    const clock = createFakeClock()
    const leases = memoryLeases()
    const a = member(leases, clock, 'a')
    const b = member(leases, clock, 'b')
    await advance(clock, [a, b], 5_000)
    const ofB = owned(b)
    expect(ofB.length).toBeGreaterThan(5)
    b.down = true
    const downAt = clock.now().getTime()
    let gaveUp: number | undefined
    let took: number | undefined
    for (let t = 0; t < 8_000; t += 250) {
      await advance(clock, [a, b], 250)
      if (gaveUp === undefined && owned(b).length === 0) gaveUp = clock.now().getTime() - downAt
      if (took === undefined && owned(a).length === KEYS.length) took = clock.now().getTime() - downAt
    }
    // Renew deadline 3 s, lease 4 s (TIMINGS): b stops first, a takes over after.
    expect(gaveUp).toBeDefined()
    expect(took).toBeDefined()
    expect(gaveUp!).toBeLessThanOrEqual(3_250)
    expect(took!).toBeGreaterThanOrEqual(4_000)
    // The lapsed Lease was deleted by a; b comes back as a new member and waits out its join delay.
    expect(leases.names()).toEqual([a.sharding.leaseName])
    b.down = false
    await advance(clock, [a, b], 1_500)
    expect(owned(b)).toEqual([])
    expect(a.sharding.view().members).toEqual(['a', 'b'])
    await advance(clock, [a, b], 4_000)
    expect(owned(b)).toEqual(ofB)
    a.stop.abort()
    b.stop.abort()
    await Promise.all([a.done, b.done])
  })

  it('a graceful stop waits for the handlers, deletes the Lease, and the other takes the keys at its next round', async () => {
    const clock = createFakeClock()
    const leases = memoryLeases()
    const a = member(leases, clock, 'a')
    const b = member(leases, clock, 'b')
    await advance(clock, [a, b], 5_000)
    let released = false
    b.sharding.onChange(async (_previous, next) => {
      if (next.members.length === 0) {
        await clock.sleep(1)
        released = true
      }
    })
    b.stop.abort()
    await flush()
    expect(leases.names()).toEqual([a.sharding.leaseName, b.sharding.leaseName].sort())
    await clock.advance(1)
    await b.done
    expect(released).toBe(true)
    expect(leases.names()).toEqual([a.sharding.leaseName])
    await advance(clock, [a, b], 1_500)
    expect(owned(a)).toEqual(KEYS)
    a.stop.abort()
    await a.done
  })

  it('refuses a bad group and bad durations', () => {
    const client = memoryLeases().client(() => false)
    for (const group of ['', 'UPPER', 'a_b', '__proto__', 'x'.repeat(53), '-a']) {
      expect(() => createHashSharding({ client, namespace: 'default', group, identity: 'a' })).toThrow(expect.objectContaining({ code: 'CONTROLLER_CONFIG_INVALID', message: expect.stringContaining('hash shard group') }))
    }
    expect(() => createHashSharding({ client, namespace: 'default', group: 'g', identity: '' })).toThrow(TypeError)
    expect(() => createHashSharding({ client, namespace: 'default', group: 'g', identity: 'a', leaseDuration: 3_000, renewDeadline: 3_000 })).toThrow(TypeError)
    expect(() => createHashSharding({ client, namespace: 'default', group: 'g', identity: 'a', leaseDuration: 4_500 })).toThrow(TypeError)
  })

  it('moves only the keys of a member that joins or leaves (rendezvous hashing)', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `ns/k${i}`)
    const before = keys.map((k) => rendezvousOwner(['a', 'b', 'c'], k))
    const after = keys.map((k) => rendezvousOwner(['a', 'b', 'c', 'd'], k))
    keys.forEach((_, i) => {
      if (after[i] !== 'd') expect(after[i]).toBe(before[i])
    })
    const counts = ['a', 'b', 'c', 'd'].map((m) => after.filter((o) => o === m).length)
    for (const count of counts) expect(count).toBeGreaterThan(80)
    expect(rendezvousOwner([], 'x')).toBeUndefined()
  })
})
