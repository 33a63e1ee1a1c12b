import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// A thread with little stack (a worker's `resourceLimits.stackSizeMb`): the `yaml` composer runs
// out of stack on nesting the measure lets through (511 flow levels), catches the overflow and
// records it on the document as RESOURCE_EXHAUSTION. parseMeasuredYaml then handed the text to
// `yaml.parse`, which overflowed again, where V8 may abort the process; parseYamlStream already
// refused it. Both must end in CORE_YAML_TOO_DEEP naming the line. In a worker of a child process,
// bounded, so that an abort fails the test instead of taking the runner down.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('YAML nesting on a thread with little stack', () => {
  it('refuses what the composer runs out of stack on as too deep, naming the line, in parseMeasuredYaml and parseYamlStream', async () => {
    const run = await runIsolated(
      `
      import { Worker, isMainThread, parentPort } from 'node:worker_threads'
      import { parseMeasuredYaml, parseYamlStream } from '../../src/yaml.js'
      if (isMainThread) {
        for (const reader of ['measured', 'stream']) {
          const out = await new Promise((resolve) => {
            const worker = new Worker(new URL(import.meta.url), { workerData: reader, resourceLimits: { stackSizeMb: 0.5 } })
            worker.on('message', resolve)
            worker.on('error', (e) => resolve('worker error ' + e.message))
            worker.on('exit', (code) => resolve('exit ' + code))
          })
          console.log(out)
        }
      } else {
        const { workerData } = await import('node:worker_threads')
        // The yaml package loaded first, with room.
        parseYamlStream('a: [1]\\n', { source: 'warm.yaml' })
        const text = 'x: 1\\na: ' + '['.repeat(511) + ']'.repeat(511) + '\\n'
        let out
        try {
          if (workerData === 'measured') parseMeasuredYaml(text, { source: 'in.yaml', maxAliasCount: 100 })
          else parseYamlStream(text, { source: 'in.yaml' })
          out = 'parsed'
        } catch (e) {
          out = String(e.code) + ' ' + String(e.message).split('\\n')[0]
        }
        parentPort.postMessage(out)
      }`,
      here,
      20_000,
    )
    expect(run.status, run.stderr).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    for (const out of lines) expect(out).toMatch(/^CORE_YAML_TOO_DEEP in\.yaml: (document 1, )?line 2: nested too deeply to parse$/)
  })
})
