import { afterEach, describe, expect, it } from 'vitest'
import { endShortRunTuning, LONG_APPLY, markShortRunTuning, SHORT_RUN_BUDGET } from './applyTuning.js'

const mark = Symbol.for('@gitops-sdk/cli.shortRunBudget')

describe('endShortRunTuning', () => {
  afterEach(() => {
    Reflect.deleteProperty(globalThis, mark)
  })

  it('keeps the raised budget for a set of at most LONG_APPLY objects', () => {
    expect(SHORT_RUN_BUDGET).toBe('--interrupt-budget=1081344')
    markShortRunTuning()
    for (const objects of [0, 1, 1000, LONG_APPLY]) expect(endShortRunTuning(objects), String(objects)).toBeUndefined()
  })

  it("gives a larger set V8 11's default budget back, once", () => {
    markShortRunTuning()
    // Setting V8's default budget in this process changes nothing of the tests.
    expect(endShortRunTuning(LONG_APPLY + 1)).toBe('--interrupt-budget=67584')
    expect(endShortRunTuning(LONG_APPLY + 1)).toBeUndefined()
  })

  it('leaves a budget alone that bin.ts did not raise (the user chose, or a program embeds the command)', () => {
    expect(endShortRunTuning(5000)).toBeUndefined()
  })
})
