import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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

  it.skipIf(helm === undefined)('prints dates in the zone of $TZ as helm does (unset: /etc/localtime)', async () => {
    const chart = join(root, 'dates')
    mkdirSync(join(chart, 'templates'), { recursive: true })
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: dates\nversion: 0.1.0\n')
    const at = (v: string): string => `(toDate "2006-01-02 15:04" "${v}")`
    writeFileSync(join(chart, 'templates', 'cm.yaml'), [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: dates', 'data:',
      '  location: {{ now.Location | quote }}',
      `  summer: {{ ${at('2024-07-01 12:00')} | quote }}`,
      `  historic: {{ ${at('1900-01-01 00:00')} | quote }}`,
      `  gap: {{ ${at('2024-03-31 02:30')} | quote }}`,
      '  unix: {{ date "2006-01-02 15:04:05 MST -0700" 1720000000 | quote }}',
      '  local: {{ dateInZone "15:04 MST" 1720000000 "Local" | quote }}',
      `  named: {{ (toDate "2006-01-02 15:04 MST" "2024-07-01 12:00 CEST").GoString | quote }}`,
      '',
    ].join('\n'))
    for (const tz of ['Europe/Paris', ':America/New_York', '', 'Nope/Zone', '../../../../usr/share/zoneinfo/Asia/Tokyo', '/usr/share/zoneinfo/Asia/Tokyo', undefined]) {
      const env: Record<string, string> = { ...sandbox }
      if (tz !== undefined) env.TZ = tz
      let expected: string
      if (tz === '../../../../usr/share/zoneinfo/Asia/Tokyo') {
        // Go reads this name below the zoneinfo directory; the SDK refuses '..' and falls back to UTC.
        expected = execFileSync(helm ?? 'helm', ['template', chart], { encoding: 'utf8', env: { ...sandbox, TZ: 'UTC' } })
      } else {
        expected = execFileSync(helm ?? 'helm', ['template', chart], { encoding: 'utf8', env })
      }
      const c = capture()
      const io = { ...c.io, env: tz === undefined ? {} : { TZ: tz } }
      expect(await main(['template', chart], io), String(tz)).toBe(0)
      expect({ tz, out: c.out() }).toEqual({ tz, out: expected })
    }
  })

  it.skipIf(helm === undefined)('fails as helm does on a bad --set', async () => {
    const expected = helmTemplate([join(charts, 'echo'), '--set', 'a.b'])
    const c = capture()
    expect(await main(['template', join(charts, 'echo'), '--set', 'a.b'], c.io)).toBe(2)
    expect(c.err()).toContain(expected.text)
  })
})
