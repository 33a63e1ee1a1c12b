// Go's own rules as helm shows them (goDifferenceCases.ts), one chart holding every case.
import { describe, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { caseRows, expectSameCase, suiteChart } from '../helpers/differential.js'
import { goDifferenceCases } from './goDifferenceCases.js'

const helm = helmBinary()

describe.skipIf(helm === undefined)('Go\'s rules under helm\'s functions, through the SDK and helm', () => {
  const out = suiteChart(goDifferenceCases)

  it.each(caseRows(goDifferenceCases))('$name', ({ id, body }) => {
    expectSameCase(out, id, body)
  })
})
