import { describe, expect, it } from 'vitest'
import { endShortRunTuning, LONG_APPLY, SHORT_RUN_BUDGET } from './applyTuning.js'

const v8Major = Number(process.versions.v8.split('.')[0])

describe('endShortRunTuning', () => {
  it('keeps the raised budget for a set of at most LONG_APPLY objects', () => {
    expect(SHORT_RUN_BUDGET).toBe('--interrupt-budget=1081344')
    for (const objects of [0, 1, 1000, LONG_APPLY]) expect(endShortRunTuning(objects, {}, []), String(objects)).toBeUndefined()
  })

  it("gives a larger set V8 11's default budget back", () => {
    // Setting V8's default budget in this process changes nothing of the tests.
    expect(endShortRunTuning(LONG_APPLY + 1, {}, [])).toBe(v8Major === 11 ? '--interrupt-budget=67584' : undefined)
  })

  it("leaves the user's choice and GITOPS_V8_TUNING=off alone", () => {
    expect(endShortRunTuning(5000, { GITOPS_V8_TUNING: 'off' }, [])).toBeUndefined()
    expect(endShortRunTuning(5000, {}, ['--interrupt-budget=1000'])).toBeUndefined()
    expect(endShortRunTuning(5000, { NODE_OPTIONS: '--max-opt=4' }, [])).toBeUndefined()
  })
})
