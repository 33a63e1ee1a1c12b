// Go's nil slices and maps through the SDK and helm, one chart holding every case.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { caseOutputs, caseTemplates, removeChart, renderBoth, writeChart } from '../helpers/differential.js'
import { annotationBody, annotationCases, nilCases } from './nilCases.js'

const helm = helmBinary()

describe.skipIf(helm === undefined)('nil slices and maps through the SDK and helm', () => {
  let dir = ''
  let helmOut = new Map<string, string>()
  let sdkOut = new Map<string, string>()
  let sdkText = ''
  beforeAll(async () => {
    dir = await writeChart(caseTemplates(nilCases))
    const { helm: h, sdk } = await renderBoth(dir)
    if (!h.ok) throw new Error(`helm failed on the suite chart: ${h.text}`)
    sdkText = sdk.text
    helmOut = caseOutputs(h.text)
    sdkOut = caseOutputs(sdk.text)
  })
  afterAll(async () => {
    await removeChart(dir)
  })

  it.each(nilCases.map((c, i) => ({ name: c.name, id: `case-${String(i).padStart(3, '0')}`, body: c.body })))('$name', ({ id, body }) => {
    const expected = helmOut.get(id)
    expect(expected, `helm printed no output for ${body}`).toBeDefined()
    expect({ body, out: sdkOut.get(id) ?? sdkText.slice(0, 2000) }).toEqual({ body, out: expected })
  })
})

describe.skipIf(helm === undefined)('.Chart.Annotations, a map[string]string, through the SDK and helm', () => {
  it.each(annotationCases)('$name', async ({ chartYaml }) => {
    const dir = await writeChart(caseTemplates([{ name: 'annotations', body: annotationBody }]))
    try {
      const chartFile = join(dir, 'Chart.yaml')
      await writeFile(chartFile, (await readFile(chartFile, 'utf8')) + chartYaml)
      const { helm: h, sdk } = await renderBoth(dir)
      expect(h.ok, h.text).toBe(true)
      expect(caseOutputs(sdk.text).get('case-000') ?? sdk.text).toEqual(caseOutputs(h.text).get('case-000'))
    } finally {
      await removeChart(dir)
    }
  })
})
