import { describe, expect, it } from 'vitest'
import { createChangeSet, createFakeClock, getCondition, memoryFs, parseObjects, readTextFile, refKey, refOf } from '@gitops-sdk/core'
import type { ChangeSet, Inventory, KubeObject, ObjectRef } from '@gitops-sdk/core'
import { ApplyError } from '@gitops-sdk/apply'
import { reconcile, reconcileFailure, ReconcileStepError } from './index.js'
import type { ReconcileEvent, ReconcileSteps } from './index.js'

const cm = (name: string, value = '1') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: app\ndata:\n  v: "${value}"\n`

/** A fake cluster and source behind the step functions: the seam reconcile is built on. */
function world(files: Record<string, string>) {
  let revision = 'main@sha1:1111111111111111111111111111111111111111'
  let fs = memoryFs(files)
  const cluster = new Map<string, { object: KubeObject; rv: number }>()
  let rv = 0
  const calls: string[] = []
  let failApplyOf: string | undefined
  let failRender = false
  const steps: ReconcileSteps = {
    fetch: async ({ lastRevision }) => {
      calls.push('fetch')
      return lastRevision === revision ? { unchanged: true, revision } : { revision, fs }
    },
    render: async (source, { path }) => {
      calls.push('render')
      if (failRender) throw new Error('kustomization.yaml: resources: bad')
      const names = (await source.readdir(path)).map((e) => e.name).sort()
      const texts = await Promise.all(names.map((n) => readTextFile(source, `${path}/${n}`)))
      return texts.flatMap((t, i) => parseObjects(t, { source: names[i] }))
    },
    apply: async (objects) => {
      calls.push(`apply:${objects.length}`)
      const entries: ChangeSet['entries'][number][] = []
      for (const object of objects) {
        const ref = refOf(object)
        if (ref.name === failApplyOf) {
          throw new ReconcileStepError({
            message: `ConfigMap/app/${ref.name}: admission denied`,
            changeSet: createChangeSet([...entries, { ref, action: 'failed', reason: 'admission denied' }]),
          })
        }
        const live = cluster.get(refKey(ref))
        const same = live !== undefined && JSON.stringify(live.object) === JSON.stringify(object)
        if (!same) cluster.set(refKey(ref), { object, rv: ++rv })
        entries.push({
          ref,
          action: live === undefined ? 'created' : same ? 'unchanged' : 'configured',
          resourceVersion: String(cluster.get(refKey(ref))?.rv),
        })
      }
      return createChangeSet(entries)
    },
    prune: async (previous: Inventory, next: Inventory) => {
      calls.push('prune')
      const keep = new Set(next.entries.map(refKey))
      const gone = previous.entries.filter((e) => !keep.has(refKey(e)))
      for (const e of gone) cluster.delete(refKey(e))
      return createChangeSet(gone.map((ref) => ({ ref, action: 'deleted' as const })))
    },
    checkDrift: async (state) => {
      calls.push('drift')
      const drifted: ObjectRef[] = []
      for (const o of state.objects) {
        const key = refKey(refOf(o))
        const live = cluster.get(key)
        if (live === undefined || String(live.rv) !== state.resourceVersions.get(key)) drifted.push(refOf(o))
      }
      return drifted
    },
  }
  return {
    steps,
    cluster,
    calls,
    commit(next: Record<string, string>, sha: string) {
      fs = memoryFs(next)
      revision = `main@sha1:${sha.repeat(40).slice(0, 40)}`
    },
    edit(name: string) {
      const live = cluster.get(`|ConfigMap|app|${name}`)
      if (live !== undefined) cluster.set(`|ConfigMap|app|${name}`, { object: { ...live.object, data: { v: 'edited' } }, rv: ++rv })
    },
    failApply(name: string | undefined) {
      failApplyOf = name
    },
    failRender(on: boolean) {
      failRender = on
    },
  }
}

const spec = { name: 'prod', path: 'app', prune: true }

describe('reconcile', () => {
  it('applies a fresh source and reports Ready with the revision', async () => {
    const w = world({ 'app/a.yaml': cm('a'), 'app/b.yaml': cm('b') })
    const events: ReconcileEvent['type'][] = []
    const { status } = await reconcile(spec, w.steps, { onEvent: (e) => events.push(e.type), clock: createFakeClock() })
    expect(getCondition(status.conditions, 'Ready')).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded' })
    expect(status.lastAppliedRevision).toMatch(/^main@sha1:1{40}$/)
    expect(status.changeSet.entries.map((e) => e.action)).toEqual(['created', 'created'])
    expect(status.inventory?.entries).toHaveLength(2)
    expect(status.buildDigest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(events[0]).toBe('phase-started')
    expect(events.at(-1)).toBe('finished')
  })

  it('takes the no-change path without rendering or applying when nothing drifted', async () => {
    const w = world({ 'app/a.yaml': cm('a') })
    const first = await reconcile(spec, w.steps)
    w.calls.length = 0
    const second = await reconcile(spec, w.steps, { previous: first.state })
    expect(w.calls).toEqual(['fetch', 'drift'])
    expect(second.status.changeSet.entries).toEqual([])
    expect(getCondition(second.status.conditions, 'Ready')?.status).toBe('True')
    expect(second.status.buildDigest).toBe(first.status.buildDigest)
  })

  it('re-applies only the objects that drifted when the source is unchanged', async () => {
    const w = world({ 'app/a.yaml': cm('a'), 'app/b.yaml': cm('b') })
    const first = await reconcile(spec, w.steps)
    w.edit('b')
    w.calls.length = 0
    const second = await reconcile(spec, w.steps, { previous: first.state })
    expect(w.calls).toEqual(['fetch', 'drift', 'apply:1'])
    expect(second.status.drifted.map((r) => r.name)).toEqual(['b'])
    expect(second.status.changeSet.entries).toMatchObject([{ ref: { name: 'b' }, action: 'configured' }])
    expect(w.cluster.get('|ConfigMap|app|b')?.object.data).toEqual({ v: '1' })
    // And the corrected object is no longer drift for the next run.
    w.calls.length = 0
    await reconcile(spec, w.steps, { previous: second.state })
    expect(w.calls).toEqual(['fetch', 'drift'])
  })

  it('prunes what a new revision removed', async () => {
    const w = world({ 'app/a.yaml': cm('a'), 'app/b.yaml': cm('b') })
    const first = await reconcile(spec, w.steps)
    w.commit({ 'app/a.yaml': cm('a', '2') }, '2')
    const { status } = await reconcile(spec, w.steps, { previous: first.state })
    expect(status.changeSet.entries.map((e) => `${e.ref.name}:${e.action}`)).toEqual(['a:configured', 'b:deleted'])
    expect([...w.cluster.keys()]).toEqual(['|ConfigMap|app|a'])
  })

  it('never prunes after a failed apply, and says what already happened', async () => {
    const w = world({ 'app/a.yaml': cm('a'), 'app/b.yaml': cm('b'), 'app/c.yaml': cm('c') })
    const first = await reconcile(spec, w.steps)
    w.commit({ 'app/a.yaml': cm('a', '2'), 'app/b.yaml': cm('b', '2') }, '3')
    w.failApply('b')
    const { status } = await reconcile(spec, w.steps, { previous: first.state })
    expect(getCondition(status.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'ReconciliationFailed' })
    expect(status.failure).toMatchObject({ phase: 'apply', message: 'ConfigMap/app/b: admission denied' })
    expect(status.changeSet.entries.map((e) => `${e.ref.name}:${e.action}`)).toEqual(['a:configured', 'b:failed'])
    expect(w.calls).not.toContain('prune')
    expect(w.cluster.has('|ConfigMap|app|c')).toBe(true)
    expect(status.lastAppliedRevision).toBe(first.status.lastAppliedRevision)
    expect(status.lastAttemptedRevision).toMatch(/^main@sha1:3{40}$/)
    expect(reconcileFailure(status)).toMatchObject({ code: 'RECONCILE_FAILED', details: { phase: 'apply' } })
  })

  it('takes the partial change set of a failed apply from the ApplyError that applyAll throws', async () => {
    const w = world({ 'app/a.yaml': cm('a') })
    const ref = { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'app', name: 'a' }
    const steps: ReconcileSteps = {
      ...w.steps,
      apply: async () => {
        throw new ApplyError({
          code: 'APPLY_INVALID',
          message: 'ConfigMap/app/a: data.v: Invalid value',
          changeSet: createChangeSet([{ ref, action: 'failed', reason: 'Invalid value' }]),
        })
      },
    }
    const { status } = await reconcile(spec, steps)
    expect(status.failure).toMatchObject({ phase: 'apply', code: 'APPLY_INVALID' })
    expect(status.changeSet.entries).toMatchObject([{ ref: { name: 'a' }, action: 'failed' }])
  })

  describe('an empty render (issue 12)', () => {
    it('is refused while the inventory holds objects: nothing is applied, pruned or forgotten', async () => {
      const w = world({ 'app/a.yaml': cm('a'), 'app/b.yaml': cm('b') })
      const first = await reconcile(spec, w.steps)
      w.commit({ 'app/empty.yaml': '' }, '4')
      w.calls.length = 0
      const { status, state } = await reconcile(spec, w.steps, { previous: first.state })
      expect(status.failure).toMatchObject({ phase: 'render', code: 'RECONCILE_EMPTY_RENDER' })
      expect(status.failure?.message).toMatch(/^prod: app rendered no objects while the inventory holds 2;/)
      expect(getCondition(status.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'BuildFailed' })
      expect(w.calls).toEqual(['fetch', 'render'])
      expect([...w.cluster.keys()]).toEqual(['|ConfigMap|app|a', '|ConfigMap|app|b'])
      expect(status.inventory).toEqual(first.status.inventory)
      expect(status.lastAppliedRevision).toBe(first.status.lastAppliedRevision)
      // The next reconcile, with a fixed source, still knows what to prune.
      w.commit({ 'app/a.yaml': cm('a') }, '5')
      const fixed = await reconcile(spec, w.steps, { previous: state })
      expect(fixed.status.changeSet.entries.map((e) => `${e.ref.name}:${e.action}`)).toEqual(['a:unchanged', 'b:deleted'])
    })

    it('prunes everything when the spec allows it', async () => {
      const w = world({ 'app/a.yaml': cm('a') })
      const first = await reconcile(spec, w.steps)
      w.commit({ 'app/empty.yaml': '' }, '4')
      const told: boolean[] = []
      const steps: ReconcileSteps = {
        ...w.steps,
        apply: async (objects, input) => (told.push(input.allowEmpty), w.steps.apply(objects, input)),
        prune: async (previous, next, input) => (told.push(input.allowEmpty), w.steps.prune!(previous, next, input)),
      }
      const { status } = await reconcile({ ...spec, allowEmpty: true }, steps, { previous: first.state })
      expect(status.failure).toBeUndefined()
      // The steps hear the decision, so that applyAll and prune can be told the same.
      expect(told).toEqual([true, true])
      expect(status.changeSet.entries.map((e) => `${e.ref.name}:${e.action}`)).toEqual(['a:deleted'])
      expect(w.cluster.size).toBe(0)
    })

    it('is accepted when there is nothing to lose', async () => {
      const w = world({ 'app/empty.yaml': '' })
      const { status } = await reconcile(spec, w.steps)
      expect(status.failure).toBeUndefined()
      expect(status.inventory?.entries).toEqual([])
    })
  })

  it('reports a build failure as BuildFailed and Stalled, applying nothing', async () => {
    const w = world({ 'app/a.yaml': cm('a') })
    w.failRender(true)
    const { status } = await reconcile(spec, w.steps)
    expect(getCondition(status.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'BuildFailed' })
    expect(getCondition(status.conditions, 'Stalled')?.status).toBe('True')
    expect(w.cluster.size).toBe(0)
  })

  it('recovers on the next reconcile and clears Stalled', async () => {
    const w = world({ 'app/a.yaml': cm('a') })
    w.failRender(true)
    const failed = await reconcile(spec, w.steps)
    w.failRender(false)
    const { status } = await reconcile(spec, w.steps, { previous: failed.state })
    expect(status.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['Ready=True'])
  })

  it('skips a suspended spec', async () => {
    const w = world({ 'app/a.yaml': cm('a') })
    const events: ReconcileEvent[] = []
    await reconcile({ ...spec, suspend: true }, w.steps, { onEvent: (e) => events.push(e) })
    expect(w.calls).toEqual([])
    expect(events[0]).toMatchObject({ type: 'skipped', reason: 'suspended' })
  })

  it('rejects with the signal reason when aborted', async () => {
    const w = world({ 'app/a.yaml': cm('a') })
    const controller = new AbortController()
    controller.abort(new Error('shutting down'))
    await expect(reconcile(spec, w.steps, { signal: controller.signal })).rejects.toThrow('shutting down')
  })

  it('fails a phase that outlives the timeout with a message naming it', async () => {
    const w = world({ 'app/a.yaml': cm('a') })
    const steps: ReconcileSteps = {
      ...w.steps,
      apply: (_objects, { signal }) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
    }
    const { status } = await reconcile({ ...spec, timeout: 50 }, steps)
    expect(status.failure).toMatchObject({ phase: 'apply' })
    expect(status.failure?.message).toContain('timeout of 50 ms')
  })
})

describe('reconcile with objects the cluster places', () => {
  it('uses the inventory the apply step reports and re-applies a drifted object written without a namespace', async () => {
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'loose' } }
    const placed = { group: '', kind: 'ConfigMap', namespace: 'default', name: 'loose' }
    let rv = 1
    const applies: number[] = []
    const steps: ReconcileSteps = {
      fetch: async ({ lastRevision }) => (lastRevision === 'r1' ? { unchanged: true, revision: 'r1' } : { revision: 'r1', fs: memoryFs() }),
      render: async () => [object],
      apply: async (objects) => {
        applies.push(objects.length)
        return Object.assign(createChangeSet([{ ref: placed, action: 'created', resourceVersion: String(++rv) }]), {
          inventory: { entries: [{ ...placed, version: 'v1' }] },
        })
      },
      checkDrift: async () => [placed],
    }
    const first = await reconcile({ name: 'x' }, steps)
    expect(first.status.inventory?.entries).toEqual([{ ...placed, version: 'v1' }])
    const second = await reconcile({ name: 'x' }, steps, { previous: first.state })
    expect(applies).toEqual([1, 1])
    expect(second.status.drifted).toEqual([placed])
  })
})
