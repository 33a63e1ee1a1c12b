// Sprig's regex functions and values.schema.json patterns against helm itself: Go's regexp syntax
// (named groups, flags mid-pattern, Unicode and POSIX classes, \Q…\E, \z), empty matches, limits
// and non-ASCII input, compared byte for byte.
import { describe, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import type { TemplateCase } from '../helpers/differential.js'
import { caseRows, expectSameCase, expectSameFailure, suiteChart } from '../helpers/differential.js'

const c = (name: string, body: string): TemplateCase => ({ name, body })

const regexCases: TemplateCase[] = [
  c('Go syntax', '{{ regexFind "(?P<n>[[:digit:]]+)" "ab12c" }} {{ regexMatch "a(?i)B" "aB" }} {{ regexMatch "a(?i)B" "Ab" }} {{ regexMatch "\\\\Q.*\\\\E\\\\z" "a.*" }} {{ regexMatch "a\\\\z" "a\\n" }} {{ regexMatch "^[[:^alpha:]]+$" "12" }} {{ regexFind "(?U)a+" "aaa" }} {{ regexFind "(?s)a.b" "a\\nb" }} {{ regexMatch "(?m)^b$" "a\\nb\\nc" }}'),
  c('non-ASCII', '{{ regexReplaceAll "\\\\pL" "é1😀ß" "x" }} {{ regexFindAll "." "a😀é" -1 }} {{ regexFindAll "" "a😀é" -1 }} {{ regexReplaceAll "" "é😀" "-" }} {{ regexFind "\\\\p{Greek}+" "abγδε" }} {{ regexMatch "^.$" "😀" }} {{ regexSplit "" "é😀x" -1 }}'),
  c('empty matches', '{{ regexFindAll "a|" "baaab" -1 }} {{ regexFindAll "a*" "baaac" -1 }} {{ regexReplaceAll "a*" "baaac" "X" }} {{ regexReplaceAll "\\\\b" "ab cd" "|" }} {{ regexFindAll "x*" "" -1 }}'),
  c('limits', '{{ regexFindAll "[0-9]" "1a2b3" 2 }} {{ regexFindAll "[0-9]" "1a2b3" 0 }} {{ regexSplit "a*" "abaabaccadaaae" 5 }} {{ regexSplit "é" "aébéc" 2 }} {{ regexSplit "," "a,b" 0 }} {{ regexSplit "," "" -1 }} {{ regexSplit "x*" "axbc" -1 }} {{ regexSplit "," "a,b," -1 }}'),
  c('expansion', '{{ regexReplaceAll "(?P<w>é+)" "aééb" "<${w}$1$$>" }} {{ regexReplaceAll "(a)" "a" "$1x|${1}x|$9|$" }} {{ regexReplaceAll "(a)(b)?" "a" "[$2]" }} {{ regexReplaceAllLiteral "(a)" "bab" "$1" }} {{ regexReplaceAll "(?P<n>a)" "a" "${n" }}'),
  c('a bad pattern in regexMatch is no match', '{{ regexMatch "[" "a" }} {{ regexMatch "a(?=b)" "ab" }} {{ regexMatch "+" "" }}'),
  c('quoteMeta', '{{ regexQuoteMeta "1.5+[x]{é}^$|\\\\" }} {{ regexMatch (regexQuoteMeta "a.b") "axb" }}'),
]

// A pattern Go rejects: the plain functions panic as regexp.MustCompile does (the pattern
// backquoted, or quoted when Go cannot backquote it), the must* forms return Go's error.
const regexErrorCases: { name: string; text: string }[] = [
  ...['regexFind "[" "a"', 'regexFindAll "[" "a" -1', 'regexReplaceAll "[" "a" "b"', 'regexReplaceAllLiteral "[" "a" "b"', 'regexSplit "[" "a" -1'].flatMap((call) => [
    { name: call, text: `{{ ${call} }}` },
    { name: `must${call[0]?.toUpperCase() ?? ''}${call.slice(1)}`, text: `{{ must${call[0]?.toUpperCase() ?? ''}${call.slice(1)} }}` },
  ]),
  { name: 'mustRegexMatch "["', text: '{{ mustRegexMatch "[" "a" }}' },
  { name: 'a backquote in the pattern', text: '{{ regexFind "`(" "a" }}' },
  { name: 'a tab and non-ASCII in the pattern', text: '{{ regexFind "\\t\té(?<!x)" "a" }}' },
  { name: 'a control character in the pattern', text: '{{ regexFind "\\x01\x01a**" "a" }}' },
  { name: 'a BOM in the pattern', text: '{{ regexFind "\\ufeff\ufeff)" "a" }}' },
]

const helm = helmBinary()

describe.skipIf(helm === undefined)('regular expressions through the SDK and helm', () => {
  const out = suiteChart(regexCases)

  it.each(caseRows(regexCases))('$name', ({ id, body }) => {
    expectSameCase(out, id, body)
  })
})

describe.skipIf(helm === undefined)('bad regular expressions through the SDK and helm', () => {
  it.each(regexErrorCases)('$name', async ({ text }) => {
    await expectSameFailure(text)
  })
})
