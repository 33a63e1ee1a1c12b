// Bad input against core's YAML entry points: each case is refused with a typed error naming its
// source, or read with hostile keys kept as plain data; no prototype changes.
import { afterEach, describe, expect, it } from 'vitest'
import { assertNoPollution, plantedProperty, pollutingJson, pollutingYaml } from '../../../../testing/pollution.js'
import { parseDocuments, parseInventory, parseObjects, stringifyObjects, stringifyValue } from '../../src/index.js'
import type { KubeObject, KubeValue } from '../../src/index.js'
import { parseYamlStream, parseYamlValues, withinYamlNesting, yamlNestingError } from '../../src/yaml.js'

afterEach(() => {
  assertNoPollution()
})

function bomb(): string {
  // The 418-byte "billion laughs" of issue 12: nine levels of nine aliases.
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  const names = 'abcdefghi'
  for (let i = 1; i < 9; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]`)
  return lines.join('\n')
}

function deep(n: number): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: ${'['.repeat(n)}${']'.repeat(n)}\n`
}

/** What `run` throws, or undefined when it returns. */
function thrownBy(run: () => unknown): unknown {
  try {
    run()
  } catch (e) {
    return e
  }
  return undefined
}

const entryPoints: readonly [string, (text: string) => unknown][] = [
  ['parseDocuments', (text) => parseDocuments(text, { source: 'in.yaml' })],
  ['parseObjects', (text) => parseObjects(text, { source: 'in.yaml' })],
  ['parseYamlStream', (text) => parseYamlStream(text, { source: 'in.yaml' })],
]

describe('core YAML faults', () => {
  it.each(entryPoints)('%s refuses the alias bomb with CORE_YAML_INVALID naming the file', (_name, parse) => {
    expect(() => parse(bomb())).toThrow(expect.objectContaining({ code: 'CORE_YAML_INVALID', message: expect.stringMatching(/^in\.yaml: /) }))
  })

  it.each(entryPoints)('%s refuses flow nesting 100,000 deep with CORE_YAML_TOO_DEEP, not a stack overflow', (_name, parse) => {
    expect(() => parse(deep(100_000))).toThrow(expect.objectContaining({ code: 'CORE_YAML_TOO_DEEP', message: expect.stringMatching(/^in\.yaml: /) }))
  })

  it('withinYamlNesting answers no for nesting 100,000 deep (brackets, indentation, `- ` entries) without recursing, and yes for empty text', () => {
    expect(withinYamlNesting(deep(100_000), 1000)).toBe(false)
    expect(withinYamlNesting(`a: "${'{'.repeat(100_000)}"`, 1000)).toBe(false)
    expect(withinYamlNesting(`${' '.repeat(100_000)}x`, 1000)).toBe(false)
    expect(withinYamlNesting(`${'- '.repeat(100_000)}x`, 1000)).toBe(false)
    expect(withinYamlNesting('', 0)).toBe(true)
    expect(withinYamlNesting(' '.repeat(100_000), 1000)).toBe(true)
    expect(withinYamlNesting(']]]}}}', 1)).toBe(true)
  })

  // Text that fails the cheap scan is measured for real; hostile shapes of it stay bounded.
  const strung = `a: "${'['.repeat(5000)}"\nb: '${'{'.repeat(5000)}'\n# ${'['.repeat(5000)}\nc: |\n  ${'{'.repeat(5000)}\n`
  it.each([
    ['100,000 `[` after strings full of brackets', `${strung}d: ${'['.repeat(100_000)}\n`, 6],
    ['100,000 `{a: ` after strings full of brackets', `${strung}d: ${'{a: '.repeat(100_000)}\n`, 6],
    ['100,000 `[a: ` pairs', `${strung}d: ${'[a: '.repeat(100_000)}\n`, 6],
    ['100,000 `- ` entries', `${strung}d:\n${'- '.repeat(100_000)}x\n`, 7],
    ['100,000 `? ` keys', `${strung}d:\n${'? '.repeat(100_000)}x\n`, 7],
    ['an unterminated string then 100,000 `[`', `a: "x\nb: ${'['.repeat(100_000)}\n`, undefined],
    ['a document of 8 MiB of `[`', '['.repeat(8 * 1024 * 1024 - 1), 1],
  ])('%s: refused with CORE_YAML_TOO_DEEP naming the line, not a stack overflow', (_name, text, line) => {
    for (const [, parse] of entryPoints) {
      const error = thrownBy(() => parse(text))
      if (line === undefined) {
        // Not YAML at all: refused as too deep or reported as a syntax error, never a crash.
        if (error !== undefined) expect(error).toMatchObject({ code: expect.stringMatching(/^CORE_YAML_(TOO_DEEP|INVALID)$/) })
        continue
      }
      expect(error).toMatchObject({ code: 'CORE_YAML_TOO_DEEP', message: `in.yaml: line ${line}: nested more than 1000 levels deep`, details: { source: 'in.yaml', line, limit: 1000 } })
    }
  })

  // Shapes the cheap scan once missed, so that they reached the `yaml` composer (which recurses
  // per level): a lineless "nested too deeply to parse", and for `-\t` entries parsed twice, a
  // process aborted by V8 ("RegExpCompiler Allocation failed": yaml's flow scalar regular
  // expression compiled with the stack exhausted). Each is refused before composing, with the line,
  // and parsed twice to show the process survives.
  it.each([
    ['100,000 `-\t` entries', `${'-\t'.repeat(100_000)}x`, 1, 1000],
    ['100,000 `?\t` keys', `${'?\t'.repeat(100_000)}x`, 1, 1000],
    ['`- \t` entries', `x: 1\n${'- \t'.repeat(5000)}x`, 2, 1000],
    ['indentation by lone CRs', `x:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\r')} x`, 2, 1000],
    ['999 `[a: ` pairs (1,998 levels)', `x: 1\ny: ${'[a: '.repeat(999)}`, 2, 1000],
    ['100,000 `[` closed inside quotes', `x: 1\ny: ${'[ "]" '.repeat(100_000)}`, 2, 1000],
    ['800 `[` (within 1000, beyond what the composer builds)', `x: 1\ny: ${'['.repeat(800)}${']'.repeat(800)}\n`, 2, 512],
    ['600 `- ` entries', `x: 1\ny:\n${'- '.repeat(600)}x\n`, 3, 512],
    // Invalid YAML that the parser still nests where the cheap scan sees no depth: keys after keys
    // on one line, entries with no content, block mappings inside flow ones.
    ['5,000 keys on one line', `k: ${'a: '.repeat(5000)}x\n`, 1, 1000],
    ['700 keys on one line', `x: 1\nk: ${'a: '.repeat(700)}x\n`, 2, 512],
    ['5,000 `- ` entries without content', `x: 1\ny:\n${'- '.repeat(5000)}\n`, 3, 1000],
    ['510 `{a: b: ` (two levels a brace)', `k: ${'{a: b: '.repeat(510)}x\n`, 1, 1000],
  ])('%s: refused with CORE_YAML_TOO_DEEP naming the line, twice over', (_name, text, line, limit) => {
    for (let round = 0; round < 2; round++) {
      for (const [, parse] of entryPoints) {
        const error = thrownBy(() => parse(text))
        expect(error).toMatchObject({ code: 'CORE_YAML_TOO_DEEP', message: expect.stringMatching(new RegExp(`^in\\.yaml: line ${line}: nested more than ${limit} levels deep`)), details: { source: 'in.yaml', line, limit } })
      }
    }
  })

  // A line of block entries with no content (`- `, `? `, `: `, `-\t`), then a dedent: the `yaml`
  // parser nests one collection per entry, and on the dedent closes them one call inside another,
  // which overflowed its stack ("nested too deeply to parse", without a line; with the stack
  // exhausted, V8 could abort the process). The cheap scan once saw no depth in them, so that the
  // parser's open collections went unwatched. Every reader, twice over.
  const everyReader: readonly [string, (text: string) => unknown][] = [
    ...entryPoints,
    ['parseYamlValues (v3)', (text) => parseYamlValues(text, { source: 'in.yaml' })],
    ['parseYamlValues (v2)', (text) => parseYamlValues(text, { source: 'in.yaml', dialect: 'v2' })],
  ]
  it.each([
    ['3,000 `- ` entries', `y:\n${'- '.repeat(3000)}\nz: 1\n`, 2],
    ['3,000 `- ` entries after a key', `x: 1\ny:\n${'- '.repeat(3000)}\nz: 1\n`, 3],
    ['3,000 `: ` values', `a:\n${': '.repeat(3000)}\nz: 1\n`, 2],
    ['3,000 `? ` keys', `a:\n${'? '.repeat(3000)}\nz: 1\n`, 2],
    ['1,500 `- ? `', `a:\n${'- ? '.repeat(1500)}\nz: 1\n`, 2],
    ['3,000 `-\t` entries', `a:\n${'-\t'.repeat(3000)}\nz: 1\n`, 2],
    ['3,000 `- ` entries, CRLF', `a:\r\n${'- '.repeat(3000)}\r\nz: 1\r\n`, 2],
    ['3,000 `- ` entries in a BOM document after `...`', `\uFEFFa: 1\n...\n\uFEFF---\n${'- '.repeat(3000)}\nz: 1\n`, 4],
  ])('%s then a dedent: refused with CORE_YAML_TOO_DEEP naming the line, twice over', (_name, text, line) => {
    for (let round = 0; round < 2; round++) {
      for (const [reader, parse] of everyReader) {
        const error = thrownBy(() => parse(text))
        expect(error, reader).toMatchObject({ code: 'CORE_YAML_TOO_DEEP', message: `in.yaml: line ${line}: nested more than 1000 levels deep`, details: { source: 'in.yaml', line, limit: 1000 } })
      }
    }
  })

  // Shapes like those that the parser does not nest: syntax errors, named with their line.
  it.each([
    ['3,000 `- ` entries between lone CRs (not line breaks to the parser)', `a:\r${'- '.repeat(3000)}\rz: 1\r`, 1],
    ['3,000 anchored `- &a ` entries', `a:\n${'- &a '.repeat(3000)}\nz: 1\n`, 2],
    ['3,000 `k: - ` on one line', `${'k: - '.repeat(3000)}x\nz: 1\n`, 1],
  ])('%s then a dedent: a syntax error (CORE_YAML_INVALID) naming the line', (_name, text, line) => {
    for (const [reader, parse] of everyReader) {
      if (reader === 'parseYamlStream') {
        // It leaves syntax errors in each document for its caller.
        const stream = parse(text) as ReturnType<typeof parseYamlStream>
        expect(stream.documents[0]?.document.errors.length).toBeGreaterThan(0)
        continue
      }
      expect(thrownBy(() => parse(text)), reader).toMatchObject({ code: 'CORE_YAML_INVALID', details: { source: 'in.yaml', line } })
    }
  })

  it('withinYamlNesting answers no for a line of entries without content', () => {
    for (const entry of ['- ', '? ', '-\t', '- ? ']) expect(withinYamlNesting(`y:\n${entry.repeat(3000)}\nz: 1\n`, 1000), entry).toBe(false)
    expect(withinYamlNesting(`y:\n${'- '.repeat(100)}\nz: 1\n`, 1000)).toBe(true)
  })

  it.each(entryPoints)('%s reads 500 levels of flow and of block nesting', (_name, parse) => {
    const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: "${'['.repeat(1000)}"\nx: ${'['.repeat(495)}${']'.repeat(495)}\n`
    const block = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nx:\n${'- '.repeat(495)}x\n`
    for (const text of [flow, block]) expect(() => parse(text)).not.toThrow()
  })

  it.each(entryPoints)('%s reads a document with 100,000 brackets inside strings, a comment and a block scalar', (_name, parse) => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: re # ${'['.repeat(100_000)}\ndata:\n  a: "${'['.repeat(100_000)}"\n  b: '${'{'.repeat(100_000)}'\n  c: |\n    ${'['.repeat(100_000)}\n`
    expect(() => parse(text)).not.toThrow()
  })

  it.each(pollutingYaml)('parseDocuments keeps the keys of %j as data', (text) => {
    const [doc] = parseDocuments(text, { source: 'in.yaml' })
    const value = doc?.value
    expect(value).toBeTypeOf('object')
    expect(JSON.stringify(value)).toContain(plantedProperty)
    for (const proto of [Object.getPrototypeOf(value)]) expect(proto === Object.prototype || proto === null).toBe(true)
  })

  it('keeps a merged `constructor` key that a walk over inherited keys would have skipped', () => {
    const [doc] = parseDocuments('base: &b {constructor: 1, toString: 2}\nmerged:\n  <<: *b\n', { source: 'in.yaml' })
    expect(doc?.value).toEqual({ base: { constructor: 1, toString: 2 }, merged: { constructor: 1, toString: 2 } })
  })

  it.each(pollutingJson)('parseObjects reads %j (JSON is YAML) without polluting, refusing it as an object', (json) => {
    expect(() => parseObjects(json, { source: 'in.json' })).toThrow(expect.objectContaining({ code: 'CORE_OBJECT_INVALID' }))
  })

  it('stringifyObjects and stringifyValue print a __proto__ key as data', () => {
    const [object] = parseObjects(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  __proto__: "yes"\n`, { source: 'in.yaml' })
    expect(stringifyObjects([object as KubeObject])).toContain('__proto__: "yes"')
    const [doc] = parseDocuments(pollutingYaml[0] ?? '', { source: 'in.yaml' })
    expect(stringifyValue(doc?.value as KubeValue)).toContain('__proto__:')
  })

  it.each(pollutingJson)('parseInventory refuses %j as an unknown format', (json) => {
    expect(() => parseInventory(json, 'inventory.json')).toThrow(
      expect.objectContaining({ code: 'CORE_INVENTORY_INVALID', message: expect.stringMatching(/^inventory\.json: /) }),
    )
  })
})

describe('yamlNestingError', () => {
  it('names the source and line of text nested too deep for the yaml parser, whatever the shape', () => {
    for (const text of ['k: ' + '['.repeat(100_000), `k:\n${'- '.repeat(200_000)}\n`, `y:\n${'- '.repeat(3000)}\nz: 1\n`, `a: 1\n---\n${'{a: '.repeat(600)}`]) {
      const error = yamlNestingError(text, 'index.yaml')
      expect(error?.code).toBe('CORE_YAML_TOO_DEEP')
      expect(error?.message).toMatch(/^index\.yaml: line \d+: nested more than \d+ levels deep/)
    }
  })

  it('leaves every other fault to the caller: shallow, invalid, huge or alias-heavy text', () => {
    const laughs = ['a: &a [x, x]', ...Array.from({ length: 20 }, (_, i) => `${'b'.repeat(i + 1)}: &b${i} [*${i === 0 ? 'a' : `b${i - 1}`}, *${i === 0 ? 'a' : `b${i - 1}`}]`)].join('\n')
    for (const text of ['', 'a: [1, 2', 'k: "' + '['.repeat(10_000) + '"', `k: ${'x'.repeat(9 * 1024 * 1024)}`, laughs, 'a: &a [*a]']) {
      expect(yamlNestingError(text, 'f.yaml')).toBeUndefined()
    }
  })

  it('refuses nothing only for its depth through aliases, which the yaml parser does not recurse through', () => {
    const deep = (inner: string): string => `${'['.repeat(400)}${inner}${']'.repeat(400)}`
    const text = `x0: &a0 ${deep('x')}\nx1: &a1 ${deep('*a0')}\nx2: &a2 ${deep('*a1')}\n`
    expect(() => parseYamlStream(text, { source: 'f.yaml' })).toThrow(/nested more than 1000 levels deep/)
    expect(yamlNestingError(text, 'f.yaml')).toBeUndefined()
  })
})
