import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { caseOutputs, caseTemplates, removeChart, renderBoth, writeChart } from '../helpers/differential.js'
import { languageCases as baseCases, moreLanguageCases } from './cases.js'

const languageCases = [...baseCases, ...moreLanguageCases]

const helm = helmBinary()

describe.skipIf(helm === undefined)('Go text/template through the SDK and helm', () => {
  let dir = ''
  let helmOut = new Map<string, string>()
  let sdkOut = new Map<string, string>()
  let helmText = ''
  let sdkText = ''
  beforeAll(async () => {
    dir = await writeChart(caseTemplates(languageCases))
    const { helm: h, sdk } = await renderBoth(dir)
    if (!h.ok) throw new Error(`helm failed on the suite chart: ${h.text}`)
    helmText = h.text
    sdkText = sdk.text
    helmOut = caseOutputs(h.text)
    sdkOut = caseOutputs(sdk.text)
  })
  afterAll(async () => {
    await removeChart(dir)
  })

  it.each(languageCases.map((c, i) => ({ name: c.name, id: `case-${String(i).padStart(3, '0')}`, body: c.body })))(
    '$name',
    ({ id, body }) => {
      const expected = helmOut.get(id)
      expect(expected, `helm printed no output for ${body}`).toBeDefined()
      expect({ body, out: sdkOut.get(id) ?? sdkText.slice(0, 2000) }).toEqual({ body, out: expected })
    },
  )

  it('prints the whole chart byte for byte', () => {
    expect(sdkText).toBe(helmText)
  })
})
