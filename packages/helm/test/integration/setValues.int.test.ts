// --set, --set-string and --set-json through parseSetValues and renderChart, against helm template
// given the same flags (helm applies --set-json, then --set, then --set-string).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
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

  it('reads --set-file files and takes --set-literal values whole, after the other kinds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'helm-set-file-'))
    try {
      await writeFile(join(dir, 'conf.txt'), 'key: "v", x\\y')
      await writeFile(join(dir, 'other.txt'), '007')
      const flags: readonly (readonly [string, string])[] = [
        ['--set-literal', 'lit=a,b\\c=d.e'],
        ['--set-file', `conf=${join(dir, 'conf.txt')},nested.n=${join(dir, 'other.txt')}`],
        ['--set', 'lit=overridden,conf=overridden,nested.m=1'],
        ['--set-literal', 'list[1].deep=x,y'],
      ]
      const h = await helmTemplate(join(charts, 'echo'), { extraArgs: flags.flat() })
      expect(h.stderr).toBe('')
      const set = flags.map(([flag, expression]) => ({ type: flag === '--set' ? ('set' as const) : flag === '--set-file' ? ('file' as const) : ('literal' as const), expression }))
      const sdk = await renderChart('echo', { fs: nodeFs(charts), kubeVersion: KUBE_VERSION, apiVersions: API_VERSIONS, set })
      expect(sdk.text).toBe(h.stdout)
      const missing = await renderChart('echo', { fs: nodeFs(charts), set: [{ type: 'file', expression: 'a=/nonexistent/x' }] }).catch((err: unknown) => err)
      expect(missing).toMatchObject({ code: 'HELM_VALUES_INVALID', message: 'failed parsing --set-file data: open /nonexistent/x: no such file or directory' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('rejects a key without a value with helm message', async () => {
    const r = await both([['set', 'a.b']])
    expect(r.helm).toMatch(/^failed parsing --set data/)
    expect(r.sdk).toBe(r.helm)
  })
})
