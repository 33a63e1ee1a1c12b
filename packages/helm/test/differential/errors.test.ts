import { describe, expect, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { removeChart, renderBoth, writeChart } from '../helpers/differential.js'
import { errorCases, moreErrorCases } from './errorCases.js'

const helm = helmBinary()

describe.skipIf(helm === undefined)('template errors through the SDK and helm', () => {
  it.each([...errorCases, ...moreErrorCases])('$name', async ({ text }) => {
    const dir = await writeChart({ 'x.yaml': text })
    try {
      const { helm: h, sdk } = await renderBoth(dir)
      expect(h.ok, `helm rendered ${text} without error`).toBe(false)
      expect({ text, ok: sdk.ok, message: sdk.text }).toEqual({ text, ok: false, message: h.text })
    } finally {
      await removeChart(dir)
    }
  })
})
