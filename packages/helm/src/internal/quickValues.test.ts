import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { quickValues } from './quickValues.js'
import { parseYamlValue, parseYamlValueFull, quickRules as rules } from './yamlValues.js'
import type { GoValue } from './template/values.js'

const values = `# Default values.
replicaCount: 2
image: {repository: ghcr.io/stefanprodan/podinfo, tag: "", pullPolicy: 'IfNotPresent'}
args: ["--port={{ .Values.service.port }}", --level=info, 'it''s']
env: {color: "#34577c", release: "{{ .Release.Name }}"}
service:
  type: ClusterIP
  port: 9898 # the port
  enabled: yes
  ratio: 0.5
  big: 12345678901234567890
  hex: 0x1F
  when: 2001-12-14
  empty:
  tilde: ~
  off: Off
ingress:
  enabled: true
  hosts:
    - host: chart.local
      paths: [/, /api, ]
    -   host: other
        paths: []
  tls:
  - secretName: x
    hosts:
    - a
    -
    - b
  nested: {a: {b: [1, 2.5, true, null, {c: d}]}, e: []}
1: one
true: yes
1.0: float key
dup: first
dup: second
resources: {}
`

/** The full parse's value, or an error marker. */
function full(text: string): GoValue | { error: true } {
  try {
    return parseYamlValueFull(text, 'values.yaml')
  } catch {
    return { error: true }
  }
}

function agrees(text: string): boolean {
  const quick = quickValues(text, rules)
  if (quick === undefined) return false
  const want = full(text)
  // toEqual compares Maps by entries in order: key order must match too.
  expect([...[quick]], `quickValues read ${JSON.stringify(text)}`).toEqual([want])
  expect(JSON.stringify([...(quick instanceof Map ? quick.keys() : [])])).toBe(JSON.stringify([...(want instanceof Map ? want.keys() : [])]))
  return true
}

describe('quickValues', () => {
  it('reads plain values files without the yaml package, as the full parse reads them', () => {
    expect(agrees(values)).toBe(true)
    expect(agrees('')).toBe(true)
    expect(agrees('# only a comment\n')).toBe(true)
    expect(agrees('apiVersion: v2\nname: web\nversion: 1.4.2\nappVersion: "6.7.0"\n')).toBe(true)
    expect(parseYamlValue(values, 'values.yaml')).toEqual(full(values))
  })

  it('leaves to the full parse what it is not sure of', () => {
    for (const text of [
      // Past the cheap nesting scan of the full parse, which then measures their real nesting.
      `a:\n${' '.repeat(1001)}b: 1`,
      `${Array.from({ length: 1001 }, (_, i) => `k${i}: "["`).join('\n')}\n`,
      `a: ${'['.repeat(1001)}${']'.repeat(1001)}\n`,
      'a: |\n  text',
      'a: >\n  text',
      'a: &x 1\nb: *x',
      'a: !!str 1',
      '- a\n- b',
      'just text',
      '{a: b}',
      'a:\n    b: 1\n  c: 2',
      'a: b: c',
      'a: "unterminated',
      'a: "x"y',
      'a: {b: c',
      'a: {b: c}}',
      'a: [b, [c]',
      'a: {b}',
      'a: {b: }',
      'a: {"b": c}',
      'a: [b: c]',
      'a: {b: c:d}',
      'a: [b # c]',
      'null: 1',
      '~: 1',
      '<<: {a: 1}',
      'a:\tb',
      'a: 1\n...\nb: 2',
      'a: 1\n---\nb: 2',
      'a: "\\q"',
      'a: "\\n"',
      'a:\n  plain\n  continued',
      'a: plain\n  continued',
      'a: "x"\n  y',
      'a: - 1',
      'a: -',
      'a: [-, b]',
      '"quoted key": 1',
      'a b: 1',
      ' a: 1',
      'a:\r\n  b: 1',
      `${'k'.repeat(1100)}: 1`,
      '- - a',
      'a:\n  - x\n  b: 1',
    ]) {
      expect(quickValues(text, rules), text).toBeUndefined()
    }
    // The full parse reads those that do not really nest past its budget, and refuses the others.
    const indented = `a:\n${' '.repeat(1001)}b: 1`
    expect(full(indented)).toEqual(new Map([['a', new Map([['b', 1]])]]))
    expect(parseYamlValue(indented, 'values.yaml')).toEqual(full(indented))
    const brackets = `${Array.from({ length: 1001 }, (_, i) => `k${i}: "["`).join('\n')}\n`
    expect((full(brackets) as Map<string, unknown>).get('k1000')).toBe('[')
    expect(parseYamlValue(brackets, 'values.yaml')).toEqual(full(brackets))
    expect(() => parseYamlValue(`a: ${'['.repeat(1001)}${']'.repeat(1001)}\n`, 'values.yaml')).toThrow(/values\.yaml: line 1: nested more than 1000/)
  })

  it('agrees with the full parse on seeded mutations of a values file (seed printed on failure)', () => {
    const pieces = [' ', '  ', '\n', '\n  ', '\n- ', '- ', ':', ': ', '#', ' #', '"', "'", "''", '\\', '{', '}', '[', ']', '{}', '[]', ', ', ',', '&a', '*a', '!', '|', '>', '%', '@', '?', '-', '---', '...', 'null', 'yes', '~', 'x', '1', '1.5', '\t', '<<', '\n-\n', 'k: v', '{a: b}', '[a, b]']
    let quick = 0
    for (let seed = 1; seed <= 600; seed++) {
      const next = prng(seed)
      let text = values
      const edits = 1 + Math.floor(next() * 3)
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * text.length)
        const piece = pieces[Math.floor(next() * pieces.length)] ?? ''
        text = next() < 0.3 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + piece + text.slice(at)
      }
      try {
        if (agrees(text)) quick++
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`, { cause: err })
      }
    }
    // Many mutations stay in the subset the quick reader answers; the rest went to the full parse.
    expect(quick).toBeGreaterThan(100)
  })
})
