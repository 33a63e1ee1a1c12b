import { describe, expect, it } from 'vitest'
import { defaultYamlBudget, parseYamlStream, withinYamlNesting } from './budget.js'

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

  it('withinYamlNesting answers as the pre-check of parseYamlStream does, which names the line', () => {
    const limit = 10
    const cases: Array<[string, boolean]> = [
      ['a: [[[1]]]\n', true],
      [`a: ${'['.repeat(11)}`, false],
      // Brackets inside quotes count too (a conservative bound).
      [`a: "${'{'.repeat(11)}"\n`, false],
      [`a: "${'{'.repeat(10)}"\n`, true],
      [`x: 1\n${'- '.repeat(6)}x`, false],
      [`x: 1\n${'- '.repeat(6)}[x]\n`, false],
      [`x: 1\n${' '.repeat(11)}`, false],
      [`${' '.repeat(11)}\nx: 1\n`, true],
    ]
    for (const [text, within] of cases) {
      expect(withinYamlNesting(text, limit), JSON.stringify(text)).toBe(within)
      let code: unknown
      try {
        parseYamlStream(text, { source: 's.yaml', budget: { maxDepth: limit } })
      } catch (e) {
        code = (e as { code?: unknown }).code
      }
      expect(code === 'CORE_YAML_TOO_DEEP', JSON.stringify(text)).toBe(!within)
    }
    expect(() => parseYamlStream(`x: 1\ny: 2\nz: ${'['.repeat(11)}`, { source: 's.yaml', budget: { maxDepth: limit } })).toThrow(
      expect.objectContaining({ code: 'CORE_YAML_TOO_DEEP', message: 's.yaml: line 3: nested more than 10 levels deep' }),
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
