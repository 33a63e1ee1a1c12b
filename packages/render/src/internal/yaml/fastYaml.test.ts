import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseDocuments } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { sharedPath } from '../../../../../testing/sharedDir.js'
import { fastDocuments } from './fastYaml.js'
import { parseYaml11Full } from './yaml11.js'

function full(text: string): unknown {
  try {
    return parseDocuments(text).map((d) => d.value)
  } catch {
    return 'error'
  }
}

function full11(text: string): unknown {
  try {
    return parseYaml11Full(text, 'k')
  } catch {
    return 'error'
  }
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e)
    if (statSync(p).isDirectory()) yamlFiles(p, out)
    else if (/\.(ya?ml|json)$|Kustomization$/.test(e)) out.push(p)
  }
  return out
}

describe('fastDocuments', () => {
  it.each([
    ['a block mapping and sequence', 'a: 1\nb:\n- x\n- "y"\nc:\n  d: true\n  e: ~\n'],
    ['literal blocks, kept and stripped', 'a: |\n  one\n\n  two\n\nb: |-\n  three\n  # not a comment\nc: d\n'],
    ['compact mappings in a sequence', 'items:\n  - name: a\n    value: 1\n  -   name: b\n      x: [] # empty\n'],
    ['several documents', '---\na: 1\n---\n# only a comment\n---\nb: 2\n'],
    ['quoted keys and escapes', '"a b": "x\\ty\\u00e9"\n\'c\': \'it\'\'s\'\n'],
    ['values starting with a space YAML does not count as one', 'a: \u00a0x\nb:  \u2003y\n'],
    ['regular expressions', 'a: (pod|service)\nb: ^(\\+|-)?[0-9]+$\nc: \\d;x\n'],
    ['dotted versions', 'a: 2.13.0\nb: 0.79.0.12\nc: 1.2.3.4.5\n'],
    ['plain scalars folded over lines', 'a: one two\n  three\n\n  four\n\n\n     five  \nb:\n- x\n  y\n- k: p\n   q\n  l: r\nc: d\n'],
    ['a folded plain scalar before a comment and a sequence', 'a:\n  b: x\n    y\n    # note\n  c:\n  - z\n'],
    ['single-quoted scalars folded over lines', "a: 'it''s\n  a ''long''\n\n    text: yes '\nb: 'x\n  y' # c\n"],
  ])('reads %s as core does', (_name, text) => {
    expect(fastDocuments(text, 'v3')).toEqual(full(text))
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
    ['a tab', 'a:\tb\n'],
    ['a tag', 'a: !!str 1\n'],
  ])('leaves %s to the full parser', (_name, text) => {
    expect(fastDocuments(text, 'v3')).toBeUndefined()
  })

  it('reads YAML 1.1 words and duplicate keys as the kustomization reader does', () => {
    expect(fastDocuments('a: yes\n', 'v11')).toBeUndefined()
    expect(fastDocuments('a: 1\na: 2\n', 'v11')).toEqual([{ a: 2 }])
    expect(parseYaml11Full('a: 1\na: 2\n', 'k')).toEqual({ a: 2 })
  })

  const dir = sharedPath('conformance/kustomize')
  it.runIf(dir !== undefined)('agrees with core on every YAML file of the conformance corpus', () => {
    let fast = 0
    for (const f of yamlFiles(join(dir as string, 'cases'))) {
      const text = readFileSync(f, 'utf8')
      const got = fastDocuments(text, 'v3')
      if (got === undefined) continue
      fast++
      expect(got, f).toEqual(full(text))
    }
    expect(fast).toBeGreaterThan(500)
  })

  it.runIf(dir !== undefined)('agrees with the YAML 1.1 reader on every kustomization file of the corpus', () => {
    let fast = 0
    for (const f of yamlFiles(join(dir as string, 'cases')).filter((p) => /kustomization\.ya?ml$|Kustomization$/.test(p))) {
      const text = readFileSync(f, 'utf8')
      const got = fastDocuments(text, 'v11')
      if (got === undefined) continue
      fast++
      let want: unknown
      try {
        want = parseYaml11Full(text, f)
      } catch {
        want = 'error'
      }
      expect(got[0], f).toEqual(want)
    }
    expect(fast).toBeGreaterThan(200)
  })
})

describe('fastDocuments on generated folded scalars', () => {
  // Pieces a folded plain or single-quoted scalar, its neighbours and its mistakes are made of.
  const pieces = ['word', 'two words', "it''s", ': x', 'y:', ' #c', '#c', '- z', 'k: v', '12', '', '   ', 'a.b', "'", "''", '"q"', 'x ', '2.13.0', '1.2', '0.79.0.1', '1.2.', '(a|b)', '^x$', '\\d+', ';x', ')']
  it('reads what core reads, or leaves it to core', () => {
    let seed = 11
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    let fast = 0
    for (let k = 0; k < Number(process.env.FAST_YAML_CASES ?? 3000); k++) {
      const lines = ['a:', `  b: ${rnd(2) === 0 ? "'" : ''}${pieces[rnd(pieces.length)] as string}${pieces[rnd(pieces.length)] as string}`]
      for (let i = rnd(5); i > 0; i--) lines.push(`${' '.repeat(rnd(6))}${pieces[rnd(pieces.length)] as string}${pieces[rnd(pieces.length)] as string}`)
      lines.push(rnd(2) === 0 ? '  c: d' : 'e:\n- f')
      const text = `${lines.join('\n')}\n`
      const got = fastDocuments(text, 'v3')
      if (got !== undefined) {
        fast++
        expect(got, JSON.stringify(text)).toEqual(full(text))
      }
      const got11 = fastDocuments(text, 'v11')
      if (got11 !== undefined) expect(got11[0], JSON.stringify(text)).toEqual(full11(text))
    }
    expect(fast).toBeGreaterThan(300)
  })
})
