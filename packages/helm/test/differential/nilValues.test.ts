// Go's nil slices and maps through the SDK and helm, one chart holding every case.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { caseOutputs, caseRows, caseTemplates, expectSameCase, removeChart, renderBoth, suiteChart, writeChart } from '../helpers/differential.js'
import { annotationBody, annotationCases, nilCases } from './nilCases.js'

const helm = helmBinary()

describe.skipIf(helm === undefined)('nil slices and maps through the SDK and helm', () => {
  const out = suiteChart(nilCases)

  it.each(caseRows(nilCases))('$name', ({ id, body }) => {
    expectSameCase(out, id, body)
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
