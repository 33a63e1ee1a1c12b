// Bad .helmignore files: helm's message under the file's path, nothing written.
import { memoryFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { renderChart } from '../../src/index.js'
import { chartRejection } from '../helpers/chartRejection.js'

const failure = (helmignore: string): Promise<{ code: string; message: string }> =>
  chartRejection(memoryFs({ 'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'c/.helmignore': helmignore, 'c/templates/a.yaml': 'a: 1\n' }))

describe('renderChart with a bad .helmignore', () => {
  it('refuses ** as helm does', async () => {
    expect(await failure('*.md\n**/x\n')).toEqual({ code: 'HELM_CHART_INVALID', message: 'c/.helmignore: double-star (**) syntax is not supported' })
  })

  it('refuses a pattern Go cannot compile', async () => {
    expect(await failure('[a-\n')).toEqual({ code: 'HELM_CHART_INVALID', message: 'c/.helmignore: syntax error in pattern' })
  })

  it('refuses a negation that leaves Chart.yaml out (helm: Chart.yaml file is missing)', async () => {
    expect(await failure('!templates/a.yaml\n')).toMatchObject({ code: 'HELM_CHART_INVALID', message: expect.stringMatching(/^c\/Chart\.yaml: Chart\.yaml file is missing/) as unknown })
  })

  it('keeps files a rule does not name', async () => {
    const fs = memoryFs({ 'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'c/.helmignore': '# all docs\n*.md\n', 'c/templates/a.yaml': 'a: {{ .Files.Get "x.md" | quote }}\n', 'c/x.md': 'doc' })
    expect((await renderChart('c', { fs })).text).toBe('---\n# Source: c/templates/a.yaml\na: ""\n')
  })
})
