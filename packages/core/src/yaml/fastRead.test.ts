import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sharedPath } from '../../../../testing/sharedDir.js'
import { isGitOpsError } from '../errors.js'
import { fastYamlDocuments } from './fastRead.js'
import type { YamlValuesOptions } from './parseValues.js'
import { parseYamlValues, parseYamlValuesFull } from './parseValues.js'

type Dialect = 'v3' | 'v2'

/** Everything a reader's caller can see: documents, how nulls and other scalars were written, or the error. */
function outcome(read: (options: YamlValuesOptions) => unknown, dialect: Dialect): unknown {
  const notes: [object, string | number, string, string][] = []
  try {
    const docs = read({
      source: 'in.yaml',
      dialect,
      onNull: (map, key, text) => notes.push([map, key, text, 'null']),
      onScalarText: (container, key, text) => notes.push([container, key, text, 'text']),
    }) as { value: unknown }[]
    // Containers are named by their path in the documents, which both readers build alike.
    const paths = new Map<unknown, string>()
    const walk = (v: unknown, path: string): void => {
      if (v === null || typeof v !== 'object') return
      paths.set(v, path)
      for (const [k, x] of Object.entries(v)) walk(x, `${path}/${k}`)
    }
    docs.forEach((d, i) => walk(d.value, `${i}`))
    return { docs: tagNumbers(docs), notes: notes.map(([c, key, text, kind]) => [paths.get(c) ?? 'not in the result', key, text, kind]) }
  } catch (err) {
    if (!isGitOpsError(err)) throw err
    return { code: err.code, message: err.message }
  }
}

/** Values with -0 and bigints made visible to toEqual. */
function tagNumbers(v: unknown): unknown {
  if (typeof v === 'bigint') return `bigint:${v}`
  if (Object.is(v, -0)) return 'minus zero'
  if (Array.isArray(v)) return v.map(tagNumbers)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tagNumbers(x)]))
  return v
}

/** Asserts that the reader with its fast path and without it agree; returns whether the fast path read it. */
function agrees(text: string, dialect: Dialect, label = JSON.stringify(text)): boolean {
  const fast = outcome((o) => parseYamlValues(text, o), dialect)
  const full = outcome((o) => parseYamlValuesFull(text, o), dialect)
  expect(fast, `${dialect} ${label}`).toEqual(full)
  return fastYamlDocuments(text, { dialect, maxDepth: 1000 }) !== undefined
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e)
    if (statSync(p).isDirectory()) yamlFiles(p, out)
    else if (/\.(ya?ml|json)$|Kustomization$/.test(e)) out.push(p)
  }
  return out
}

describe('the fast reader', () => {
  it.each([
    ['a block mapping and sequence', 'a: 1\nb:\n- x\n- "y"\nc:\n  d: true\n  e: ~\n'],
    ['literal blocks, kept and stripped', 'a: |\n  one\n\n  two\n\nb: |-\n  three\n  # not a comment\nc: d\n'],
    ['compact mappings in a sequence', 'items:\n  - name: a\n    value: 1\n  -   name: b\n      x: [] # empty\n'],
    ['several documents, empty ones counted', '---\na: 1\n---\n# only a comment\n---\nb: 2\n'],
    ['comments before the first document marker', '# c\n\n---\na: 1\n--- # c\nb: 2\n---\n'],
    ['quoted keys and escapes', '"a b": "x\\ty\\u00e9"\n\'c\': \'it\'\'s\'\n'],
    ['values starting with a space YAML does not count as one', 'a: \u00a0x\nb:  \u2003y\n'],
    ['regular expressions', 'a: (pod|service)\nb: ^(\\+|-)?[0-9]+$\nc: \\d;x\n'],
    ['dotted versions', 'a: 2.13.0\nb: 0.79.0.12\nc: 1.2.3.4.5\n'],
    ['plain scalars folded over lines', 'a: one two\n  three\n\n  four\n\n\n     five  \nb:\n- x\n  y\n- k: p\n   q\n  l: r\nc: d\n'],
    ['a folded plain scalar before a comment and a sequence', 'a:\n  b: x\n    y\n    # note\n  c:\n  - z\n'],
    // Folded plain scalars with and without blank lines and trailing white space, beside literal
    // blocks (cut out of the source by summed line offsets), in sequences, over documents, with
    // other Unicode.
    [
      'folded plain scalars beside literal blocks, in sequences and over documents',
      `a: one two\n  three\n     four\nb: |\n  lit\nc:\n- x é\n  y\u00a0z\n- k: p\n   q \n  l: r\n---\nd: ${'w '.repeat(60)}w\n  \u{1f600} v\ne: |-\n  x\n    y\nf: s\n  t\n\n  u\ng: one  \n  two\n`,
    ],
    ['single-quoted scalars folded over lines', "a: 'it''s\n  a ''long''\n\n    text: yes '\nb: 'x\n  y' # c\n"],
    ['nulls written every way', 'a:\nb: null\nc: ~\nd: Null\ne:\n  f: NULL\n'],
    ['prototype keys as data', '__proto__:\n  polluted: yes\nconstructor: x\n'],
    // Literal blocks are cut out of the source text by their lines' offsets, which the reader sums
    // as it meets them: several blocks, several documents, blocks after long lines and at the end.
    [
      'literal blocks across documents',
      `a: ${'x'.repeat(300)}\nb: |-\n    {\n      "k": [1]\n    }\nc: |\n  one\n\n  two\n---\nd:\n- |-\n  three\n   four\n- e\n---\nf: |\n  last\n`,
    ],
    // Lines are found in the text by their starts, without splitting it: the last line with and
    // without a final line break, markers on the first and last line, indented marker-like text.
    ['a last line without a line break', 'a: 1\nb: x'],
    ['a marker as the last line, without a line break', 'a: 1\n---'],
    ['markers only', '---\n---\n'],
    ['a literal block with a blank line shorter than its indentation', 'a: |\n    x\n  \n    y\nb: c\n'],
    ['a literal block as the last document', '---\na: 1\n---\nb: |-\n  x\n\n  y\n'],
  ])('reads %s as the full parser does', (_name, text) => {
    expect(agrees(text, 'v3')).toBe(true)
    agrees(text, 'v2')
  })

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a number go-yaml resolves specially', 'a: 0x1F\n'],
    ['a folded block', 'a: >\n  x\n'],
    ['a flow mapping', 'a: {b: c}\n'],
    ['a multi-line plain scalar after a comment', 'a: one # c\n  two\n'],
    ['a multi-line plain scalar with a comment line inside', 'a: one\n  two\n  # c\n  three\n'],
    ['a multi-line plain scalar with a key-like line', 'a: one\n  two: three\n'],
    ['a multi-line plain scalar with an indicator', 'a: one\n  - two\n'],
    ['a multi-line plain scalar that reads as a number', 'a: 1\n  2\n'],
    ['a single-quoted scalar that never closes', "a: 'one\n  two\n"],
    ['a single-quoted scalar continued too far left', "a:\n  b: 'one\n  two'\n"],
    ['a multi-line double-quoted scalar', 'a: "one\n  two"\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['an indented marker-like line', 'a:\n  --- x\n'],
    ['a document end marker as the last line, without a line break', 'a: 1\n...'],
    ['a tab', 'a:\tb\n'],
    ['a tag', 'a: !!str 1\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a document end marker', 'a: 1\n...\n---\nb: 2\n'],
    // Found by the generated cases below at 100,000: a `#` right after `---` makes no comment.
    ['a document marker with a comment mark right after it', 'a: 1\n---#c\nb: 2\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a byte order mark', '\ufeffa: 1\n'],
    ['a comment mark inside a key', 'a #b: c\n'],
    ['a block indicator where a value starts', 'a: - x\n'],
    ['a mapping indicator as a value', 'a: ? x\n'],
    ['a literal block with odd indentation', 'a: |\n    one\n  two\n'],
  ])('leaves %s to the full parser', (_name, text) => {
    expect(fastYamlDocuments(text, { dialect: 'v3', maxDepth: 1000 })).toBeUndefined()
    agrees(text, 'v3')
    agrees(text, 'v2')
  })

  // Comment marks and indicators near keys and values: whichever reader reads them, the answer is the same.
  it.each([
    ['comment marks in keys and values', 'a: x #c: d\nb #: c\nc: "#"\nd: e # f: g\n'],
    ['comment marks in a key only', 'x: 1\nb #: c\n'],
    ['values that start like indicators but are text', 'a: -x\nb: ?x\nc: :x\nd: -\n'],
    ['indicator-like words', 'a: x-y\nb: a?b\nc: a:b\n'],
    // White space trimStart would take besides the space, in an otherwise ASCII text and not.
    ['a form feed opening an indented line', 'a:\n  \fb: x\n'],
    ['a vertical tab opening an indented line', 'a:\n  \vb: x\n'],
    ['a vertical tab opening a value', 'c: \vy\n'],
    ['a form feed beside other Unicode', 'a:\n  \fb: x\nc: \u00e9\n'],
    ['a no-break space opening an indented line', 'a:\n  \u00a0b: x\n'],
    ['an ideographic space opening an indented line', 'a:\n  \u3000b: x\n'],
  ])('agrees with the full parser on %s', (_name, text) => {
    agrees(text, 'v3')
    agrees(text, 'v2')
  })

  it('reads lowercase hexadecimal words (revisions, checksums, tokens) itself, and agrees on the numbers among them', () => {
    const words = ['92f8c7a2feecd607e0b5800fcc99c99b3628f3e01f66de59', '3f2a', '1a', '0a', '00ff', '7e', '12e', '1ee5', '9abcdef0123']
    for (const w of words) {
      expect(agrees(`token: ${w}\n${w}: x\nlist:\n- ${w}\n`, 'v3', w), w).toBe(true)
      expect(agrees(`token: ${w}\n`, 'v2', w), w).toBe(true)
    }
    // Floats, binary and octal integers, upper case, other characters: the full parser decides.
    for (const w of ['1e5', '12e34', '0e0', '0b1', '0b101', '0bad', '017', '0x1f', '0o17', '1E5', '3F2A', '1_0a', '1a-2', '1a:2']) {
      expect(fastYamlDocuments(`v: ${w}\n`, { dialect: 'v3', maxDepth: 1000 }), w).toBeUndefined()
      agrees(`v: ${w}\n`, 'v3', w)
      agrees(`v: ${w}\n`, 'v2', w)
    }
  })

  it('reads YAML 1.1 words and duplicate keys as the kustomization reader does', () => {
    expect(fastYamlDocuments('a: yes\n', { dialect: 'v2', maxDepth: 1000 })).toBeUndefined()
    expect(fastYamlDocuments('a: 1\na: 2\n', { dialect: 'v2', maxDepth: 1000 })?.map((d) => d.value)).toEqual([{ a: 2 }])
    expect(agrees('a: 1\na: 2\n', 'v2')).toBe(true)
  })

  it('reports the text of booleans and numbers written otherwise than String writes them', () => {
    const texts: unknown[] = []
    const docs = parseYamlValues('a: True\nb: 1.10\nc: [0x10, 1e3, 7]\nd:\n- FALSE\n- true\ne: "1.10"\n', {
      source: 's',
      onScalarText: (container, key, text) => texts.push([Array.isArray(container) ? 'seq' : 'map', key, text]),
    })
    expect(docs[0]?.value).toEqual({ a: true, b: 1.1, c: [16, 1000, 7], d: [false, true], e: '1.10' })
    expect(texts).toEqual([['map', 'a', 'True'], ['map', 'b', '1.10'], ['seq', 0, '0x10'], ['seq', 1, '1e3'], ['seq', 0, 'FALSE']])
    const fast: unknown[] = []
    parseYamlValues('a: True\nd:\n- FALSE\n- true\n', { source: 's', onScalarText: (c, key, text) => fast.push([key, text]) })
    expect(fast).toEqual([['a', 'True'], [0, 'FALSE']])
  })

  it('reports a bad document it would otherwise read as the full parser does, with source and line', () => {
    let error: unknown
    try {
      parseYamlValues('a: 1\n---\nb: 1\nb: 2\n', { source: 'dup.yaml' })
    } catch (err) {
      error = err
    }
    expect(isGitOpsError(error, 'CORE_YAML_INVALID')).toBe(true)
    expect((error as Error).message).toMatch(/^dup\.yaml: document 2, line 4, column 1: duplicate mapping key/)
    expect(() => parseYamlValues('a:\n  b:\n    c: 1\n', { source: 'deep.yaml', budget: { maxDepth: 2 } })).toThrow(/^deep\.yaml: line 3: nested more than 2 levels/)
    expect(() => parseYamlValues(`a: ${'x'.repeat(100)}\n`, { source: 'big.yaml', budget: { maxDocumentSize: 50 } })).toThrow(/big\.yaml: document 1 is 104 characters/)
  })

  // Scalars in every style and the words and numbers the dialects read differently, each as a
  // mapping value, a sequence item and a key, in both dialects.
  const scalars = [
    'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO', 'true', 'False', 'TRUE', 'null', 'Null', '~', '',
    '0', '-0', '+1', '12', '012', '0o12', '0x1F', '0b101', '1_000', '1.10', '1e3', '1E+3', '.5', '-.5', '1.', '.inf', '-.Inf', '.NaN',
    '9007199254740993', '123456789012345', '1234567890123456', '-123456789012345', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30:45', '190:20:30',
    '"1"', "'1'", '"yes"', "'it''s'", '"a\\nb"', '"\\u00e9\\x41"', '"\\/"', '"\\ud83d"', 'a b', 'a:b', 'a #b', 'a#b', '-a', '- a', '?x', '=', '<<',
    '[]', '{}', '[a]', '{a: 1}', '&x a', '*x', '!x a', '!!int "3"', '|', '|-', '|+', '>', 'é', '2.13.0', '^x$', '(a)', '\\d', '@x', '`x', '%x',
  ]
  it('reads every scalar style and dialect word as the full parser does', () => {
    let fast = 0
    for (const s of scalars) {
      for (const text of [`k: ${s}\n`, `- ${s}\n`, `${s}: v\n`, `a:\n  b: ${s}\n  c: d\n`, `- k: ${s}\n  l: ${s}\n`]) {
        for (const dialect of ['v3', 'v2'] as const) if (agrees(text, dialect)) fast++
      }
    }
    expect(fast).toBeGreaterThan(150)
  })

  it('reads streams, comments, empty documents and odd text as the full parser does', () => {
    const texts = [
      '', '\n', '# only\n', '---\n', '---\n---\n', 'a: 1\n---\n', '---\na: 1\n---\n\n---\nb: 2\n', 'a: 1\n--- # c\n# d\nb: 2', '--- \na: 1\n',
      '--- a\n', '---a: 1\n', '----\na: 1\n', 'a: 1\n...\n', '...\n', 'a: 1\n---\n...\nb: 1\n', '# c\n---\n# d\n---\na: 1\n',
      'a: 1 # c\nb: 2#c\nc: "x" # c\nd: \'y\'#c\n', '  a: 1\n  b: 2\n', ' a: 1\nb: 2\n', 'a:\n    b: 1\n  c: 2\n', 'a:\n- b\n-   c\n  - d\n',
      '- - a\n  - b\n', '- \n- ~\n-\n', 'a: |\n\n  x\n', 'a: |\n  x\n y\n', 'a: |\n  x\n\n\n', 'a: |-\n  x\n  \n   y\nb: 1\n', 'a: |2\n   x\n', 'a: |\n  x', 'a: |\n  x\n \n  y\n', 'a: |-\n    x\n\n    \n      \n     y\n       \nb: |\n  z\n \n', '- |\n  a\n   b\n\n- c\n',
      'a: b\n  c\n  d: e\n', "a: 'x\n\n  y'\n", 'a:\n  - b\n  -\n    c: d\n', 'key:    spaced   \n', 'a: "unterminated\n', "a: 'x' y\n", 'a: [1, 2\n',
      ': v\n', 'a:: b\n', 'a :b\n', 'a : b\n', '"a":b\n', 'a: b: c\n', '- a: b\n  - c\n', 'a:\n b:\n  c:\n   d: 1\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  big: ' + 'x'.repeat(200_000) + '\n',
    ]
    let fast = 0
    for (const t of texts) for (const dialect of ['v3', 'v2'] as const) if (agrees(t, dialect)) fast++
    expect(fast).toBeGreaterThan(30)
  })

  it('reads deep nesting as the full parser does, and leaves nesting over the budget to it', () => {
    const deep = (n: number): string => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n'
    expect(agrees(deep(500), 'v3')).toBe(true)
    const seqs = (n: number): string => Array.from({ length: n }, (_, i) => `${' '.repeat(2 * i)}- `).join('\n') + 'x\n'
    expect(agrees(seqs(300), 'v3')).toBe(true)
    const over = (o: YamlValuesOptions): unknown => parseYamlValues(deep(40), { ...o, budget: { maxDepth: 30 } })
    const overFull = (o: YamlValuesOptions): unknown => parseYamlValuesFull(deep(40), { ...o, budget: { maxDepth: 30 } })
    expect(outcome(over, 'v3')).toEqual(outcome(overFull, 'v3'))
    expect(outcome(over, 'v3')).toMatchObject({ code: 'CORE_YAML_TOO_DEEP' })
    // Brackets inside a string fail the cheap scan; the full parser measures the real nesting and
    // reads the text, as this reader (which leaves such a text to it) does.
    const brackets = `a: "${'['.repeat(40)}"\n`
    const bracketsFast = (o: YamlValuesOptions): unknown => parseYamlValues(brackets, { ...o, budget: { maxDepth: 30 } })
    const bracketsFull = (o: YamlValuesOptions): unknown => parseYamlValuesFull(brackets, { ...o, budget: { maxDepth: 30 } })
    expect(outcome(bracketsFast, 'v3')).toEqual(outcome(bracketsFull, 'v3'))
    expect(outcome(bracketsFast, 'v3')).not.toHaveProperty('code')
  })

  const dir = sharedPath('conformance/kustomize')
  it.runIf(dir !== undefined)('agrees with the full parser on every YAML file of the conformance corpus, kustomization files in both dialects', () => {
    let fast = 0
    let fast11 = 0
    for (const f of yamlFiles(join(dir as string, 'cases'))) {
      const text = readFileSync(f, 'utf8')
      if (agrees(text, 'v3', f)) fast++
      // The YAML 1.1 dialect reads kustomization files.
      if (/kustomization\.ya?ml$|Kustomization$/.test(f) && agrees(text, 'v2', f)) fast11++
    }
    expect(fast).toBeGreaterThan(500)
    expect(fast11).toBeGreaterThan(200)
  })
})

describe('the fast reader on generated folded scalars', () => {
  // Pieces a folded plain or single-quoted scalar, its neighbours and its mistakes are made of.
  const pieces = ['word', 'two words', "it''s", ': x', 'y:', ' #c', '#c', '- z', 'k: v', '12', '', '   ', 'a.b', "'", "''", '"q"', 'x ', '2.13.0', '1.2', '0.79.0.1', '1.2.', '(a|b)', '^x$', '\\d+', ';x', ')', 'yes', '~', '---', '|', '[]']
  it('reads what the full parser reads, or leaves it to it', () => {
    let seed = 11
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    let fast = 0
    for (let k = 0; k < Number(process.env.FAST_YAML_CASES ?? 2000); k++) {
      const lines = ['a:', `  b: ${rnd(2) === 0 ? "'" : ''}${pieces[rnd(pieces.length)] as string}${pieces[rnd(pieces.length)] as string}`]
      for (let i = rnd(5); i > 0; i--) lines.push(`${' '.repeat(rnd(6))}${pieces[rnd(pieces.length)] as string}${pieces[rnd(pieces.length)] as string}`)
      lines.push(rnd(2) === 0 ? '  c: d' : 'e:\n- f')
      const text = `${lines.join('\n')}\n`
      if (agrees(text, 'v3')) fast++
      agrees(text, 'v2')
    }
    expect(fast).toBeGreaterThan(200)
  })
})
