import { describe, expect, it } from 'vitest'
import { dns1123LabelErrors, nameRuleErrors, pathSegmentErrors, portNameErrors, qualifiedNameErrors } from './formats.js'
import { cronScheduleError } from './cron.js'
import { goLabelSelector, goStringMap } from './goValues.js'

describe('apimachinery name rules', () => {
  it('tells a subdomain that is no label by its dots', () => {
    expect(dns1123LabelErrors('a.b')).toEqual(['must not contain dots'])
    expect(dns1123LabelErrors('a-b')).toEqual([])
  })

  it('reports an empty name part with both messages, as IsQualifiedName does', () => {
    expect(qualifiedNameErrors('x/')).toHaveLength(2)
    expect(qualifiedNameErrors('example.com/ok')).toEqual([])
    expect(qualifiedNameErrors('/x')).toEqual(['prefix part must be non-empty'])
  })

  it('masks a trailing dash of a generateName', () => {
    expect(nameRuleErrors('subdomain', 'web-', true)).toEqual([])
    expect(nameRuleErrors('subdomain', 'web-', false)).toHaveLength(1)
    expect(nameRuleErrors('dns1035', '1web-', true)).toHaveLength(1)
  })

  it('lets path segment names hold anything but the four refusals', () => {
    expect(pathSegmentErrors('system:controller:Weird Name', false)).toEqual([])
    expect(pathSegmentErrors('.', false)).toEqual(["may not be '.'"])
    expect(pathSegmentErrors('a/b%c', false)).toEqual(["may not contain '/'", "may not contain '%'"])
    expect(pathSegmentErrors('..', true)).toEqual([])
  })

  it('checks IANA service names', () => {
    expect(portNameErrors('http')).toEqual([])
    expect(portNameErrors('80')).toEqual(['must contain at least one letter (a-z)'])
    expect(portNameErrors('-a--b')).toEqual(['must not contain consecutive hyphens', 'must not begin or end with a hyphen'])
  })
})

describe('robfig/cron standard schedules', () => {
  it.for([
    ['*/5 * * * *', undefined],
    ['0 9-17 * JAN-mar mon-fri', undefined],
    ['@every 1h30m', undefined],
    ['CRON_TZ=Europe/Berlin 0 0 * * *', undefined],
    ['', 'empty spec string'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['0 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['@every soon', 'failed to parse duration @every soon: time: invalid duration "soon"'],
  ] as const)('%s', ([schedule, error]) => {
    expect(cronScheduleError(schedule)).toBe(error)
  })
})

describe('Go-printed values', () => {
  it('prints maps sorted and nil maps as Go does', () => {
    expect(goStringMap({ b: '2', a: '1' })).toBe('map[string]string{"a":"1", "b":"2"}')
    expect(goStringMap(undefined)).toBe('map[string]string(nil)')
  })

  it("prints a label selector through its generated String()", () => {
    expect(goLabelSelector({ matchLabels: { app: 'a' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['x', 'y'] }] })).toBe(
      '&LabelSelector{MatchLabels:map[string]string{app: a,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}',
    )
  })
})
