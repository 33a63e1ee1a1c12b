import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// A caller-set maxDepth of 2,000 or more let the `yaml` CST parser hold that many collections open
// (a line of `- `, `? ` or `: ` entries with no content): on the dedent that closes them, its
// recursion overflowed the stack, and the text was refused as too deep without a line (near the
// stack's end V8 may abort instead). Run from the sources in a child process, bounded: each case
// must end in CORE_YAML_TOO_DEEP naming the line, and the process must survive it.
const here = fileURLToPath(new URL('.', import.meta.url))

/** The script's output: for each text and maxDepth, the error's code and message, or `ok`. */
async function outcomes(body: string): Promise<string[]> {
  const run = await runIsolated(
    `
    import { parseYamlStream, parseYamlValues } from '../../src/yaml.js'
    const report = (fn) => { try { fn(); console.log('ok') } catch (e) { console.log(String(e.code) + ' ' + e.message) } }
    ${body}`,
    here,
    20_000,
  )
  expect(run.status, run.stderr).toBe(0)
  return run.stdout.trim().split('\n')
}

describe('YAML nesting with a high maxDepth', () => {
  const texts = [
    ['3,000 `- ` entries', `a:\n${'- '.repeat(3000)}\nz: 1\n`, 2],
    ['3,000 `: ` values', `a:\n${': '.repeat(3000)}\nz: 1\n`, 2],
    ['3,000 `? ` keys', `a:\n${'? '.repeat(3000)}\nz: 1\n`, 2],
    ['20,000 `- ` entries after a document', `a: 1\n---\ny:\n${'- '.repeat(20_000)}\nz: 1\n`, 4],
  ] as const

  it.each(texts)('%s then a dedent: CORE_YAML_TOO_DEEP naming the line at maxDepth 2,000, 5,000 and 100,000', async (_name, text, line) => {
    const lines = await outcomes(`
      const text = ${JSON.stringify(text)}
      for (const maxDepth of [2000, 5000, 100000]) {
        report(() => parseYamlStream(text, { source: 'in.yaml', budget: { maxDepth } }))
        report(() => parseYamlValues(text, { source: 'in.yaml', budget: { maxDepth } }))
      }`)
    expect(lines).toHaveLength(6)
    for (const out of lines) expect(out).toMatch(new RegExp(`^CORE_YAML_TOO_DEEP in\\.yaml: line ${line}: nested more than \\d+ levels deep`))
  })

  it('refuses more open collections than the parser closes safely as deeper than the composer builds, naming the first line past it', async () => {
    const lines = await outcomes(`
      report(() => parseYamlStream('x: 1\\ny:\\n' + '- '.repeat(1500) + '\\nz: 1\\n', { source: 'in.yaml', budget: { maxDepth: 5000 } }))
      report(() => parseYamlStream('x: 1\\ny:\\n' + '- '.repeat(1500) + '\\nz: 1\\n', { source: 'in.yaml', budget: { maxDepth: 1200 } }))`)
    expect(lines).toEqual([
      'CORE_YAML_TOO_DEEP in.yaml: line 3: nested more than 512 levels deep, the deepest the YAML parser composes',
      'CORE_YAML_TOO_DEEP in.yaml: line 3: nested more than 512 levels deep, the deepest the YAML parser composes',
    ])
  })

  it('still refuses nesting beyond maxDepth as such, and reads what the composer builds', async () => {
    const lines = await outcomes(`
      report(() => parseYamlStream('k: ' + '['.repeat(100000), { source: 'in.yaml', budget: { maxDepth: 100000 } }))
      report(() => parseYamlStream('x:\\n' + '- '.repeat(400) + 'v\\n', { source: 'in.yaml', budget: { maxDepth: 5000 } }))`)
    expect(lines[0]).toMatch(/^CORE_YAML_TOO_DEEP in\.yaml: line 1: nested more than \d+ levels deep/)
    expect(lines[1]).toBe('ok')
  })

  it('parseYamlValues expands aliases as deep as maxDepth allows, without a stack overflow', async () => {
    // Anchors of 500 levels each holding an alias of the one before: the expanded value of the
    // last of 40 nests 20,000 deep. The walk that expands aliases into values keeps its own stack:
    // at a maxDepth of 100,000 the value is built (a walk of one call per level overflowed), below
    // that it is refused as too deep, naming the line and the caller's maxDepth.
    const chain = ['a0: &a0 ' + '['.repeat(500) + 'x' + ']'.repeat(500)]
    for (let i = 1; i < 40; i++) chain.push(`a${i}: &a${i} ${'['.repeat(500)}*a${i - 1}${']'.repeat(500)}`)
    const lines = await outcomes(`
      const text = ${JSON.stringify(chain.join('\n') + '\n')}
      const depth = (value) => { let d = 0; for (let v = value; Array.isArray(v); v = v[0]) d++; return d }
      for (const dialect of ['v3', 'v2']) {
        for (const maxDepth of [2000, 5000, 100000]) {
          report(() => { const [doc] = parseYamlValues(text, { source: 'in.yaml', dialect, budget: { maxDepth } }); if (depth(doc.value.a39) !== 20000) throw new Error('depth ' + depth(doc.value.a39)) })
        }
      }`)
    expect(lines).toEqual([
      'CORE_YAML_TOO_DEEP in.yaml: document 1, line 3: nested more than 2000 levels deep',
      'CORE_YAML_TOO_DEEP in.yaml: document 1, line 9: nested more than 5000 levels deep',
      'ok',
      'CORE_YAML_TOO_DEEP in.yaml: document 1, line 3: nested more than 2000 levels deep',
      'CORE_YAML_TOO_DEEP in.yaml: document 1, line 9: nested more than 5000 levels deep',
      'ok',
    ])
  })

  it('names the line when the parser overflows under a caller that left it little stack', async () => {
    // A deep caller: the parse runs at many depths of recursion, down to a few hundred frames from
    // the end of the stack. 999 `- ` entries stay within the 1,000 open collections the watch lets
    // the parser hold, so its recursion does run on the dedent, and near the stack's end overflows
    // there: that overflow must be the typed error naming the line ("nested too deeply to parse"),
    // seen at one depth at least. Where no stack is left at all, nothing can run, and the
    // RangeError is the caller's own; everywhere else the error is typed and names the line.
    const lines = await outcomes(`
      let room = 0
      const probe = () => { room++; probe() }
      try { probe() } catch {}
      const at = (n, fn) => (n === 0 ? fn() : at(n - 1, fn))
      const text = 'a:\\n' + '- '.repeat(999) + '\\nz: 1\\n'
      // The yaml package loaded first, with room: its lazy load is not what is tested.
      parseYamlStream('a: [1]\\n', { source: 'warm.yaml' })
      const seen = new Set()
      const step = Math.max(1, Math.floor(room / 400))
      for (let left = step; left < room; left += step) {
        try { at(room - left, () => parseYamlStream(text, { source: 'in.yaml', budget: { maxDepth: 5000 } })); seen.add('ok') }
        catch (e) { seen.add(e instanceof RangeError && e.code === undefined ? 'RangeError' : e.code === undefined ? e.name : String(e.code) + (/^in\\.yaml: line 2: /.test(e.message) ? ' line' : ' no line') + (/nested too deeply to parse/.test(e.message) ? ' parser' : '')) }
      }
      console.log([...seen].sort().join(','))`)
    const seen = lines[0]?.split(',').filter((s) => s !== 'RangeError')
    expect(seen).toContain('CORE_YAML_TOO_DEEP line parser')
    expect(seen?.filter((s) => !/^CORE_YAML_TOO_DEEP line( parser)?$/.test(s))).toEqual([])
  })
})
