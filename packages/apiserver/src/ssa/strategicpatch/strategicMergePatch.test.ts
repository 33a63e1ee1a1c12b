import type { KubeMap } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { SsaError } from '../fieldmanager/errors.js'
import { strategicMergePatch } from './strategicMergePatch.js'
import { builtinTypeSchema, crdTypeSchema } from '../fieldmanager/typeSchema.js'

const pod = builtinTypeSchema('v1', 'Pod')!
const deploymentSchema = builtinTypeSchema('apps/v1', 'Deployment')!

const podWith = (spec: KubeMap, metadata: KubeMap = {}): KubeMap => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...metadata }, spec })
const containers = (patched: KubeMap): unknown => (patched.spec as KubeMap).containers

function patchError(run: () => unknown): SsaError {
  try {
    run()
  } catch (error) {
    if (error instanceof SsaError) return error
    throw error
  }
  throw new Error('expected an SsaError')
}

describe('strategicMergePatch', () => {
  const live = podWith({
    containers: [
      { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
      { name: 'b', image: 'b:1' },
    ],
  })

  it('merges list items by their merge key and the fields inside them', () => {
    const patched = strategicMergePatch(live, { spec: { containers: [{ name: 'b', image: 'b:2' }] } }, pod)
    expect(containers(patched)).toEqual([
      { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
      { name: 'b', image: 'b:2' },
    ])
  })

  it('puts new items before the live items when no order is given, as apimachinery does', () => {
    const patched = strategicMergePatch(live, { spec: { containers: [{ name: 'c', image: 'c:1' }] } }, pod)
    expect((containers(patched) as KubeMap[]).map((c) => c.name)).toEqual(['c', 'a', 'b'])
  })

  it('orders by $setElementOrder, then keeps server-only items at their live positions', () => {
    const patched = strategicMergePatch(
      live,
      { spec: { containers: [{ name: 'c', image: 'c:1' }], '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }] } },
      pod,
    )
    expect((containers(patched) as KubeMap[]).map((c) => c.name)).toEqual(['a', 'c', 'b'])
  })

  it('deletes an item with $patch: delete and replaces a whole list with $patch: replace', () => {
    expect(containers(strategicMergePatch(live, { spec: { containers: [{ name: 'a', $patch: 'delete' }] } }, pod))).toEqual([{ name: 'b', image: 'b:1' }])
    expect(containers(strategicMergePatch(live, { spec: { containers: [{ $patch: 'replace' }, { name: 'z', image: 'z' }] } }, pod))).toEqual([
      { name: 'z', image: 'z' },
    ])
  })

  it('replaces or empties a map with $patch on the map', () => {
    const withLabels = podWith({}, { labels: { a: '1', b: '2' } })
    expect(strategicMergePatch(withLabels, { metadata: { labels: { c: '3', $patch: 'replace' } } }, pod).metadata).toEqual({ name: 'p', labels: { c: '3' } })
    expect(strategicMergePatch(withLabels, { metadata: { labels: { $patch: 'delete' } } }, pod).metadata).toEqual({ name: 'p', labels: {} })
  })

  it('deletes keys set to null, and drops nulls inside new content', () => {
    const withLabels = podWith({}, { labels: { a: '1', b: '2' } })
    expect(strategicMergePatch(withLabels, { metadata: { labels: { a: null } } }, pod).metadata).toEqual({ name: 'p', labels: { b: '2' } })
    expect(strategicMergePatch(podWith({}), { metadata: { annotations: { x: 'y', z: null } } }, pod).metadata).toEqual({ name: 'p', annotations: { x: 'y' } })
  })

  it('merges sets of scalars and removes items with $deleteFromPrimitiveList', () => {
    const withFinalizers = podWith({}, { finalizers: ['a', 'b'] })
    expect(strategicMergePatch(withFinalizers, { metadata: { finalizers: ['c', 'a'] } }, pod).metadata).toEqual({ name: 'p', finalizers: ['c', 'a', 'b'] })
    expect(strategicMergePatch(withFinalizers, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, pod).metadata).toEqual({ name: 'p', finalizers: ['b'] })
  })

  it('replaces lists without a merge strategy', () => {
    const withArgs = podWith({ containers: [{ name: 'a', args: ['1', '2'] }] })
    expect(containers(strategicMergePatch(withArgs, { spec: { containers: [{ name: 'a', args: ['3'] }] } }, pod))).toEqual([{ name: 'a', args: ['3'] }])
  })

  it('merges container ports on containerPort alone (SMP differs from SSA here)', () => {
    const withPorts = podWith({ containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }] }] })
    const patched = strategicMergePatch(withPorts, { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'UDP' }] }] } }, pod)
    expect(containers(patched)).toEqual([{ name: 'a', ports: [{ containerPort: 80, protocol: 'UDP' }] }])
  })

  it('clears the keys $retainKeys does not list (Deployment strategy)', () => {
    const live = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } }
    const patched = strategicMergePatch(live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deploymentSchema)
    expect(patched).toEqual({ spec: { strategy: { type: 'Recreate' } } })
  })

  it('replaces a PodDisruptionBudget selector (patch strategy replace)', () => {
    const pdb = builtinTypeSchema('policy/v1', 'PodDisruptionBudget')!
    const live = { spec: { selector: { matchLabels: { a: '1' } } } }
    expect(strategicMergePatch(live, { spec: { selector: { matchLabels: { b: '2' } } } }, pdb)).toEqual({ spec: { selector: { matchLabels: { b: '2' } } } })
  })

  it('empties the whole object with a top-level $patch: delete, and does not modify its inputs', () => {
    const patch = { spec: { containers: [{ name: 'b', image: 'b:9' }] } }
    const before = structuredClone(live)
    strategicMergePatch(live, patch, pod)
    expect(live).toEqual(before)
    expect(strategicMergePatch(live, { $patch: 'delete' }, pod)).toEqual({})
  })

  it('answers 400 for malformed directives', () => {
    const bad = patchError(() => strategicMergePatch(podWith({}, { labels: { a: '1' } }), { metadata: { labels: { b: '2' }, $retainKeys: ['a'] } }, pod))
    expect(bad.status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'invalid patch format of retainKeys', reason: 'BadRequest', code: 400 })
    expect(bad.code).toBe('APISERVER_BAD_PATCH')
    expect(patchError(() => strategicMergePatch(live, { metadata: { $deleteFromPrimitiveList: ['a'] } }, pod)).status).toMatchObject({
      code: 400,
      message: 'invalid patch format of primitive list',
    })
  })

  it('answers 422 for lists of lists and 500 for other merge failures', () => {
    const withArgs = podWith({ containers: [{ name: 'a', command: ['x'] }] })
    const setSchema = builtinTypeSchema('v1', 'Pod')!
    expect(patchError(() => strategicMergePatch(podWith({}, { finalizers: [['a']] }), { metadata: { finalizers: [['b']] } }, setSchema)).status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    })
    expect(patchError(() => strategicMergePatch(withArgs, { spec: { containers: [{ name: 'a', $patch: 'merge' }] } }, pod)).status).toMatchObject({
      code: 500,
      message: 'merging lists cannot yet be specified in the patch',
    })
    // A 500 of the engine has no reason, so the body leaves the key out as kube-apiserver does.
    expect(patchError(() => strategicMergePatch(withArgs, { spec: { containers: [{ name: 'a', $patch: 'merge' }] } }, pod)).status).not.toHaveProperty('reason')
    expect(patchError(() => strategicMergePatch(live, { spec: { containers: [{ image: 'x' }] } }, pod)).status.message).toBe(
      'map: map[image:x] does not contain declared merge key: name',
    )
    expect(strategicMergePatch(live, { spec: { unknownThing: { a: 1 } } }, pod).spec).toMatchObject({ unknownThing: { a: 1 } })
  })

  it('reports a field unknown to a struct the way the Go lookup does', () => {
    const withExtra = podWith({ mystery: { a: 1 } })
    expect(patchError(() => strategicMergePatch(withExtra, { spec: { mystery: { b: 2 } } }, pod)).status).toMatchObject({
      code: 500,
      message: 'unable to find api field in struct PodSpec for the json field "mystery"',
    })
  })

  it('refuses custom resources (no strategic merge without Go types)', () => {
    expect(patchError(() => strategicMergePatch({}, {}, crdTypeSchema({ type: 'object' }))).status).toMatchObject({
      code: 400,
      message: 'strategic merge patch format is not supported',
    })
  })
})
