// Template errors through the SDK and helm, batched: the cases lint mode renders as template mode
// does go through one `helm lint` of a chart per case; `required`, `fail` and output that is not
// YAML need `helm template`, one process each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { helmLintErrors, needsTemplateRun } from '../helpers/helmLint.js'
import { expectSameFailure, removeChart, renderSdk, writeChart } from '../helpers/differential.js'
import { certErrorCases } from './certErrorCases.js'
import { errorCases, moreErrorCases } from './errorCases.js'

const helm = helmBinary()
const cases = [...errorCases, ...moreErrorCases, ...certErrorCases]
const linted = cases.filter((c) => !needsTemplateRun(c.text))
const templated = cases.filter((c) => needsTemplateRun(c.text))

describe.skipIf(helm === undefined)('template errors through the SDK and helm', () => {
  const dirs = new Map<string, string>()
  let helmErrors = new Map<string, string | undefined>()
  beforeAll(async () => {
    for (const c of linted) dirs.set(c.name, await writeChart({ 'x.yaml': c.text }))
    helmErrors = await helmLintErrors([...dirs.values()])
  })
  afterAll(async () => {
    for (const dir of dirs.values()) await removeChart(dir)
  })

  it.each(linted)('$name', async ({ name, text }) => {
    const dir = dirs.get(name) ?? ''
    const expected = helmErrors.get(dir)
    expect(expected, `helm rendered ${text} without error`).toBeDefined()
    const sdk = await renderSdk(dir)
    expect({ text, ok: sdk.ok, message: sdk.text }).toEqual({ text, ok: false, message: expected })
  })

  it.each(templated)('$name (helm template)', async ({ text }) => {
    await expectSameFailure(text)
  })
})
