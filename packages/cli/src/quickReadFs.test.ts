import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { nodeFs } from '@gitops-sdk/core'
import { quickReadFs } from './quickReadFs.js'

const dir = mkdtempSync(join(tmpdir(), 'gitops-quick-read-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const root = join(dir, 'root')
mkdirSync(join(root, 'chart/templates'), { recursive: true })
writeFileSync(join(root, 'chart/Chart.yaml'), 'name: web\n')
writeFileSync(join(root, 'chart/templates/a.yaml'), 'kind: A\n')
writeFileSync(join(dir, 'outside.txt'), 'secret\n')
symlinkSync(join(dir, 'outside.txt'), join(root, 'chart/templates/escape.yaml'))
symlinkSync('a.yaml', join(root, 'chart/templates/inside.yaml'))
symlinkSync('templates', join(root, 'chart/linked'))
symlinkSync(dir, join(root, 'chart/out'))
execFileSync('mkfifo', [join(root, 'chart/templates/fifo.yaml')])

const codeOf = async (p: Promise<unknown>): Promise<unknown> => p.then(() => 'no error', (err: unknown) => (err as { code?: unknown }).code)

describe('quickReadFs', () => {
  const base = nodeFs(root)
  const fs = quickReadFs(base, root)
  it('reads what nodeFs reads, symlinks inside the root included', async () => {
    for (const p of ['chart/Chart.yaml', 'chart/templates/a.yaml', 'chart/templates/inside.yaml', 'chart/linked/a.yaml', './chart//Chart.yaml', '/chart/Chart.yaml']) {
      expect(Buffer.from(await fs.readFile(p)).toString()).toBe(Buffer.from(await base.readFile(p)).toString())
    }
    expect(await fs.readdir('chart')).toEqual(await base.readdir('chart'))
    expect(await fs.stat('chart/Chart.yaml')).toEqual(await base.stat('chart/Chart.yaml'))
  })
  it("fails as nodeFs fails: missing files, directories, escapes by symlink or '..'", async () => {
    for (const p of ['chart/missing.yaml', 'chart/templates', 'chart/templates/escape.yaml', 'chart/out/outside.txt', '../outside.txt', 'chart/../../outside.txt']) {
      const code = await codeOf(fs.readFile(p))
      expect(code).not.toBe('no error')
      expect(code).toBe(await codeOf(base.readFile(p)))
    }
  })
  it('leaves a FIFO to nodeFs without blocking on it, and reads plain files itself', async () => {
    const calls: string[] = []
    const spy = quickReadFs({ ...base, readFile: async (p) => (calls.push(p), new Uint8Array()) }, root)
    await spy.readFile('chart/templates/fifo.yaml')
    await spy.readFile('chart/templates/a.yaml')
    await spy.readFile('chart/linked/a.yaml')
    await spy.readFile('chart/templates/inside.yaml')
    await spy.readFile('chart/out/outside.txt')
    // A file through a directory symlink inside the root is read quickly; a symlinked file itself
    // and a directory leading outside go to nodeFs.
    expect(calls).toEqual(['chart/templates/fifo.yaml', 'chart/templates/inside.yaml', 'chart/out/outside.txt'])
  })
})
