import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// parseMeasuredYaml, for readers of outside YAML with their own `yaml` options: every shape of
// deep text is refused with CORE_YAML_TOO_DEEP naming the source and the line before the `yaml`
// composer (which recurses per level, and near the stack's end may abort the process) sees it,
// also in a document after the third one (yaml.parse composes the third before it reports the
// second as an error, and reads no further: only from the fourth on is the rest measured by
// parseMeasuredYaml's own loop, through an iterator the composer cannot close). From the
// sources in a child process, bounded, so that a regression cannot take the test runner down.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('parseMeasuredYaml faults', () => {
  it.each([
    ['100,000 `[`', `k: ${'['.repeat(100_000)}`, 1],
    ['100,000 `{a: ` in a third document', `a: 1\n---\nb: 2\n---\nc: ${'{a: '.repeat(100_000)}\n`, 5],
    ['600 `[` in a fourth document', `a: 1\n---\nb: 2\n---\nc: 3\n---\nd: ${'['.repeat(600)}${']'.repeat(600)}\n`, 7],
    ['100,000 `{a: ` in a fourth document', `a: 1\n---\nb: 2\n---\nc: 3\n---\nd: ${'{a: '.repeat(100_000)}\n`, 7],
    ['3,000 `- ` entries then a dedent', `a:\n${'- '.repeat(3000)}\nz: 1\n`, 2],
    ['5,000 keys on one line', `k: ${'a: '.repeat(5000)}x\n`, 1],
    ['600 `- ` entries with content', `x: 1\ny:\n${'- '.repeat(600)}x\n`, 3],
  ])('%s: CORE_YAML_TOO_DEEP naming the source and the line, with each reader\'s options', async (_name, text, line) => {
    const run = await runIsolated(
      `
      import { parseMeasuredYaml } from '../../src/yaml.js'
      const text = ${JSON.stringify(text)}
      for (const options of [{ maxAliasCount: 100, uniqueKeys: false }, { maxAliasCount: 100 }, { version: '1.2' }, { version: '1.2', intAsBigInt: false, uniqueKeys: true }]) {
        try { parseMeasuredYaml(text, { source: 'index.yaml', ...options }); console.log('parsed') } catch (e) { console.log(String(e.code) + ' ' + e.message) }
      }`,
      here,
      20_000,
    )
    expect(run.status, run.stderr).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines).toHaveLength(4)
    for (const out of lines) expect(out).toMatch(new RegExp(`^CORE_YAML_TOO_DEEP index\\.yaml: line ${line}: nested more than \\d+ levels deep`))
  })
})
