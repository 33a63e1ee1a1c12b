import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { main } from './main.js'
import type { CliIO } from './context.js'

function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {} },
    out: () => out,
    err: () => err,
  }
}

describe('gitops', () => {
  it('prints help listing the commands, exit 0', async () => {
    const c = capture()
    expect(await main(['--help'], c.io)).toBe(0)
    expect(c.out()).toContain('Usage:\n  gitops <command> [flags]')
    expect(c.out()).toContain('reconcile')
    expect(c.out()).not.toMatch(/^ +demo /m)
  })

  it('prints its version, exit 0', async () => {
    const c = capture()
    expect(await main(['--version'], c.io)).toBe(0)
    expect(c.out()).toMatch(/^gitops \d+\.\d+\.\d+\n$/)
  })

  it('fails an unknown command with one line on stderr and exit 2', async () => {
    const c = capture()
    expect(await main(['frobnicate'], c.io)).toBe(2)
    expect(c.err()).toBe('gitops: unknown command "frobnicate"; run gitops --help for the list\n')
    expect(c.out()).toBe('')
  })

  it('fails an unknown flag and a bad --output as usage errors, exit 2', async () => {
    const c = capture()
    expect(await main(['status', '--nope'], c.io)).toBe(2)
    expect(c.err()).toMatch(/^gitops status: Unknown option '--nope'/)
    const d = capture()
    expect(await main(['status', '--output', 'xml'], d.io)).toBe(2)
    expect(d.err()).toBe('gitops status: --output must be text, json or yaml, not xml\n')
  })

  it('prints a sub-command’s help with an example', async () => {
    const c = capture()
    expect(await main(['status', '--help'], c.io)).toBe(0)
    expect(c.out()).toContain('Example:')
  })
})

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url))

describe.skipIf(!existsSync(bin))('the built gitops binary', () => {
  it('runs under plain node', () => {
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' })).toMatch(/^gitops \d/)
    const failed = spawnSync(process.execPath, [bin, 'nope'], { encoding: 'utf8' })
    expect(failed.status).toBe(2)
    expect(failed.stderr.trim().split('\n')).toHaveLength(1)
  })
})
