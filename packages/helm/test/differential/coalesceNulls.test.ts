// Nulls through helm's coalescing (pkg/chart/common/util coalesce.go as v4.1.4 ships it), through
// the SDK and helm: a null the user sets over a chart's null stays, over a chart's value deletes it,
// and a null global reaches a subchart, where it deletes the subchart's own value.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { nodeFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { renderChart } from '../../src/index.js'
import { API_VERSIONS, KUBE_VERSION, helmBinary, helmTemplate } from '../helpers/helmBinary.js'
import { removeChart, writeChart } from '../helpers/differential.js'

const helm = helmBinary()

interface NullCase {
  readonly name: string
  readonly parent: string
  readonly sub: string
  readonly set: readonly string[]
}

const cases: readonly NullCase[] = [
  { name: 'a null global over a null default, the subchart holding a value', parent: 'global: {g: ~}\n', sub: 'global: {g: [1]}\n', set: ['global.g=null'] },
  { name: 'a null over a null default, kept', parent: 'a: {b: ~, c: 1}\n', sub: '', set: ['a.b=null'] },
  { name: 'a null over a default value, deleted', parent: 'a: {b: 2, c: 1}\n', sub: '', set: ['a.b=null'] },
  { name: 'a null for a key without default', parent: 'a: {c: 1}\n', sub: '', set: ['a.d=null'] },
  { name: 'a null under the subchart over its null and its value', parent: '', sub: 'x: {y: ~, z: 1}\n', set: ['sub.x.y=null', 'sub.x.z=null', 'sub.x.w=null'] },
  { name: 'a null global the parent sets over its own value', parent: 'global: {g: 1, h: {i: ~}}\n', sub: 'global: {g: 2, h: {i: 3}}\n', set: ['global.g=null', 'global.h.i=null'] },
]

async function chartWith(c: NullCase): Promise<string> {
  const dir = await writeChart({ 'p.yaml': 'parent: {{ toJson .Values | quote }}\n' }, c.parent)
  const sub = join(dir, 'charts', 'sub')
  await mkdir(join(sub, 'templates'), { recursive: true })
  await writeFile(join(sub, 'Chart.yaml'), 'apiVersion: v2\nname: sub\nversion: 0.1.0\n')
  await writeFile(join(sub, 'values.yaml'), c.sub)
  await writeFile(join(sub, 'templates', 's.yaml'), 'sub: {{ toJson .Values | quote }}\n')
  return dir
}

describe.skipIf(helm === undefined)('nulls through coalescing, through the SDK and helm', () => {
  it.each(cases)('$name', async (c) => {
    const dir = await chartWith(c)
    try {
      const h = await helmTemplate(dir, { extraArgs: c.set.flatMap((s) => ['--set', s]) })
      expect(h.ok, h.stderr).toBe(true)
      const sdk = await renderChart('', { fs: nodeFs(dir), kubeVersion: KUBE_VERSION, apiVersions: API_VERSIONS, set: c.set.map((expression) => ({ type: 'set' as const, expression })) })
      expect(sdk.text).toBe(h.stdout)
    } finally {
      await removeChart(dir)
    }
  })
})
