import { describe, expect, it } from 'vitest'
import { parseDuration } from './duration.js'

// Cases from Go's time package tests (src/time/time_test.go, parseDurationTests and
// parseDurationErrorTests), in milliseconds.
const valid: readonly [string, number][] = [
  ['0', 0],
  ['5s', 5000],
  ['30s', 30000],
  ['1478s', 1478000],
  ['-5s', -5000],
  ['+5s', 5000],
  ['-0', 0],
  ['+0', 0],
  ['5.0s', 5000],
  ['5.6s', 5600],
  ['5.s', 5000],
  ['.5s', 500],
  ['1.0s', 1000],
  ['1.00s', 1000],
  ['1.004s', 1004],
  ['1.0040s', 1004],
  ['100.00100s', 100001],
  ['10ns', 0.00001],
  ['11us', 0.011],
  ['12µs', 0.012],
  ['12μs', 0.012],
  ['13ms', 13],
  ['14s', 14000],
  ['15m', 900000],
  ['16h', 57600000],
  ['3h30m', 12600000],
  ['10.5s4m', 250500],
  ['-2m3.4s', -123400],
  ['1h2m3s4ms5us6ns', 3723004.005006],
  ['39h9m14.425s', 140954425],
  ['52763797000ns', 52763.797],
]

const invalid: readonly [string, string][] = [
  ['', 'time: invalid duration ""'],
  ['3', 'time: missing unit in duration "3"'],
  ['-', 'time: invalid duration "-"'],
  ['s', 'time: invalid duration "s"'],
  ['.', 'time: invalid duration "."'],
  ['-.', 'time: invalid duration "-."'],
  ['.s', 'time: invalid duration ".s"'],
  ['+.s', 'time: invalid duration "+.s"'],
  ['1d', 'time: unknown unit "d" in duration "1d"'],
  ['3000000h', 'time: invalid duration "3000000h"'],
]

describe('parseDuration', () => {
  it.each(valid)('reads %j as Go does', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 6)
  })

  it.each(invalid)('refuses %j with Go\'s message', (text, message) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({ code: 'FLUX_DURATION_INVALID', message }) as Error)
  })
})
