// The functions added for issue 19 on bad input: each ends in a typed HELM_TEMPLATE_EXEC error that
// names the template, or in helm's own fallback value; no prototype touched.
import { afterEach, describe, expect, it } from 'vitest'
import { assertNoPollution, pollutingKeys } from '../../../../testing/pollution.js'
import { renderTemplate } from '../../src/index.js'
import { type TypedFailure, typedFailure } from '../helpers/typedFailure.js'

afterEach(() => {
  assertNoPollution()
})

function failure(text: string): TypedFailure {
  return typedFailure(() => renderTemplate(text, {}, { name: 'bad.tpl' }))
}

describe('new functions on bad input', () => {
  it.each([
    ['{{ decryptAES "k" "not base64!" }}', /illegal base64 data at input byte 3/],
    ['{{ decryptAES "k" "YWJj" }}', /runtime error: slice bounds out of range \[:16\] with capacity 3/],
    ['{{ mustToDate "2006-01-02" "nope" }}', /parsing time "nope"/],
    ['{{ mustDateModify "soon" now }}', /invalid duration "soon"/],
    ['{{ chunk 0 (list 1) }}', /divide by zero/],
    ['{{ randInt 5 1 }}', /invalid argument to Intn/],
    ['{{ dig "a" (dict) }}', /dig needs at least three arguments/],
    ['{{ mustFromJson "{" }}', /JSON/],
  ])('%s fails with a typed error naming the template', (text, message) => {
    const r = failure(text)
    expect(r.code).toBe('HELM_TEMPLATE_EXEC')
    expect(r.message).toMatch(/bad\.tpl/)
    expect(r.message).toMatch(message)
  })

  it('answers with helm fallbacks where Sprig swallows the error', () => {
    expect(renderTemplate('{{ toDate "2006-01-02" "nope" }}|{{ dateModify "soon" (toDate "2006" "2020") | htmlDate }}|{{ duration "x" }}|{{ derivePassword 1 "nope" "p" "u" "s" }}|{{ htpasswd "a:b" "p" }}|{{ toToml (list nil) }}', {})).toBe(
      '0001-01-01 00:00:00 +0000 UTC|2020-01-01|0s|cannot find password template nope|invalid username: a:b|toml: cannot encode array with nil element',
    )
  })

  it('reads zone names as Go does: names reaching outside the zoneinfo directory, directories and files that are no TZif data are unknown zones, UTC', () => {
    const names = ['../../../etc/passwd', '/etc/passwd', 'Asia/../../../../etc/hostname', '\\Asia\\Kolkata', 'Asia', 'zone.tab', 'tzdata.zi', 'asia/kolkata', 'Asia/Kolkata\u0000']
    const out = renderTemplate(names.map((n) => `{{ dateInZone "15:04 MST" (toDate "2006-01-02 15:04" "2024-07-01 12:00") ${JSON.stringify(n)} }}`).join('|'), {})
    expect(out).toBe(names.map(() => '12:00 UTC').join('|'))
  })

  it.each(pollutingKeys)('keeps %s a plain key in dig, splitn, urlParse and toToml', (key) => {
    const out = renderTemplate(`{{ dig "${key}" "x" "d" (dict "${key}" (dict "x" 1)) }}|{{ toToml (dict "${key}" 1) }}|{{ derivePassword 1 "${key}" "p" "u" "s" }}`, {})
    expect(out).toBe(`1|${key} = 1\n|cannot find password template ${key}`)
  })
})
