import { describe, expect, it } from 'vitest'
import { renderTemplate } from './index.js'
import { typedFailure } from '../test/helpers/typedFailure.js'

const failure = typedFailure

describe('renderTemplate', () => {
  it('prints <no value> for a missing key by default, and nothing fails through it', () => {
    expect(renderTemplate('[{{ .a }}][{{ .a.b }}][{{ printf "%v" .a }}]', {}, { name: 't' })).toBe(
      '[<no value>][<no value>][<nil>]',
    )
  })

  it('uses the zero value with missingkey=zero, so a field of it is a nil pointer', () => {
    expect(renderTemplate('[{{ .a }}]', {}, { name: 't', missingKey: 'zero' })).toBe('[<no value>]')
    expect(failure(() => renderTemplate('{{ .a.b }}', {}, { name: 't', missingKey: 'zero' }))).toEqual({
      code: 'HELM_TEMPLATE_EXEC',
      message: 'template: t:1:5: executing "t" at <.a.b>: nil pointer evaluating interface {}.b',
    })
  })

  it('fails on a missing key with missingkey=error, naming template, line and column', () => {
    expect(failure(() => renderTemplate('x\n  {{ .a }}', { b: 1 }, { name: 't', missingKey: 'error' }))).toEqual({
      code: 'HELM_TEMPLATE_EXEC',
      message: 'template: t:2:5: executing "t" at <.a>: map has no entry for key "a"',
    })
  })

  it('offers only the Go builtins when asked', () => {
    expect(failure(() => renderTemplate('{{ upper "x" }}', {}, { name: 't', functions: 'go' }))).toEqual({
      code: 'HELM_TEMPLATE_PARSE',
      message: 'template: t:1: function "upper" not defined',
    })
    expect(renderTemplate('{{ len . }} {{ index . 1 }}', ['a', 'b'], { functions: 'go' })).toBe('2 b')
  })

  it('treats every number of the data as a float64, as Helm reads values', () => {
    expect(renderTemplate('{{ .n }} {{ printf "%T" .n }} {{ .n | int64 }}', { n: 3_000_000 })).toBe(
      '3e+06 float64 3000000',
    )
  })

  it('runs partials through template and include', () => {
    const partials = { 'helpers.tpl': '{{ define "greet" }}hello {{ . }}{{ end }}' }
    expect(renderTemplate('{{ template "greet" "a" }}, {{ include "greet" "b" | upper }}', {}, { partials })).toBe(
      'hello a, HELLO B',
    )
  })

  it('keeps hostile keys as data and never touches prototypes', () => {
    const data = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "c"}') as unknown
    expect(renderTemplate('{{ range $k, $v := . }}{{ $k }};{{ end }}{{ .constructor }}', data)).toBe(
      '__proto__;constructor;c',
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
