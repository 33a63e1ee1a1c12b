// values.schema.json through the SDK and helm: every case a subchart of one chart, one helm run.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { renderBoth } from '../helpers/differential.js'
import { schemaBlocks } from '../helpers/schemaMessage.js'
import { schemaCases } from './schemaCases.js'

const helm = helmBinary()
const topSchema = {
  properties: {
    a: { maximum: 1 }, b: { minimum: 1 }, c: { minimum: 0 }, d: { maximum: 0 }, e: { multipleOf: 1000 },
    aliased: { required: ['zz'] }, c001: { properties: { a: { type: 'string' } } },
  },
}
const id = (i: number): string => `c${String(i).padStart(3, '0')}`

describe.skipIf(helm === undefined)('values.schema.json through the SDK and helm', () => {
  let dir = ''
  let helmText = ''
  let sdkText = ''
  let helmBlocks = new Map<string, string>()
  let sdkBlocks = new Map<string, string>()
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helm-schema-'))
    await mkdir(join(dir, 'templates'))
    // The parent checks its subcharts' sections (one aliased) and prints numbers as x/text does.
    await writeFile(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: schemas\nversion: 0.1.0\ndependencies:\n  - name: c000\n    alias: aliased\n    version: 0.1.0\n')
    await writeFile(join(dir, 'values.yaml'), 'a: 3000000\nb: 0.00001\nc: -1500\nd: 1e21\ne: 1234.5\naliased: {x: 1}\nc001: {a: 7}\n')
    await writeFile(join(dir, 'values.schema.json'), JSON.stringify(topSchema))
    await writeFile(join(dir, 'templates', 'a.yaml'), 'a: 1\n')
    for (const [i, c] of schemaCases.entries()) {
      const sub = join(dir, 'charts', id(i))
      await mkdir(sub, { recursive: true })
      await writeFile(join(sub, 'Chart.yaml'), `apiVersion: v2\nname: ${id(i)}\nversion: 0.1.0\n`)
      await writeFile(join(sub, 'values.yaml'), c.values)
      await writeFile(join(sub, 'values.schema.json'), JSON.stringify(c.schema))
    }
    const { helm: h, sdk } = await renderBoth(dir)
    expect(h.ok).toBe(false)
    expect(sdk.ok).toBe(false)
    helmText = h.text
    sdkText = sdk.text
    helmBlocks = schemaBlocks(h.text)
    sdkBlocks = schemaBlocks(sdk.text)
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('prints the same heading and the same failing charts', () => {
    expect(sdkText.split('\n')[0]).toBe(helmText.split('\n')[0])
    expect([...sdkBlocks.keys()].sort()).toEqual([...helmBlocks.keys()].sort())
  })

  it('checks the parent against the whole values, subcharts under their alias', () => {
    expect(sdkBlocks.get('schemas')).toBe(helmBlocks.get('schemas'))
    expect(sdkBlocks.get('aliased')).toBe(helmBlocks.get('aliased'))
  })

  it.each(schemaCases.map((c, i) => ({ name: c.name, id: id(i), schema: JSON.stringify(c.schema) })))('$name', ({ id: chart, schema }) => {
    expect({ schema, errors: sdkBlocks.get(chart) }).toEqual({ schema, errors: helmBlocks.get(chart) })
  })
})
