// The prototype-pollution corpus against apply's entry points: objects whose maps carry
// `__proto__`/`constructor`/`prototype` keys (as JSON.parse and YAML loaders keep them, as own
// keys) go through applyAll and diff (with the Secret masking of their errors); either a typed error or a result, and
// no built-in prototype changes.
import { describe, expect, it } from 'vitest'
import { isGitOpsError, isKubeMap } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, diff } from '../../src/index.js'
import { assertNoPollution, pollutingJson } from '../../../../testing/pollution.js'
import { useCluster } from '../helpers/cluster.js'

const env = useCluster()

/** A ConfigMap or Secret with the polluting document merged into it. */
function polluted(kind: 'ConfigMap' | 'Secret', ns: string, name: string, json: string): KubeObject {
  const doc = JSON.parse(json) as Record<string, unknown>
  const base: Record<string, unknown> = { apiVersion: 'v1', kind, data: { key: kind === 'Secret' ? 'dmFsdWU=' : 'value' } }
  // Own keys, as a parser leaves them (an assignment to `__proto__` would set the prototype instead).
  for (const key of Object.keys(doc)) Object.defineProperty(base, key, { value: doc[key], enumerable: true, writable: true, configurable: true })
  const meta = isKubeMap(doc.metadata) ? { ...doc.metadata } : {}
  base.metadata = Object.assign(Object.create(null) as object, meta, { name, namespace: ns })
  return base as unknown as KubeObject
}

async function settle(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p
  } catch (err) {
    return err
  }
}

describe('apply over polluting documents', () => {
  it.each(pollutingJson.map((json, i) => ({ name: json, json, i })))('pollutes nothing through applyAll and diff: $name', async ({ json, i }) => {
    const ns = await env.cluster.namespace(`pollute${i}`)
    for (const kind of ['ConfigMap', 'Secret'] as const) {
      const object = polluted(kind, ns, `p${i}`, json)
      const applied = await settle(applyAll([object], { client: env.cluster.client, inventory: { name: 'app', namespace: ns } }))
      if (applied instanceof Error) expect(isGitOpsError(applied)).toBe(true)
      const report = await settle(diff([object], { client: env.cluster.client }))
      if (report instanceof Error) expect(isGitOpsError(report)).toBe(true)
      assertNoPollution()
    }
  })
})
