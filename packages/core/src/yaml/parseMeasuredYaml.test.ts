import { parse } from 'yaml'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseMeasuredYaml } from './parseMeasuredYaml.js'

/** What `run` returns or throws, as plain data to compare. */
function outcome(run: () => unknown): unknown {
  try {
    return { value: run() }
  } catch (e) {
    const { name, message, code } = e as Error & { code?: unknown }
    return { thrown: name, message, code }
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('parseMeasuredYaml', () => {
  const options = [
    { maxAliasCount: 100, uniqueKeys: false },
    { maxAliasCount: 100 },
    { version: '1.2' as const },
    { version: '1.2' as const, intAsBigInt: false, uniqueKeys: true },
    { version: '1.1' as const, merge: true },
    { schema: 'failsafe', prettyErrors: false },
  ]
  it.each([
    ['a mapping', 'apiVersion: v1\nentries:\n  web:\n    - version: 1.2.3\n      urls: [https://charts.example/web-1.2.3.tgz]\n'],
    ['an empty text', ''],
    ['a comment only', '# nothing\n'],
    ['YAML 1.1 scalars and a merge key', 'base: &b {on: yes, n: 0o17, t: 2001-12-14}\nm:\n  <<: *b\n  x: 012\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a syntax error', 'a: [1, 2\nb: }\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['more aliases than maxAliasCount', `a: &a [x]\nb: [${Array(200).fill('*a').join(', ')}]\n`],
    ['a directive for another version', '%YAML 1.3\n---\na: 1\n'],
    ['an unknown tag', 'a: !nope 1\n'],
  ])('gives what yaml.parse gives, with the options of each reader: %s', (_name, text) => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    for (const option of options) {
      const expected = outcome(() => parse(text, option) as unknown)
      const warned = warn.mock.calls.map((c) => String(c[0]))
      warn.mockClear()
      expect(outcome(() => parseMeasuredYaml(text, { source: 'in.yaml', ...option })), JSON.stringify(option)).toEqual(expected)
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual(warned)
      warn.mockClear()
    }
  })

  it('refuses text nested deeper than the composer builds with CORE_YAML_TOO_DEEP naming the source and the line', () => {
    expect(() => parseMeasuredYaml(`a: 1\nb: ${'['.repeat(600)}${']'.repeat(600)}\n`, { source: 'https://charts.example/index.yaml' })).toThrow(
      expect.objectContaining({ code: 'CORE_YAML_TOO_DEEP', message: 'https://charts.example/index.yaml: line 2: nested more than 512 levels deep, the deepest the YAML parser composes' }),
    )
  })
})
