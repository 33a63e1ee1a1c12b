// --set, --set-string and --set-json through parseSetValues and renderChart, against helm template
// given the same flags (helm applies --set-json, then --set, then --set-string).
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isGitOpsError, nodeFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { parseSetValues, renderChart } from '../../src/index.js'
import { helmMessage } from '../helpers/differential.js'
import { API_VERSIONS, KUBE_VERSION, helmBinary, helmTemplate } from '../helpers/helmBinary.js'

const charts = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures', 'charts')
const helm = helmBinary()

type Flag = readonly ['set' | 'string' | 'json', string]

async function both(flags: readonly Flag[]): Promise<{ helm: string; sdk: string }> {
  const order = { json: 0, set: 1, string: 2 }
  const args = flags.flatMap(([t, e]) => [t === 'set' ? '--set' : `--set-${t}`, e])
  const h = await helmTemplate(join(charts, 'echo'), { extraArgs: args })
  let sdk: string
  try {
    let values: Record<string, unknown> = {}
    for (const [type, e] of [...flags].sort((a, b) => order[a[0]] - order[b[0]])) values = parseSetValues(e, { type, values })
    sdk = (await renderChart('echo', { fs: nodeFs(charts), kubeVersion: KUBE_VERSION, apiVersions: API_VERSIONS, values })).text
  } catch (err) {
    if (!isGitOpsError(err)) throw err
    sdk = err.message
  }
  return { helm: h.ok ? h.stdout : helmMessage(h.stderr), sdk }
}

describe.skipIf(helm === undefined)('--set flags through parseSetValues and helm', () => {
  it('types, nests, indexes, escapes and deletes as helm does', async () => {
    const r = await both([
      ['string', 'str=007,nested.s=true'],
      ['set', 'int=42,zero=0,lead=007,neg=-3,big=3000000,huge=99999999999999999999,float=1.5,yes=TRUE,no=false,nil=null,empty='],
      ['set', 'drop=null,nested.b[3]=z,list[0]=first,deep.a.b.c=d,esc\\.dot=v,comma=a\\,b,arr={1,two,true},pairs[1].name=n'],
      ['json', 'obj={"a":[1,2.5,{"b":null}],"c":"d"},num=3000000'],
      ['json', '{"whole":{"x":1}}'],
      ['set', 'grid[1][2]=g'],
    ])
    expect(r.sdk).toBe(r.helm)
  })

  it('rejects a key without a value with helm message', async () => {
    const r = await both([['set', 'a.b']])
    expect(r.helm).toMatch(/^failed parsing --set data/)
    expect(r.sdk).toBe(r.helm)
  })
})
