import bcryptjs from 'bcryptjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { caseOutputs, caseTemplates, removeChart, renderBoth, writeChart } from '../helpers/differential.js'
import { functionCases as firstCases } from './functionCases.js'
import { moreFunctionCases, shapeCases } from './moreFunctionCases.js'

const functionCases = [...firstCases, ...moreFunctionCases]
const id = (i: number): string => `case-${String(i).padStart(3, '0')}`

const helm = helmBinary()

describe.skipIf(helm === undefined)('Helm and Sprig functions through the SDK and helm', () => {
  let dir = ''
  let helmOut = new Map<string, string>()
  let sdkOut = new Map<string, string>()
  let sdkText = ''
  beforeAll(async () => {
    dir = await writeChart(caseTemplates([...functionCases, ...shapeCases]))
    const { helm: h, sdk } = await renderBoth(dir)
    if (!h.ok) throw new Error(`helm failed on the suite chart: ${h.text}`)
    sdkText = sdk.text
    helmOut = caseOutputs(h.text)
    sdkOut = caseOutputs(sdk.text)
  })
  afterAll(async () => {
    await removeChart(dir)
  })

  it.each(functionCases.map((c, i) => ({ name: c.name, id: `case-${String(i).padStart(3, '0')}`, body: c.body })))(
    '$name',
    ({ id, body }) => {
      const expected = helmOut.get(id)
      expect(expected, `helm printed no output for ${body}`).toBeDefined()
      expect({ body, out: sdkOut.get(id) ?? sdkText.slice(0, 2000) }).toEqual({ body, out: expected })
    },
  )

  it.each(shapeCases.map((c, i) => ({ ...c, id: id(functionCases.length + i) })))('$name, by shape', ({ id: caseId, body, shape }) => {
    expect({ body, helm: helmOut.get(caseId) }).toEqual({ body, helm: expect.stringMatching(shape) as unknown })
    expect({ body, sdk: sdkOut.get(caseId) ?? sdkText.slice(0, 2000) }).toEqual({ body, sdk: expect.stringMatching(shape) as unknown })
  })

  it('verifies bcrypt hashes across the two sides', () => {
    const at = functionCases.length + shapeCases.findIndex((c) => c.name === 'bcrypt and htpasswd')
    for (const out of [helmOut.get(id(at)), sdkOut.get(id(at))]) {
      const [hash = '', line = ''] = (out ?? '').split(' ')
      expect(bcryptjs.compareSync('pw', hash)).toBe(true)
      expect(bcryptjs.compareSync('pw', line.replace(/^user:/, ''))).toBe(true)
    }
  })
})
