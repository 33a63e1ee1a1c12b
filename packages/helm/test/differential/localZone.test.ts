// time.Local through the SDK and helm: helm run under several TZ values, the SDK given the zone
// loadLocalTimeZone resolves from the same TZ (and, for a name, the name itself as timeZone). The
// unset case reads this machine's /etc/localtime on both sides.
import { nodeFs } from '@gitops-sdk/core'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HelmTimeZone, loadLocalTimeZone, renderChart } from '../../src/index.js'
import { API_VERSIONS, KUBE_VERSION, helmBinary, helmTemplate } from '../helpers/helmBinary.js'
import { caseOutputs, caseTemplates, helmMessage, removeChart, writeChart } from '../helpers/differential.js'
import { localZoneCases, zoneRuns } from './localZoneCases.js'

const helm = helmBinary()

async function sdkOutputs(dir: string, timeZone: HelmTimeZone): Promise<Map<string, string>> {
  const r = await renderChart('', { fs: nodeFs(dir), kubeVersion: KUBE_VERSION, apiVersions: API_VERSIONS, timeZone })
  return caseOutputs(r.text)
}

describe.skipIf(helm === undefined)('time.Local through the SDK and helm under TZ', () => {
  let dir = ''
  const runs = [...zoneRuns]
  const helmOut = new Map<string, Map<string, string>>()
  const key = (tz: string | null): string => (tz === null ? '(unset)' : JSON.stringify(tz))
  beforeAll(async () => {
    dir = await writeChart(caseTemplates(localZoneCases))
    // A file that is no TZif data, named by an absolute path: Go falls back to UTC.
    runs.push({ tz: join(dir, 'Chart.yaml'), why: 'an absolute path to a file that is no TZif data: UTC' })
    for (const run of runs) {
      const h = await helmTemplate(dir, { tz: run.tz })
      if (!h.ok) throw new Error(`helm failed under TZ=${key(run.tz)}: ${helmMessage(h.stderr)}`)
      helmOut.set(key(run.tz), caseOutputs(h.stdout))
    }
  }, 120_000)
  afterAll(async () => {
    await removeChart(dir)
  })

  it.each(zoneRuns.map((r) => ({ ...r, label: r.tz ?? '(unset)' })))('TZ=$label ($why): every case as helm prints it', async ({ tz }) => {
    const expected = helmOut.get(key(tz))
    const env = tz === null ? {} : { TZ: tz }
    const got = await sdkOutputs(dir, loadLocalTimeZone(env))
    expect(got.size).toBe(localZoneCases.length)
    localZoneCases.forEach((c, i) => {
      const id = `case-${String(i).padStart(3, '0')}`
      expect({ case: c.name, out: got.get(id) }).toEqual({ case: c.name, out: expected?.get(id) })
    })
  })

  it('an absolute path to a file that is no TZif data is UTC, as helm', async () => {
    const tz = join(dir, 'Chart.yaml')
    const got = await sdkOutputs(dir, loadLocalTimeZone({ TZ: tz }))
    expect(got).toEqual(helmOut.get(key(tz)))
    expect(got).toEqual(helmOut.get(key('UTC')))
  })

  it('a name given as timeZone prints as helm does under TZ=name', async () => {
    for (const name of ['Europe/Paris', 'Australia/Lord_Howe', 'Europe/Dublin', 'Etc/UTC', 'UTC', '', 'Nope/Zone']) {
      expect(await sdkOutputs(dir, name), name).toEqual(helmOut.get(key(name)))
    }
    expect(await sdkOutputs(dir, 'America/New_York')).toEqual(helmOut.get(key(':America/New_York')))
  })

  it('without timeZone, the SDK prints as helm does with TZ=UTC', async () => {
    const r = await renderChart('', { fs: nodeFs(dir), kubeVersion: KUBE_VERSION, apiVersions: API_VERSIONS })
    expect(caseOutputs(r.text)).toEqual(helmOut.get(key('UTC')))
  })
})
