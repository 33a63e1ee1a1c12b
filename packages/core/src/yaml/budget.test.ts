import { describe, expect, it } from 'vitest'
import { defaultYamlBudget, parseYamlStream } from './budget.js'

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
