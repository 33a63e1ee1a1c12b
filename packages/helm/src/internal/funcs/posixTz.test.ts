// POSIX TZ strings as Go's tzset reads them: the footer rules of TZif files, which decide offsets
// and abbreviations past a zone's last transition. Files carrying them are in tzif.test.ts.
import { describe, expect, it } from 'vitest'
import { parseTzRule, tzRuleAt, tzset } from './posixTz.js'

const sec = (iso: string): number => Date.parse(iso) / 1000

describe('tzset reads footer rules as Go does', () => {
  it.for([
    { rule: 'EST5EDT,M3.2.0,M11.1.0', at: '2100-07-01T00:00:00Z', want: { offset: -14400, abbr: 'EDT', isDst: true } },
    { rule: 'EST5EDT', at: '2100-07-01T00:00:00Z', want: { offset: -14400, abbr: 'EDT', isDst: true } },
    { rule: '<-03>3', at: '2100-07-01T00:00:00Z', want: { offset: -10800, abbr: '-03', isDst: false } },
    { rule: '<-02>2<-01>,M3.5.0/-1,M10.5.0/0', at: '2100-03-28T01:00:00Z', want: { offset: -3600, abbr: '-01', isDst: true } },
    { rule: '<-02>2<-01>,M3.5.0/-1,M10.5.0/0', at: '2100-03-28T00:59:59Z', want: { offset: -7200, abbr: '-02', isDst: false } },
    { rule: 'IST-2IDT,M3.4.4/26,M10.5.0', at: '2100-03-26T00:00:00Z', want: { offset: 10800, abbr: 'IDT', isDst: true } },
    { rule: 'AEST-10AEDT,M10.1.0,M4.1.0/3', at: '2100-01-01T00:00:00Z', want: { offset: 39600, abbr: 'AEDT', isDst: true } },
    { rule: 'AEST-10AEDT,M10.1.0,M4.1.0/3', at: '2100-07-01T00:00:00Z', want: { offset: 36000, abbr: 'AEST', isDst: false } },
    { rule: 'XXX-1YYY,J60,300', at: '2100-06-01T00:00:00Z', want: { offset: 7200, abbr: 'YYY', isDst: true } },
  ])('$rule at $at', ({ rule, at, want }) => {
    expect(tzset(rule, sec(at))).toEqual(want)
  })

  it.for(['', 'AB1', '<AB', 'EST', 'EST5EDT,M13.1.0,M11.1.0', 'EST5EDT,M3.2.0', 'EST5EDT,M3.2.0,M11.1.0,', 'EST999'])('refuses %j', (rule) => {
    expect(tzset(rule, 0)).toBeUndefined()
  })
})

describe('parseTzRule', () => {
  it('parses a rule once that then answers for instants in any year', () => {
    const rule = parseTzRule('AEST-10AEDT,M10.1.0,M4.1.0/3')
    if (rule === undefined) throw new Error('rule did not parse')
    const abbrs = ['2100-01-01T00:00:00Z', '2100-07-01T00:00:00Z', '2101-01-01T00:00:00Z', '2250-07-01T00:00:00Z'].map((at) => tzRuleAt(rule, sec(at)).abbr)
    expect(abbrs).toEqual(['AEDT', 'AEST', 'AEDT', 'AEST'])
  })

  it('answers undefined for a rule tzset refuses', () => {
    expect(parseTzRule('EST5EDT,M3.2.0')).toBeUndefined()
  })
})
