import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../main.js'
import type { CliIO } from '../context.js'
import { helmBinary } from '../../../helm/test/helpers/helmBinary.js'
import { helmMessage } from '../../../helm/test/helpers/differential.js'

const charts = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'helm', 'test', 'fixtures', 'charts')
const helm = helmBinary()
const root = mkdtempSync(join(tmpdir(), 'gitops-template-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: root },
    out: () => out,
    err: () => err,
  }
}

// helm reads no user config, repositories or plugins.
const sandbox = { PATH: process.env.PATH ?? '', HELM_CACHE_HOME: join(root, '.helm', 'cache'), HELM_CONFIG_HOME: join(root, '.helm', 'config'), HELM_DATA_HOME: join(root, '.helm', 'data') }

function helmTemplate(args: readonly string[]): { ok: boolean; text: string } {
  try {
    return { ok: true, text: execFileSync(helm ?? 'helm', ['template', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: sandbox }) }
  } catch (err) {
    return { ok: false, text: helmMessage((err as { stderr?: string }).stderr ?? '') }
  }
}

describe('gitops template', () => {
  it('refuses no chart or two charts', async () => {
    expect(await main(['template'], capture().io)).toBe(2)
    expect(await main(['template', 'a', 'b'], capture().io)).toBe(2)
  })

  it.skipIf(helm === undefined)('prints what helm template prints for the same flags', async () => {
    writeFileSync(join(root, 'one.yaml'), 'sub2:\n  replicas: 7\nglobal:\n  env: from-file\n')
    writeFileSync(join(root, 'two.yaml'), 'global:\n  env: second-file\n  extra: yes\n')
    const flags = [
      '--values', join(root, 'one.yaml'), '-f', join(root, 'two.yaml'),
      '--set', 'sub2.kept=set,tags.extra=true', '--set-string', 'sub2.enabled=007', '--set-json', 'global.list=[1,"a"]',
      '--namespace', 'prod', '--kube-version', 'v1.31.2', '--api-versions', 'example.com/v1', '--api-versions', 'other.io/v2/Thing',
      '--include-crds',
    ]
    const expected = helmTemplate(['rel', join(charts, 'umbrella'), ...flags])
    expect(expected.ok).toBe(true)
    const c = capture()
    expect(await main(['template', join(charts, 'umbrella'), '--release-name', 'rel', ...flags], c.io)).toBe(0)
    expect(c.err()).toBe('')
    expect(c.out()).toBe(expected.text)
  })

  it.skipIf(helm === undefined)('reads --set-file and --set-literal as helm does', async () => {
    writeFileSync(join(root, 'note.txt'), 'from a file, with a comma')
    const flags = ['--set-literal', 'lit=a,b\\c', '--set-file', `note=${join(root, 'note.txt')}`, '--set', 'lit=x,n=1']
    const expected = helmTemplate([join(charts, 'echo'), ...flags])
    expect(expected.ok).toBe(true)
    const c = capture()
    expect(await main(['template', join(charts, 'echo'), ...flags], c.io)).toBe(0)
    expect(c.out()).toBe(expected.text)
  })

  it.skipIf(helm === undefined)('fails as helm does on a bad --set', async () => {
    const expected = helmTemplate([join(charts, 'echo'), '--set', 'a.b'])
    const c = capture()
    expect(await main(['template', join(charts, 'echo'), '--set', 'a.b'], c.io)).toBe(2)
    expect(c.err()).toContain(expected.text)
  })
})
