// Regular expressions in templates (Sprig's regex functions) and in values.schema.json (`pattern`,
// `patternProperties`) are Go's (RE2), as helm compiles them: Go's syntax, time linear in the
// input, a pattern Go rejects refused typed. The pathological cases run from the sources in a
// child process (testing/isolated.ts), bounded: not timing tests.
import { fileURLToPath } from 'node:url'
import { memoryFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { renderChart, renderTemplate } from '../../src/index.js'
import { chartRejection } from '../helpers/chartRejection.js'
import { typedFailure } from '../helpers/typedFailure.js'

const here = fileURLToPath(new URL('.', import.meta.url))

const chart = (schema: unknown, values: string): Record<string, string> => ({
  'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
  'c/values.yaml': values,
  'c/values.schema.json': JSON.stringify(schema),
  'c/templates/x.yaml': 'a: {{ .Values.a | quote }}\n',
})

describe('regular expressions in templates are Go regular expressions', () => {
  it.for([
    { name: 'a named group and a POSIX class', text: '{{ regexFind "(?P<n>[[:digit:]]+)" "ab12c" }}', want: '12' },
    { name: 'a flag group mid-pattern', text: '{{ regexMatch "a(?i)B" "aB" }} {{ regexMatch "a(?i)B" "Ab" }}', want: 'true false' },
    { name: 'a Unicode class on non-ASCII', text: '{{ regexReplaceAll "\\\\pL" "é1😀ß" "x" }}', want: 'x1😀x' },
    { name: 'quoted text and \\z', text: '{{ regexMatch "\\\\Q.*\\\\E\\\\z" "a.*" }} {{ regexMatch "a\\\\z" "a\\n" }}', want: 'true false' },
    { name: '. as one code point', text: '{{ regexFindAll "." "a😀é" -1 }}', want: '[a 😀 é]' },
    { name: 'split with a limit, as Go', text: '{{ regexSplit "é" "aébéc" 2 }} {{ regexSplit "x*" "axbc" -1 }} {{ regexSplit "," "a,b" 0 }}', want: '[a béc] [a b c] []' },
    { name: 'replace with $1, ${name} and $$ on non-ASCII', text: '{{ regexReplaceAll "(?P<w>é+)" "aééb" "<${w}$1$$>" }} {{ regexReplaceAll "a*" "baaac" "X" }}', want: 'a<éééé$>b XbXcX' },
    { name: 'regexQuoteMeta', text: '{{ regexQuoteMeta "1.5+[x]{é}" }}', want: '1\\.5\\+\\[x\\]\\{é\\}' },
  ])('reads $name', ({ text, want }) => {
    expect(renderTemplate(text, {})).toBe(want)
  })

  it.for([
    { name: 'a lookahead', text: '{{ regexFind "a(?=b)" "ab" }}', message: /error parsing regexp: invalid or unsupported Perl syntax: `\(\?=`/ },
    { name: 'a backreference', text: '{{ mustRegexMatch "(a)\\\\1" "aa" }}', message: /error parsing regexp: invalid escape sequence: `\\1`/ },
    { name: 'an unclosed class', text: '{{ regexReplaceAll "[a" "a" "b" }}', message: /error parsing regexp: missing closing \]: `\[a`/ },
  ])('refuses $name with a typed error naming the template and Go\'s message', ({ text, message }) => {
    const r = typedFailure(() => renderTemplate(text, {}, { name: 'bad.tpl' }))
    expect(r.code).toBe('HELM_TEMPLATE_EXEC')
    expect(r.message).toMatch(/bad\.tpl/)
    expect(r.message).toMatch(message)
  })
})

describe('patterns in values.schema.json are Go regular expressions', () => {
  it('accepts values matching Go syntax and non-ASCII', async () => {
    const schema = { properties: { a: { type: 'string', pattern: '^(?P<w>\\pL+)-[[:digit:]]\\z' } }, patternProperties: { '^\\Qx.\\E.$': { type: 'integer' } } }
    const out = await renderChart('c', { fs: memoryFs(chart(schema, 'a: héllo-1\nx.😀: 1\n')) })
    expect(JSON.stringify(out)).toContain('héllo-1')
    expect(await chartRejection(memoryFs(chart(schema, 'a: héllo-1\nx.😀: one\n')))).toMatchObject({ message: expect.stringContaining('x.😀') as unknown })
  })

  it('refuses a pattern Go rejects, typed', async () => {
    const schema = { properties: { a: { type: 'string', pattern: 'a(?=b)' } } }
    expect(await chartRejection(memoryFs(chart(schema, 'a: ab\n')))).toMatchObject({ code: 'HELM_CHART_INVALID', message: expect.stringContaining('is not a valid regular expression') as unknown })
  })
})

describe('regular expressions of charts on pathological input', () => {
  it('answers nested quantifiers in a template and a schema at once', async () => {
    const run = await runIsolated(`
      import { memoryFs } from '@gitops-sdk/core'
      import { renderChart, renderTemplate } from '../../src/index.js'
      const t = renderTemplate('{{ regexMatch "^(a+)+$" .s }} {{ len (regexFindAll "(x+x+)+y" .x -1) }} {{ regexReplaceAll "(a|aa)+c" .s "-" | len }} {{ len (regexSplit "(a*)*c" .s -1) }}', { s: 'a'.repeat(5000) + 'b', x: 'x'.repeat(5000) })
      const schema = { properties: { a: { type: 'string', pattern: '^(a+)+$' } }, patternProperties: { '(x+x+)+y': { type: 'integer' } } }
      const files = {
        'c/Chart.yaml': 'apiVersion: v2\\nname: c\\nversion: 0.1.0\\n',
        'c/values.yaml': 'a: ' + 'a'.repeat(5000) + 'b\\n' + 'x'.repeat(1000) + ': v\\n',
        'c/values.schema.json': JSON.stringify(schema),
        'c/templates/x.yaml': 'a: 1\\n',
      }
      const code = await renderChart('c', { fs: memoryFs(files) }).then(() => 'rendered', (e) => e.code)
      console.log(t, code)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('false 0 5001 1 HELM_VALUES_INVALID')
  })
})
