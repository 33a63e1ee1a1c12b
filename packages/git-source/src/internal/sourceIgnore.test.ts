import { describe, expect, it } from 'vitest'
import { createMatcher, excludedWhole, readPatterns, sourceIgnoreMatcher } from './sourceIgnore.js'

const excludedBy = (text: string, path: string): boolean => createMatcher(readPatterns(text, []))(path, false)

describe('sourceIgnore matching (go-git semantics, as Flux)', () => {
  it.for([
    { name: 'a bare name matches at any depth', pattern: 'secret.yaml', path: 'a/b/secret.yaml', excluded: true },
    { name: 'a glob matches one segment', pattern: '*.md', path: 'docs/README.md', excluded: true },
    { name: 'a leading slash anchors to the root', pattern: '/scratch', path: 'apps/scratch/x.yaml', excluded: false },
    { name: 'an anchored directory excludes what is below', pattern: '/scratch/', path: 'scratch/x.yaml', excluded: true },
    { name: 'dir/ does not match a file of that name', pattern: 'build/', path: 'build', excluded: false },
    { name: 'dir/ matches files below at any depth', pattern: 'build/', path: 'a/build/out.yaml', excluded: true },
    { name: '** matches any number of directories', pattern: '**/.sops.yaml', path: 'a/b/.sops.yaml', excluded: true },
    { name: '** at the root level too', pattern: '**/.sops.yaml', path: '.sops.yaml', excluded: true },
    { name: 'a/** matches everything below a', pattern: 'a/**', path: 'a/b/c', excluded: true },
    { name: 'a middle ** spans directories', pattern: 'a/**/z.yaml', path: 'a/b/c/z.yaml', excluded: true },
    { name: 'a path pattern is anchored', pattern: 'apps/*.yaml', path: 'x/apps/a.yaml', excluded: false },
    { name: 'character classes', pattern: 'v[0-9].yaml', path: 'v7.yaml', excluded: true },
    { name: 'negated character classes use ^', pattern: 'v[^0-9].yaml', path: 'v7.yaml', excluded: false },
    { name: 'escaped wildcard is literal', pattern: 'a\\*.yaml', path: 'ab.yaml', excluded: false },
    { name: 'comments and blank lines are skipped', pattern: '# a.yaml\n\n', path: 'a.yaml', excluded: false },
    { name: 'the last matching pattern wins', pattern: '*.yaml\n!keep.yaml', path: 'keep.yaml', excluded: false },
    { name: 'a file in an excluded directory can be brought back (unlike git)', pattern: 'apps/\n!apps/web.yaml', path: 'apps/web.yaml', excluded: false },
    { name: 'a negation elsewhere does not', pattern: 'apps/\n!other/web.yaml', path: 'apps/web.yaml', excluded: true },
  ])('$name', ({ pattern, path, excluded }) => {
    expect(excludedBy(pattern, path)).toBe(excluded)
  })

  it('scopes patterns of a nested .sourceignore to its directory', () => {
    const match = createMatcher(readPatterns('*.yaml', ['apps']))
    expect(match('apps/a.yaml', false)).toBe(true)
    expect(match('a.yaml', false)).toBe(false)
    expect(match('apps', false)).toBe(false)
  })

  it('uses Flux defaults only when there are no patterns, and VCS exclusions always', () => {
    const defaults = sourceIgnoreMatcher([])
    for (const path of ['.git/config', '.gitignore', 'x/.gitmodules', 'logo.png', '.github/workflows/ci.yml', 'deep/.sops.yaml', '.gitlab-ci.yml', 'chart.tar.gz']) {
      expect(defaults(path, false), path).toBe(true)
    }
    expect(defaults('app.yaml', false)).toBe(false)
    const custom = sourceIgnoreMatcher(readPatterns('*.md', []))
    expect(custom('logo.png', false)).toBe(false)
    expect(custom('.gitignore', false)).toBe(true)
    expect(custom('README.md', false)).toBe(true)
  })

  it('answers as testing each path whole, whether paths come grouped by directory or not', () => {
    const patterns = [
      ...readPatterns('*.md\n!docs/*.md\nbuild/\n**/tmp\nvendor\n!vendor/keep.yaml\nsecret?.yaml\n[abc].txt\n*.tar.gz\n', []),
      // `**/name` patterns (taken as name patterns by the matcher): plain, dir-only, negated, nested.
      ...readPatterns('**/docs/\n!**/a.txt\n**/keep\n', []),
      ...readPatterns('*.yaml\n!keep/\n**/x/\n!**/secret1.yaml\n', ['apps']),
      ...readPatterns('bad[\n', ['apps', 'x']),
    ]
    const names = ['README.md', 'a.txt', 'd.txt', 'secret1.yaml', 'x.tar.gz', 'keep.yaml', 'tmp', 'build', 'vendor', 'docs', 'apps', 'keep', 'x', 'bad[']
    const paths: string[] = []
    for (const a of names) for (const b of names) for (const c of ['', ...names.slice(0, 5)]) paths.push(c === '' ? `${a}/${b}` : `${a}/${b}/${c}`)
    paths.push(...names)
    const shuffled = [...paths].sort((x, y) => (x.length * 31 + y.charCodeAt(0)) % 7 - (y.length * 31 + x.charCodeAt(0)) % 7)
    for (const order of [paths, shuffled]) {
      const match = createMatcher(patterns)
      for (const path of order) for (const isDir of [false, true]) expect([path, isDir, match(path, isDir)]).toEqual([path, isDir, excludedWhole(patterns, path, isDir)])
    }
    // Both verdicts occur, so the comparison is not between two constant answers.
    expect(new Set(paths.map((p) => excludedWhole(patterns, p, false))).size).toBe(2)
  })

  it('matches plain names and suffixes with RegExp characters in them literally, as testing each path whole', () => {
    const patterns = readPatterns('a+b.yaml\n*.(x)\nc|d\n!^e$\n*.y?\n$f\n*[g]\n', [])
    const names = ['a+b.yaml', 'aab.yaml', 'a+bXyaml', 'q.(x)', 'q.x', 'c|d', 'c', 'd', '^e$', 'e', 'z.y1', 'z.y', '$f', 'f', 'hg', 'h[g]']
    const match = createMatcher(patterns)
    for (const dir of ['', 'c|d', 'a+b.yaml/x']) {
      for (const name of names) {
        const path = dir === '' ? name : `${dir}/${name}`
        expect([path, match(path, false)]).toEqual([path, excludedWhole(patterns, path, false)])
      }
    }
    expect(match('a+b.yaml', false)).toBe(true)
    expect(match('aab.yaml', false)).toBe(false)
    expect(match('q.(x)', false)).toBe(true)
    expect(match('q.x', false)).toBe(false)
  })
})
