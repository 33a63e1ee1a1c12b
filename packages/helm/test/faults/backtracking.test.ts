// Inputs on which a backtracking pattern of helm used to take seconds (a template printing a long run
// of white space, `float64`/`duration`/`dateModify` on a long run of digits, a PEM text of many BEGIN
// lines). Each runs from the sources in a child process (testing/isolated.ts), bounded, so that a
// regression fails the test instead of holding the test runner: not a timing test, the bound is far
// from the linear time.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

const packageDir = fileURLToPath(new URL('../..', import.meta.url))

async function isolated(body: string): Promise<string[]> {
  const run = await runIsolated(body, packageDir, 20_000)
  expect([run.status, run.signal], run.stderr).toEqual([0, null])
  return run.stdout.trim().split('\n')
}

describe('patterns that backtracked', () => {
  it('splits a rendered manifest holding a long run of white space in linear time', async () => {
    const out = await isolated(`
      import { memoryFs } from '@gitops-sdk/core'
      import { renderChart } from './src/index.ts'
      const fs = memoryFs({
        'c/Chart.yaml': 'apiVersion: v2\\nname: c\\nversion: 0.1.0\\n',
        'c/templates/a.yaml': 'a: 1{{ repeat 400000 " " }}#\\nb: 2\\n---\\nc: 3\\n',
      })
      const { text } = await renderChart('c', { fs })
      console.log(text.length)
      console.log(JSON.stringify(text.replace(/ {400000}/u, '<spaces>')))`)
    expect(out).toEqual([String(400_082), JSON.stringify('---\n# Source: c/templates/a.yaml\na: 1<spaces>#\nb: 2\n---\n# Source: c/templates/a.yaml\nc: 3\n')])
  })

  it('reads float64, duration and dateModify of a long run of digits that is no number in linear time', async () => {
    const out = await isolated(`
      import { renderTemplate } from './src/index.ts'
      const digits = '1'.repeat(400000) + 'x'
      console.log(renderTemplate('{{ float64 .d }}|{{ duration .d }}|{{ dateModify .d (toDate "2006-01-02" "2020-01-01") | htmlDate }}', { d: digits }))
      try { renderTemplate('{{ mustDateModify .d now }}', { d: digits }, { name: 't.tpl' }); console.log('rendered') } catch (err) { console.log(err.code) }
      console.log(renderTemplate('{{ dateModify "1h2m3.5s" (toDate "2006-01-02" "2020-01-01") | date "15:04:05" }}|{{ float64 "1.5e3" }}|{{ dateModify "-1.5h" (toDate "2006-01-02" "2020-01-01") | date "15:04" }}', {}))`)
    expect(out).toEqual(['0|0s|2020-01-01', 'HELM_TEMPLATE_EXEC', '01:02:03|1500|22:30'])
  })

  it('reads a PEM text of many BEGIN lines without a matching END in linear time', async () => {
    const out = await isolated(`
      import { renderTemplate } from './src/index.ts'
      const pem = '-----BEGIN CERTIFICATE-----\\n'.repeat(40000)
      try { renderTemplate('{{ buildCustomCert (b64enc .pem) (b64enc .pem) }}', { pem }, { name: 't.tpl' }); console.log('rendered') } catch (err) { console.log(err.code, /unable to decode certificate|no PEM data/u.test(err.message)) }`)
    expect(out).toEqual(['HELM_TEMPLATE_EXEC true'])
  })

  it('matches .helmignore rules and .Files.Glob patterns of many stars against a long name in linear time', async () => {
    const out = await isolated(`
      import { memoryFs } from '@gitops-sdk/core'
      import { renderChart } from './src/index.ts'
      const long = 'a'.repeat(250) + 'b.txt'
      const fs = memoryFs({
        'c/Chart.yaml': 'apiVersion: v2\\nname: c\\nversion: 0.1.0\\n',
        'c/.helmignore': '*a*a*a*a*a*a\\n',
        'c/templates/a.yaml': 'files: {{ .Files.Glob "*a*a*a*a*a*a*a" | len }}|{{ .Files.Glob "*a*a*b*.txt" | len }}|{{ .Files.Glob "{x,*a*a*a*a*a*a*a}" | len }}\\n',
        ['c/' + long]: 'x',
        'c/kept-a.txt': 'x',
        'c/aa': 'ignored',
      })
      console.log((await renderChart('c', { fs })).text.split('\\n')[2])`)
    expect(out).toEqual(['files: 0|1|0'])
  })

  it("reads an execution error whose message repeats helm's warning marker, without its end, in linear time", async () => {
    const out = await isolated(`
      import { memoryFs } from '@gitops-sdk/core'
      import { renderChart } from './src/index.ts'
      const chart = (template) => memoryFs({
        'c/Chart.yaml': 'apiVersion: v2\\nname: c\\nversion: 0.1.0\\n',
        'c/values.yaml': 'name: ' + 'HELM_ERR_START'.repeat(60000) + '\\nmsg: HELM_ERR_START\\n',
        'c/templates/a.yaml': template,
      })
      for (const template of ['{{ include .Values.name . }}\\n', '{{ fail (printf "%s|%s" .Values.msg .Values.msg) }}\\n']) {
        try { await renderChart('c', { fs: chart(template) }) } catch (err) { console.log(err.code, err.message.length, err.message.includes('HELM_ERR_START'.repeat(60000)) ? 'names the template' : JSON.stringify(err.message)) }
      }`)
    expect(out).toEqual([
      'HELM_TEMPLATE_EXEC 840169 names the template',
      `HELM_TEMPLATE_EXEC 74 ${JSON.stringify('execution error at (c/templates/a.yaml:1:3): HELM_ERR_START|HELM_ERR_START')}`,
    ])
  })

  it('reads base, b32dec and a number literal of long runs (slashes, padding, digits) in linear time', async () => {
    const out = await isolated(`
      import { renderTemplate } from './src/index.ts'
      console.log(renderTemplate('{{ base .p }}|{{ b32dec .b | len }}|{{ base "a/b//" }}|{{ b32dec "MFRGG===" }}', { p: '/a' + '/'.repeat(300000) + 'x', b: 'MFRGG' + '='.repeat(300000) + 'A' }))
      try { renderTemplate('{{ ' + '1'.repeat(300000) + 'x }}', {}, { name: 't.tpl' }); console.log('rendered') } catch (err) { console.log(err.code) }
      try { renderTemplate('{{ 0x' + 'a'.repeat(300000) + '! }}', {}, { name: 't.tpl' }); console.log('rendered') } catch (err) { console.log(err.code) }
      console.log(renderTemplate('{{ 1.5e3 }}|{{ 0x1.8p1 }}|{{ 0x1p-2 }}', {}))`)
    expect(out).toEqual(['x|35|b|abc', 'HELM_TEMPLATE_PARSE', 'HELM_TEMPLATE_PARSE', '1500|3|0.25'])
  })

  it('reads a kube version of a long run of digits before a line break, and an execution error repeating `: executing "`, in linear time', async () => {
    // The version pattern gave the digits back one at a time before the line break; the error
    // pattern retried its lazy parts from each ': executing "' (internal reader: no chart path found
    // that puts the text right after 'template: ').
    const out = await isolated(`
      import { memoryFs } from '@gitops-sdk/core'
      import { renderChart } from './src/index.ts'
      import { reformatExecError } from './src/internal/engine.ts'
      const fs = memoryFs({ 'c/Chart.yaml': 'apiVersion: v2\\nname: c\\nversion: 0.1.0\\n', 'c/templates/a.yaml': '# {{ .Capabilities.KubeVersion }}\\n' })
      for (const kubeVersion of ['1.' + '2'.repeat(200000) + '\\n', 'v1.32\\r', 'v1.32.1-rc.0', '1.2', '1.' + '0'.repeat(200000) + '7', '1.' + '9'.repeat(200000)]) {
        try { console.log((await renderChart('c', { fs, kubeVersion })).text.split('\\n')[2]) } catch (err) { console.log(err.message.length, err.message.slice(0, 20)) }
      }
      console.log(reformatExecError('template: ' + 'x: executing "'.repeat(200000)))
      console.log(reformatExecError('template: a: executing "b" at <c>: error calling include: template: ' + 'x: executing "a" at <b'.repeat(100000)))
      console.log(JSON.stringify(reformatExecError('template: a:1:2: executing "a" at <include "t" .>: error calling include: template: t:1:5: executing "t" at <x>: boom')))`)
    expect(out).toEqual([
      // Kubernetes' pattern refuses a line break anywhere but in the leading white space; a carriage return passes.
      '400061 invalid kube version',
      '# v1.32',
      // helm prints the version through its String method: the numbers alone, as given.
      '# v1.32.1',
      '# v1.2',
      '# v1.7',
      '800126 invalid kube version',
      'undefined',
      'undefined',
      JSON.stringify('a:1:2\n  executing "a" at <include "t" .>:\n    error calling include:\nt:1:5\n  executing "t" at <x>:\n    boom'),
    ])
  })

  it('reads fromJson and fromJsonArray of a megabyte of long numbers in linear time', async () => {
    // The overflow check's run of 300 digits was retried from every digit (~150 steps a character):
    // 64 reads of 1 MB texts of 299-digit numbers took over 20 s of CPU; now about a second.
    const out = await isolated(`
      import { renderTemplate } from './src/index.ts'
      const numbers = Array.from({ length: 3500 }, () => '1'.repeat(299)).join(',')
      const data = { a: '[' + numbers + ']', o: '{"k":[' + numbers + '],"big":1' + '0'.repeat(250) + 'e60}' }
      console.log(renderTemplate('{{ range until 32 }}{{ len (fromJsonArray $.a) }},{{ len (fromJson $.o) }};{{ end }}', data).split(';')[31])
      console.log(renderTemplate('{{ (fromJson $.o).Error | trunc 40 }}|{{ (fromJson $.o).big }}', data))`)
    expect(out).toEqual(['3500,3', 'json: cannot unmarshal number 1000000000|<no value>'])
  })
})
