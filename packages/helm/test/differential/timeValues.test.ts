// Go's time values (time.Month, time.Weekday, time.Duration, time.Time's methods) through the SDK
// and helm: one chart of deterministic cases (times from toDate), one `helm lint` run for the
// type errors. What depends on the clock (now, date of now) is checked with a fixed clock in
// src/renderTemplate.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { helmLintErrors } from '../helpers/helmLint.js'
import { caseOutputs, caseTemplates, removeChart, renderBoth, renderSdk, writeChart } from '../helpers/differential.js'
import { timeValueCases, timeValueErrorCases } from './timeValueCases.js'

const helm = helmBinary()

describe.skipIf(helm === undefined)('time values through the SDK and helm', () => {
  let dir = ''
  const errorDirs = new Map<string, string>()
  let helmOut = new Map<string, string>()
  let sdkOut = new Map<string, string>()
  let sdkText = ''
  let helmErrors = new Map<string, string | undefined>()
  beforeAll(async () => {
    dir = await writeChart(caseTemplates(timeValueCases))
    const { helm: h, sdk } = await renderBoth(dir)
    if (!h.ok) throw new Error(`helm failed on the suite chart: ${h.text}`)
    sdkText = sdk.text
    helmOut = caseOutputs(h.text)
    sdkOut = caseOutputs(sdk.text)
    for (const c of timeValueErrorCases) errorDirs.set(c.name, await writeChart({ 'x.yaml': c.body }))
    helmErrors = await helmLintErrors([...errorDirs.values()])
  })
  afterAll(async () => {
    await removeChart(dir)
    for (const d of errorDirs.values()) await removeChart(d)
  })

  it.each(timeValueCases.map((c, i) => ({ name: c.name, id: `case-${String(i).padStart(3, '0')}`, body: c.body })))('$name', ({ id, body }) => {
    const expected = helmOut.get(id)
    expect(expected, `helm printed no output for ${body}`).toBeDefined()
    expect({ body, out: sdkOut.get(id) ?? sdkText.slice(0, 2000) }).toEqual({ body, out: expected })
  })

  it.each(timeValueErrorCases)('$name fails as in helm', async ({ name, body }) => {
    const d = errorDirs.get(name) ?? ''
    const expected = helmErrors.get(d)
    expect(expected, `helm rendered ${body} without error`).toBeDefined()
    const sdk = await renderSdk(d)
    expect({ body, ok: sdk.ok, message: sdk.text }).toEqual({ body, ok: false, message: expected })
  })
})
