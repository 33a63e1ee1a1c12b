import { describe, expect, it } from 'vitest'
import { formatRfc3339, formatRfc3339Nano, parseRfc3339 } from './time.js'

// Layout behaviour from Go's time package docs and format_test.go (RFC3339 / RFC3339Nano rows):
// Z for a zero offset, fraction trimmed of trailing zeros in RFC3339Nano, dropped in RFC3339.
describe('parseRfc3339 and the RFC 3339 formats', () => {
  it.each([
    ['2006-01-02T15:04:05Z', '2006-01-02T15:04:05Z', '2006-01-02T15:04:05Z'],
    ['2006-01-02T15:04:05.999999999Z', '2006-01-02T15:04:05.999999999Z', '2006-01-02T15:04:05Z'],
    ['2006-01-02T15:04:05.120000000+07:00', '2006-01-02T15:04:05.12+07:00', '2006-01-02T15:04:05+07:00'],
    ['2006-01-02T15:04:05-00:00', '2006-01-02T15:04:05Z', '2006-01-02T15:04:05Z'],
    ['2006-01-02t15:04:05z', '2006-01-02T15:04:05Z', '2006-01-02T15:04:05Z'],
  ])('reads %s and writes it back', (text, nano, seconds) => {
    const t = parseRfc3339(text)
    expect(t).toBeDefined()
    if (t === undefined) return
    expect(formatRfc3339Nano(t)).toBe(nano)
    expect(formatRfc3339(t)).toBe(seconds)
  })

  it.each(['2006-02-30T15:04:05Z', '2006-01-02T24:00:00Z', '2006-1-2T15:04:05Z', '2006-01-02 15:04:05Z', '2006-01-02T15:04:05+25:00'])(
    'refuses %s as time.Parse(time.RFC3339) does',
    (text) => {
      expect(parseRfc3339(text)).toBeUndefined()
    },
  )
})
