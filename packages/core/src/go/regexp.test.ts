import { RE2JS } from 're2js'
import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { isGitOpsError } from '../errors.js'
import type { GitOpsError } from '../errors.js'
import { compileGoRegexp, quoteMeta } from './regexp.js'
import type { GoRegexp } from './regexp.js'
import type { GoRegexpErrorDetails } from './regexpError.js'

// Expected values are what Go's regexp package gives for the same calls; the oracle was helm v4.1.4
// built with go1.25.9 (its Sprig regex functions), whose Unicode tables are Unicode 15.0.
describe('compileGoRegexp', () => {
  it.for([
    { name: 'named group (?P<n>…)', pattern: '(?P<n>x)', input: 'axb', match: 'x' },
    { name: 'a flag group mid-pattern', pattern: 'a(?i)b', input: 'aB', match: 'aB' },
    { name: 'a Unicode class \\pL', pattern: '\\pL+', input: '1héllo2', match: 'héllo' },
    { name: 'a POSIX class', pattern: '[[:digit:]]+', input: 'ab42c', match: '42' },
    { name: '\\z at the end of the text only', pattern: 'a\\z', input: 'a\n', match: undefined },
    { name: '$ at the end of the text only (no (?m))', pattern: 'a$', input: 'a\n', match: undefined },
    { name: 'quoted text \\Q…\\E', pattern: '\\Q.*\\E', input: 'a.*b', match: '.*' },
    { name: 'leftmost-first alternation', pattern: 'a|ab', input: 'ab', match: 'a' },
    { name: 'a literal', pattern: 'b.c', input: 'abxc', match: 'bxc' },
    { name: 'a plain literal (no metacharacter)', pattern: 'ü', input: 'aüb', match: 'ü' },
    { name: 'an anchored literal', pattern: '^(?:web)$', input: 'web', match: 'web' },
    { name: 'an anchored literal, longer input', pattern: '^(?:web)$', input: 'webs', match: undefined },
    { name: '. is one code point', pattern: '^.$', input: '😀', match: '😀' },
  ])('reads Go syntax: $name', ({ pattern, input, match }) => {
    expect(compileGoRegexp(pattern).find(input)).toBe(match)
  })

  it.for([
    { name: 'lookahead', pattern: '(?=x)' },
    { name: 'lookbehind', pattern: '(?<=x)y' },
    { name: 'backreference', pattern: '(a)\\1' },
    { name: 'unclosed class', pattern: '[a' },
    { name: 'repeat count over 1000', pattern: 'a{1001}' },
  ])('rejects what Go rejects, typed and naming the pattern: $name', ({ pattern }) => {
    let error: unknown
    try {
      compileGoRegexp(pattern)
    } catch (e) {
      error = e
    }
    expect(isGitOpsError(error, 'CORE_REGEXP_INVALID')).toBe(true)
    expect((error as Error).message).toContain(JSON.stringify(pattern))
    expect((error as Error).message).toContain('error parsing regexp')
  })

  it('gives Go\'s reason alone in the error\'s details, the cause kept', () => {
    let error: unknown
    try {
      compileGoRegexp('(')
    } catch (err) {
      error = err
    }
    expect(isGitOpsError(error, 'CORE_REGEXP_INVALID')).toBe(true)
    const details = (error as GitOpsError).details as GoRegexpErrorDetails
    expect(details).toEqual({ pattern: '(', reason: 'error parsing regexp: missing closing ): `(`' })
    expect(((error as Error).cause as Error).message).toBe(details.reason)
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ details: { reason: details.reason } })
  })

  it('finds all matches as Go does, empty ones included', () => {
    expect(compileGoRegexp('a|').findAll('baaab', -1)).toEqual(['', 'a', 'a', 'a', ''])
    expect(compileGoRegexp('^a').findAll('aa', -1)).toEqual(['a'])
    expect(compileGoRegexp('.').findAll('a😀é', -1)).toEqual(['a', '😀', 'é'])
    expect(compileGoRegexp('').findAll('a😀', -1)).toEqual(['', '', ''])
    expect(compileGoRegexp('[0-9]').findAll('1a2b3', 2)).toEqual(['1', '2'])
  })

  it('gives submatches, undefined for a group that took no part', () => {
    expect(compileGoRegexp('(?P<n>é+)(x)?').findSubmatch('aéé b')).toEqual(['éé', 'éé', undefined])
    expect(compileGoRegexp('z').findSubmatch('a')).toBeUndefined()
  })

  // Each expected value is what helm v4.1.4 (go1.25.9) prints for regexReplaceAll "(?P<n>a)" "a" template.
  it.for([
    { template: '[$01]', out: '[]' },
    { template: '[${01}]', out: '[]' },
    { template: '[$00]', out: '[]' },
    { template: '[$0]', out: '[a]' },
    { template: '[$1é]', out: '[]' },
    { template: '[$é]', out: '[]' },
    { template: '[${1é}]', out: '[]' },
    { template: '[$٣]', out: '[]' },
    { template: '[$ǅ]', out: '[]' },
    { template: '[$1_]', out: '[]' },
    { template: '[$nx]', out: '[]' },
    { template: '[${n}é]', out: '[aé]' },
    { template: '[$123456789]', out: '[]' },
    { template: '[$1234567890]', out: '[]' },
    { template: '[${n]', out: '[${n]' },
    { template: '[${}]', out: '[${}]' },
    { template: '[${ n}]', out: '[${ n}]' },
    { template: '[$.]', out: '[$.]' },
    { template: '$$$n', out: '$a' },
    { template: '[$1x$n]', out: '[a]' },
  ])('expands the template $template as Go does', ({ template, out }) => {
    expect(compileGoRegexp('(?P<n>a)').replaceAll('a', template)).toBe(out)
  })

  it('replaces as Go does, expanding $1, ${name} and $$', () => {
    expect(compileGoRegexp('a*').replaceAll('baaac', 'X')).toBe('XbXcX')
    expect(compileGoRegexp('(?P<n>é)(x)?').replaceAll('aéb', '[${n}$1$2$$]')).toBe('a[éé$]b')
    expect(compileGoRegexp('(a)').replaceAll('a', '$1x|${1}x|$9|$')).toBe('|ax||$')
    expect(compileGoRegexp('(a)').replaceAllLiteral('bab', '$1')).toBe('b$1b')
    expect(compileGoRegexp('ß').replaceAll('straße', 'ss')).toBe('strasse')
  })

  it('splits as Go does', () => {
    expect(compileGoRegexp('a*').split('abaabaccadaaae', 5)).toEqual(['', 'b', 'b', 'c', 'cadaaae'])
    expect(compileGoRegexp('').split('abc', -1)).toEqual(['a', 'b', 'c'])
    expect(compileGoRegexp(',').split('a,b,c', 2)).toEqual(['a', 'b,c'])
    expect(compileGoRegexp(',').split('a,b', 0)).toEqual([])
    expect(compileGoRegexp(',').split('', -1)).toEqual([''])
    expect(compileGoRegexp('é').split('aébéc', -1)).toEqual(['a', 'b', 'c'])
  })

  it('quotes metacharacters as regexp.QuoteMeta', () => {
    expect(quoteMeta('1.5-2.0?[x]{y}$^|\\')).toBe('1\\.5-2\\.0\\?\\[x\\]\\{y\\}\\$\\^\\|\\\\')
    expect(compileGoRegexp(quoteMeta('a.b*')).test('a.b*')).toBe(true)
  })

  it('answers literal patterns, anchored or not, as re2js does (random cases)', () => {
    const random = prng(20261208)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
    for (let n = 0; n < 3000; n++) {
      const body = Array.from({ length: Math.floor(random() * 4) }, () => pick(['a', 'b', 'é', '-', '😀', '\ud800'])).join('')
      const pattern = pick([body, `^${body}`, `${body}$`, `^${body}$`, `^(?:${body})$`])
      const text = Array.from({ length: Math.floor(random() * 8) }, () => pick(['a', 'b', 'é', '-', '\n', '😀', '𐈀', '\ud800', 'ab'])).join('')
      // The group around the pattern keeps it off the fast paths: re2js answers it.
      const fast = compileGoRegexp(pattern)
      const engine = compileGoRegexp(`(?:${pattern})`)
      const what = `${JSON.stringify(pattern)} on ${JSON.stringify(text)}`
      expect(fast.test(text), what).toBe(engine.test(text))
      expect(fast.findAll(text, -1), what).toEqual(engine.findAll(text, -1))
      expect(fast.replaceAll(text, '<$0>'), what).toBe(engine.replaceAll(text, '<$0>'))
      expect(fast.replaceAllLiteral(text, 'X'), what).toBe(engine.replaceAllLiteral(text, 'X'))
      // Go's Split gives [] for an empty pattern on an empty text, [""] for a longer one such as (?:).
      if (pattern === '') continue
      expect(fast.split(text, -1), what).toEqual(engine.split(text, -1))
      expect(fast.split(text, 2), what).toEqual(engine.split(text, 2))
    }
  })

  // What regexFindAll gives in helm v4.1.4 (go1.25.9) on the same text.
  it.for([
    { pattern: '\\pl', out: ['a', 'Ω', 'ſ', 'é'] },
    { pattern: '\\pz', out: [' ', '\u2028'] },
    { pattern: '\\p{Letter}', out: ['a', 'Ω', 'ſ', 'é'] },
    { pattern: '\\p{greek}', out: ['Ω'] },
    { pattern: '\\p{^ greek}', out: ['a', '1', ' ', '\u0001', 'ſ', '\u2028', 'é', '\u0378'] },
    { pattern: '\\P{^GREEK}', out: ['Ω'] },
    { pattern: '\\p{ASCII}', out: ['a', '1', ' ', '\u0001'] },
    { pattern: '(?i)\\p{ascii}', out: ['a', '1', ' ', '\u0001', 'ſ'] },
    { pattern: '[^\\P{ascii}]', out: ['a', '1', ' ', '\u0001'] },
    { pattern: '\\p{Lowercase_Letter}', out: ['a', 'ſ', 'é'] },
    { pattern: '\\p{lowercase letter}', out: ['a', 'ſ', 'é'] },
    { pattern: '\\p{l-l}', out: ['a', 'ſ', 'é'] },
    { pattern: '\\p{lc}', out: ['a', 'Ω', 'ſ', 'é'] },
    { pattern: '\\p{digit}\\p{Cntrl}', out: [] },
    { pattern: '\\p{assigned}', out: ['a', 'Ω', '1', ' ', '\u0001', 'ſ', '\u2028', 'é'] },
    { pattern: '\\p{unassigned}', out: ['\u0378'] },
    { pattern: '\\\\pl', out: [] },
    { pattern: '\\Q\\pl\\E', out: [] },
  ])('reads the Unicode class $pattern as Go 1.25 does', ({ pattern, out }) => {
    expect(compileGoRegexp(pattern).findAll('aΩ1 \u0001ſ\u2028é\u0378', -1)).toEqual(out)
  })

  // Go 1.25.9's messages, from helm v4.1.4's mustRegexMatch.
  it.for([
    { pattern: '\\p{Old_Italic}', message: 'error parsing regexp: invalid character class range: `\\p{Old_Italic}`' },
    { pattern: '\\p{ ^Greek}', message: 'error parsing regexp: invalid character class range: `\\p{ ^Greek}`' },
    { pattern: '\\p{L&}', message: 'error parsing regexp: invalid character class range: `\\p{L&}`' },
    { pattern: '\\pl\\p{Old_Italic}(', message: 'error parsing regexp: invalid character class range: `\\p{Old_Italic}`' },
    { pattern: 'a**\\p{Old_Italic}', message: 'error parsing regexp: invalid nested repetition operator: `**`' },
    { pattern: '\\p{greek}(', message: 'error parsing regexp: missing closing ): `\\p{greek}(`' },
    { pattern: '(\\p{letter}', message: 'error parsing regexp: missing closing ): `(\\p{letter}`' },
    { pattern: 'x\\pl\\p{greek}[', message: 'error parsing regexp: missing closing ]: `[`' },
  ])('refuses $pattern with Go 1.25\'s message', ({ pattern, message }) => {
    let error: unknown
    try {
      compileGoRegexp(pattern)
    } catch (err) {
      error = err
    }
    expect(isGitOpsError(error, 'CORE_REGEXP_INVALID')).toBe(true)
    expect(((error as Error).cause as Error).message).toBe(message)
    expect((error as Error).message).toBe(`${JSON.stringify(pattern)}: ${message}`)
    expect((error as GitOpsError).details).toEqual({ pattern, reason: message })
  })

  it('does not match half of a surrogate pair with a lone surrogate', () => {
    expect(compileGoRegexp('\ud800').test('𐈀')).toBe(false)
    expect(compileGoRegexp('\ud800').test('\ud800')).toBe(true)
  })

  it('answers whole-text patterns of literals, . and .* as re2js does (random cases)', () => {
    const random = prng(20261207)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
    for (let n = 0; n < 3000; n++) {
      const body = Array.from({ length: Math.floor(random() * 6) }, () => pick(['a', 'b', '.', '.*', 'é', '-'])).join('')
      const text = Array.from({ length: Math.floor(random() * 8) }, () => pick(['a', 'b', 'é', '-', '\n', '😀', 'ab'])).join('')
      const pattern = `^(?:${body})$`
      expect(compileGoRegexp(pattern).test(text), `${pattern} on ${JSON.stringify(text)}`).toBe(RE2JS.compile(pattern).test(text))
      expect(compileGoRegexp(pattern).findAll(text, -1), `${pattern} on ${JSON.stringify(text)}`).toEqual(RE2JS.compile(pattern).test(text) ? [text] : [])
    }
  })

  it('answers image-name patterns ^name(:[…]*)?(@sha256:[…]*)?$ and their kin as re2js does (random cases)', () => {
    const random = prng(20261209)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
    const classes = ['a-zA-Z0-9_.{}-', 'a-z', '0-9:', '.@', '_-', 'b', 'A-Z0-9', 'x-z-', 'z-a', '-a', 'a-Z', '^a', ':']
    const literals = [':', '@sha256:', '@', 'a', ':x', 'é']
    for (let n = 0; n < 20_000; n++) {
      const prefix = Array.from({ length: Math.floor(random() * 5) }, () => pick(['a', 'b', '.', '/', ':', 'é', '-', '@'])).join('')
      const groups = Array.from({ length: Math.floor(random() * 3) }, () => [pick(literals), pick(classes)] as const)
      const pattern = `^${prefix}${groups.map(([literal, cls]) => `(${literal}[${cls}]*)?`).join('')}$`
      const piece = (): string => pick(['a', 'b', 'z', 'B', '0', '.', '/', ':', '@', '@sha256:', 'sha256', '-', '_', '{', 'é', '\n', '😀', '\ud800'])
      // Half the texts are made from the pattern (its prefix, `.` as any piece, some groups with a
      // run of pieces), so that many match; the rest are random.
      const text =
        n % 2 === 0
          ? Array.from(prefix, (c) => (c === '.' ? piece() : c)).join('') +
            groups.map(([literal]) => (random() < 0.5 ? '' : literal + Array.from({ length: Math.floor(random() * 4) }, piece).join(''))).join('')
          : Array.from({ length: Math.floor(random() * 9) }, piece).join('')
      // The group around the pattern (not a capturing one) keeps it off the fast paths: re2js
      // answers it, with the same groups.
      const what = `${JSON.stringify(pattern)} on ${JSON.stringify(text)}`
      const compiled = (source: string): GoRegexp | string => {
        try {
          return compileGoRegexp(source)
        } catch (err) {
          return (err as Error).message.replace(JSON.stringify(source), '')
        }
      }
      const fast = compiled(pattern)
      const engine = compiled(`(?:${pattern})`)
      if (typeof fast === 'string' || typeof engine === 'string') {
        if (typeof fast !== typeof engine) expect.fail(`compile: ${what}`)
        continue
      }
      if (fast.test(text) !== engine.test(text)) expect.fail(`test: ${what}`)
      if (JSON.stringify(fast.findSubmatch(text)) !== JSON.stringify(engine.findSubmatch(text))) expect.fail(`findSubmatch: ${what}`)
      if (fast.replaceAll(text, '<$1|$2>') !== engine.replaceAll(text, '<$1|$2>')) expect.fail(`replaceAll: ${what}`)
      if (JSON.stringify(fast.findAll(text, -1)) !== JSON.stringify(engine.findAll(text, -1))) expect.fail(`findAll: ${what}`)
    }
  })

  it('takes the image-name patterns without re2js, and refuses what Go refuses', () => {
    const tag = '(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$'
    const re = compileGoRegexp(`^registry.example.com/app${tag}`)
    expect(re.constructor.name).toBe('PrefixTailRegexp')
    expect(re.findSubmatch('registry.example.com/app:1.2@sha256:ab')).toEqual(['registry.example.com/app:1.2@sha256:ab', ':1.2', '@sha256:ab'])
    expect(re.findSubmatch('registryXexample.com/app@sha256:ab')).toEqual(['registryXexample.com/app@sha256:ab', undefined, '@sha256:ab'])
    expect(re.test('registry.example.com/app:1.2:3')).toBe(false)
    expect(re.test('registry.example.com/apps')).toBe(false)
    expect(() => compileGoRegexp(`^a(:[z-a]*)?$`)).toThrow(/invalid character class range/)
  })
})
