import { describe, expect, it } from 'vitest'
import { debugging, loadYamlPrinter, printResult } from './context.js'
import type { CliIO } from './context.js'

function capture(): { io: CliIO; out: () => string } {
  let out = ''
  return { io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, env: {} }, out: () => out }
}

describe('printResult', () => {
  it('prints a stream of results as JSON lines or YAML documents', async () => {
    const json = capture()
    for (const n of [1, 2]) printResult(json.io, { format: 'json', data: { n, ready: 'True' }, text: () => '', stream: true })
    expect(json.out()).toBe('{"n":1,"ready":"True"}\n{"n":2,"ready":"True"}\n')
    const yaml = capture()
    await loadYamlPrinter()
    for (const count of [1, 2]) printResult(yaml.io, { format: 'yaml', data: { count }, text: () => '', stream: true })
    expect(yaml.out()).toBe('---\ncount: 1\n---\ncount: 2\n')
  })

  it('prints one result as indented JSON', () => {
    const json = capture()
    printResult(json.io, { format: 'json', data: { n: 1 }, text: () => '' })
    expect(json.out()).toBe('{\n  "n": 1\n}\n')
  })
})

describe('debugging', () => {
  it('is true only when a logger is set and its level is debug or not known', () => {
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }
    const io: CliIO = { stdout: { write: () => true }, stderr: { write: () => true }, env: {} }
    expect(debugging(io)).toBe(false)
    expect(debugging({ ...io, logger })).toBe(true)
    expect(debugging({ ...io, logger, logLevel: 'debug' })).toBe(true)
    expect(debugging({ ...io, logger, logLevel: 'info' })).toBe(false)
    expect(debugging({ ...io, logLevel: 'debug' })).toBe(false)
  })
})
