import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { defaultYamlBudget, parseYamlStream } from './budget.js'
import { withinYamlNesting } from './nesting.js'

function bomb(levels: number, width: number): string {
  const lines = [`a0: &a0 [${Array(width).fill('lol').join(', ')}]`]
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(', ')}]`)
  return lines.join('\n')
}

describe('parseYamlStream', () => {
  it('parses a stream and resolves aliases to their anchors', () => {
    const { documents } = parseYamlStream('a: &x [1]\nb: *x\n---\nc: 1\n', { source: 'in.yaml' })
    expect(documents.map((d) => d.index)).toEqual([1, 2])
  })

  it('refuses the 418-byte billion-laughs bomb by counting, without expanding it', () => {
    const text = bomb(9, 9)
    expect(() => parseYamlStream(text, { source: 'bomb.yaml' })).toThrow(
      expect.objectContaining({ code: 'CORE_YAML_INVALID', message: expect.stringMatching(/^bomb\.yaml: document 1, line \d+: more than 10000 alias expansions/) }),
    )
  })

  it('accepts aliases within the budget and counts each expansion', () => {
    expect(() => parseYamlStream(bomb(3, 9), { source: 'ok.yaml' })).not.toThrow()
    expect(() => parseYamlStream(bomb(3, 9), { source: 'tight.yaml', budget: { maxAliasExpansion: 80 } })).toThrow(
      expect.objectContaining({ code: 'CORE_YAML_INVALID' }),
    )
  })

  it.each([
    ['flow sequences', `a: ${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['flow mappings', `a: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`],
    ['compact block sequences', `${'- '.repeat(5000)}x`],
  ])('refuses %s nested thousands deep with CORE_YAML_TOO_DEEP naming the source', (_name, text) => {
    expect(() => parseYamlStream(text, { source: 'deep.yaml' })).toThrow(
      expect.objectContaining({ code: 'CORE_YAML_TOO_DEEP', message: expect.stringMatching(/^deep\.yaml: /) }),
    )
  })

  it('withinYamlNesting answers the cheap first scan: brackets anywhere, indentation and entries of lines with content', () => {
    const limit = 10
    const cases: Array<[string, boolean]> = [
      ['a: [[[1]]]\n', true],
      // Two per `[` (a pair in a flow sequence is a mapping of its own), one per `{`.
      [`a: ${'['.repeat(4)}`, true],
      [`a: ${'['.repeat(5)}`, false],
      [`a: ${'{'.repeat(9)}`, true],
      [`a: ${'{'.repeat(10)}`, false],
      [`a: ${'[]'.repeat(50)}`, true],
      // Entries after a tab, indentation by tabs, lines begun by a lone CR (cumulative: the
      // \`yaml\` lexer does not break lines there).
      [`x: 1\n${'-\t'.repeat(5)}x`, false],
      [`x: 1\n${'?\t'.repeat(5)}x`, false],
      [`x: 1\n${'- \t'.repeat(4)}x`, false],
      [`x: 1\n${'\t'.repeat(10)}x`, false],
      [`x: 1\r${' a:\r'.repeat(10)}`, false],
      [`x: 1\r\n${' a:\r\n'.repeat(10)}`, true],
      // Brackets inside quotes count too: the scan is cheap, not exact.
      [`a: "${'{'.repeat(10)}"\n`, false],
      [`a: "${'{'.repeat(9)}"\n`, true],
      [`x: 1\n${'- '.repeat(5)}x`, false],
      [`x: 1\n${'? '.repeat(5)}x`, false],
      [`x: 1\n${'- '.repeat(4)}x`, true],
      [`x: 1\n${' '.repeat(10)}x`, false],
      // A line of spaces holds no node.
      [`${' '.repeat(11)}\nx: 1\n${' '.repeat(11)}`, true],
    ]
    for (const [text, within] of cases) expect(withinYamlNesting(text, limit), JSON.stringify(text)).toBe(within)
  })

  it('passes every text the first scan lets through, and refuses only real nesting over the limit', () => {
    const limit = 10
    const cases: Array<[string, boolean]> = [
      ['a: [[[1]]]\n', true],
      [`a: ${'['.repeat(9)}1${']'.repeat(9)}\n`, true],
      [`a: ${'['.repeat(10)}1${']'.repeat(10)}\n`, false],
      [`a: "${'{'.repeat(11)}"\n`, true],
      [`${'- '.repeat(10)}x\n`, true],
      [`${'- '.repeat(11)}x\n`, false],
      [`x: 1\n${' '.repeat(11)}\n`, true],
      [Array.from({ length: 10 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n', true],
      [Array.from({ length: 11 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n', false],
      // Each pair of a flow sequence is a mapping of its own.
      [`a: ${'[a: '.repeat(4)}x${']'.repeat(4)}\n`, true],
      [`a: ${'[a: '.repeat(5)}x${']'.repeat(5)}\n`, false],
      [`a: ${'[? '.repeat(4)}x${']'.repeat(4)}\n`, true],
      [`a: ${'[? '.repeat(5)}x${']'.repeat(5)}\n`, false],
    ]
    for (const [text, accepted] of cases) {
      let code: unknown
      try {
        parseYamlStream(text, { source: 's.yaml', budget: { maxDepth: limit } })
      } catch (e) {
        code = (e as { code?: unknown }).code
      }
      expect(code === 'CORE_YAML_TOO_DEEP', JSON.stringify(text)).toBe(!accepted)
    }
    expect(() => parseYamlStream(`x: 1\ny: 2\nz: ${'['.repeat(11)}`, { source: 's.yaml', budget: { maxDepth: limit } })).toThrow(
      expect.objectContaining({ code: 'CORE_YAML_TOO_DEEP', message: 's.yaml: line 3: nested more than 10 levels deep', details: { source: 's.yaml', line: 3, limit } }),
    )
  })

  // Brackets that do not nest: in strings, comments and block scalars. Two thousand of them fail
  // the first scan; the real measure lets them through, to the value the `yaml` package gives.
  const brackets = '['.repeat(1000) + '{'.repeat(1000)
  it.each([
    ['a double-quoted string', `a: "${brackets} \\" ${brackets}"\nb: [1]\n`],
    ['a single-quoted string', `a: '${brackets} '' ${brackets}'\nb: {c: [1]}\n`],
    ['a comment', `# ${brackets}\na: 1 # ${brackets}\nb: [x, y] # ${brackets}\n`],
    ['a literal block scalar', `data:\n  re: |\n    ${brackets}\n    ${' '.repeat(1500)}${brackets}\n\n  next: x\n`],
    ['a folded block scalar with an indentation indicator', `- >2\n   ${brackets}\n- y\n`],
    ['a plain scalar', `a: x${brackets}\nb: -${brackets}\n`],
    ['a multi-line double-quoted string', `a: "x\n  ${brackets}\n  ]]] y"\n`],
    ['a flow collection holding strings', `a: [ "${brackets}", '${brackets}', {k: "${brackets}"} ]\n`],
    ['several documents', `a: "${brackets}"\n---\n- '${brackets}'\n...\n# ${brackets}\n`],
  ])('accepts 2,000 brackets inside %s, parsed as the yaml package parses them', (_name, text) => {
    const { documents } = parseYamlStream(text, { source: 'ok.yaml' })
    expect(documents.map((d) => d.document.errors)).toEqual(documents.map(() => []))
    expect(documents.map((d): unknown => d.document.toJS())).toEqual(parseAllDocuments(text, { schema: 'failsafe' }).map((d): unknown => (d as { toJS: () => unknown }).toJS()))
  })

  const refusals: ReadonlyArray<readonly [string, string, number]> = [
    ['1,001 flow levels', `x: 1\ny: ${'['.repeat(1000)}${']'.repeat(1000)}\n`, 2],
    ['1,001 flow levels after a string of brackets', `x: "${brackets}"\ny:\n  ${'{a: '.repeat(1000)}1${'}'.repeat(1000)}\n`, 3],
    ['1,001 block levels', Array.from({ length: 1001 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\nz: 1\n', 1001],
    ['1,001 compact sequences', `a: "${brackets}"\nb:\n${'- '.repeat(1000)}x\n`, 3],
    ['100,000 levels of [', `# ${brackets}\na: ${'['.repeat(100_000)}\n`, 2],
    ['100,000 levels of { after a block scalar', `a: |\n  ${brackets}\nb: ${'{'.repeat(100_000)}\n`, 3],
    ['block levels holding flow levels', `a: "${brackets}"\n` + Array.from({ length: 500 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ` ${'['.repeat(600)}\n`, 501],
    ['a second document', `a: 1\n---\nb: '${brackets}'\nc: ${'['.repeat(1000)}${']'.repeat(1000)}\n`, 4],
  ]
  it.each(refusals)('refuses %s with CORE_YAML_TOO_DEEP naming the line where it exceeds', (_name, text, line) => {
    expect(() => parseYamlStream(text, { source: 'deep.yaml' })).toThrow(
      expect.objectContaining({
        code: 'CORE_YAML_TOO_DEEP',
        message: `deep.yaml: line ${line}: nested more than 1000 levels deep`,
        details: { source: 'deep.yaml', line, limit: 1000 },
      }),
    )
  })

  // Each document is measured on its own, from the one parse that also feeds the composer.
  const shallow = (i: number): string => `kind: ConfigMap\nmetadata: {name: c${i}}\ndata: {a: "1", b: []}\nlist: [${'{}, [], '.repeat(150)}x]\n`
  it('parses a stream whose documents each close a few hundred brackets (over the bound only summed) as the yaml package does', () => {
    const text = Array.from({ length: 6 }, (_, i) => shallow(i)).join('---\n')
    const { documents } = parseYamlStream(text, { source: 'ok.yaml' })
    expect(documents.map((d) => d.document.errors)).toEqual(documents.map(() => []))
    expect(documents.map((d): unknown => d.document.toJS())).toEqual(parseAllDocuments(text, { schema: 'failsafe' }).map((d): unknown => (d as { toJS: () => unknown }).toJS()))
  })

  it.each([
    ['a deep document after a shallow one', `a: 1\n---\nb: ${'['.repeat(600)}${']'.repeat(600)}\n`, 3, 512],
    ['a document nested by brackets closed inside quotes, after shallow documents', `${[0, 1, 2].map(shallow).join('---\n')}---\na: ${'[ "]", '.repeat(600)}\n`, 16, 512],
    ['a document after `...` nested by brackets closed inside quotes', `a: [${'{}'.repeat(400)}]\n...\nb: ${'[ "]", '.repeat(600)}\n`, 3, 512],
    // Deeper than maxDepth anywhere in the stream is reported before deeper than the composer builds.
    ['a document deeper than maxDepth after one deeper than the composer builds', `x: ${'['.repeat(800)}${']'.repeat(800)}\n---\ny: ${'['.repeat(1200)}\n`, 3, 1000],
    ['a document deeper than the composer builds before a shallow one', `x: ${'['.repeat(800)}${']'.repeat(800)}\n---\ny: ${'['.repeat(100)}${']'.repeat(100)}\n`, 1, 512],
  ])('refuses %s with the line of the document that exceeds', (_name, text, line, limit) => {
    expect(() => parseYamlStream(text, { source: 'deep.yaml' })).toThrow(
      expect.objectContaining({
        code: 'CORE_YAML_TOO_DEEP',
        message: expect.stringMatching(new RegExp(`^deep\\.yaml: line ${line}: nested more than ${limit} levels deep`)),
        details: { source: 'deep.yaml', line, limit },
      }),
    )
  })

  it('refuses nesting built from aliases beyond maxDepth', () => {
    const lines = ['a0: &a0 [x]']
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [*a${i - 1}]`)
    expect(() => parseYamlStream(lines.join('\n'), { source: 'alias-deep.yaml', budget: { maxDepth: 10 } })).toThrow(
      expect.objectContaining({ code: 'CORE_YAML_TOO_DEEP' }),
    )
  })

  it('refuses an alias inside its own anchor', () => {
    expect(() => parseYamlStream('a: &x [*x]\n', { source: 'cycle.yaml' })).toThrow(expect.objectContaining({ code: 'CORE_YAML_INVALID' }))
  })

  it('refuses a document over maxDocumentSize before parsing it', () => {
    expect(() => parseYamlStream(`a: ${'x'.repeat(100)}\n`, { source: 'big.yaml', budget: { maxDocumentSize: 50 } })).toThrow(
      expect.objectContaining({ code: 'CORE_YAML_TOO_LARGE' }),
    )
  })

  it('has one default budget', () => {
    expect(defaultYamlBudget).toEqual({ maxDocumentSize: 8 * 1024 * 1024, maxAliasExpansion: 10_000, maxDepth: 1_000 })
  })
})
