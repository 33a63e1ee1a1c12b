// Masterminds/semver v3 (Helm's and Sprig's) through the SDK and helm: one chart prints
// semverCompare for every pair and the fields of semver for every version, one `helm lint` run
// holds the refused constraints and versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { helmLintErrors } from '../helpers/helmLint.js'
import { removeChart, renderBoth, renderSdk, writeChart } from '../helpers/differential.js'
import { semverErrorPairs, semverPairs, semverVersions } from './semverCases.js'

const helm = helmBinary()

const table = `{{- range $i, $p := .Values.pairs }}
# {{ printf "%q %q" (index $p 0) (index $p 1) }}: {{ semverCompare (index $p 0) (index $p 1) }}
{{- end }}
{{- range .Values.versions }}
# {{ printf "%q" . }}: {{ $v := semver . }}{{ printf "%v|%v|%v|%v|%q|%q|%q" $v $v.Major $v.Minor $v.Patch $v.Prerelease $v.Metadata $v.Original }}
{{- end }}
`

function lines(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of text.split('\n')) {
    const at = line.lastIndexOf(': ')
    if (line.startsWith('# "')) out.set(line.slice(2, at), line.slice(at + 2))
  }
  return out
}

const key = (a: string, b?: string): string => (b === undefined ? JSON.stringify(a) : `${JSON.stringify(a)} ${JSON.stringify(b)}`)

describe.skipIf(helm === undefined)('semver as helm reads it (Masterminds/semver v3.4.0)', () => {
  let dir = ''
  const errorDirs = new Map<string, string>()
  let helmOut = new Map<string, string>()
  let sdkOut = new Map<string, string>()
  let helmErrors = new Map<string, string | undefined>()
  beforeAll(async () => {
    dir = await writeChart({ 'table.yaml': table }, JSON.stringify({ pairs: semverPairs, versions: semverVersions }))
    const { helm: h, sdk } = await renderBoth(dir)
    if (!h.ok) throw new Error(`helm failed on the semver chart: ${h.text}`)
    if (!sdk.ok) throw new Error(`the SDK failed on the semver chart: ${sdk.text}`)
    helmOut = lines(h.text)
    sdkOut = lines(sdk.text)
    for (const [c, v] of semverErrorPairs) errorDirs.set(key(c, v), await writeChart({ 'x.yaml': `x: {{ semverCompare ${JSON.stringify(c)} ${JSON.stringify(v)} }}\n` }))
    helmErrors = await helmLintErrors([...errorDirs.values()])
  })
  afterAll(async () => {
    await removeChart(dir)
    for (const d of errorDirs.values()) await removeChart(d)
  })

  it('helm answered every case', () => {
    expect(helmOut.size).toBe(semverPairs.length + semverVersions.length)
  })

  it.each(semverPairs.map(([c, v]) => ({ c, v })))('semverCompare $c $v', ({ c, v }) => {
    expect({ c, v, out: sdkOut.get(key(c, v)) }).toEqual({ c, v, out: helmOut.get(key(c, v)) })
  })

  it.each(semverVersions)('semver %s', (v) => {
    expect({ v, out: sdkOut.get(key(v)) }).toEqual({ v, out: helmOut.get(key(v)) })
  })

  it.each(semverErrorPairs.map(([c, v]) => ({ c, v })))('semverCompare $c $v fails as in helm', async ({ c, v }) => {
    const d = errorDirs.get(key(c, v)) ?? ''
    const expected = helmErrors.get(d)
    expect(expected, `helm rendered ${c} ${v} without error`).toBeDefined()
    const sdk = await renderSdk(d)
    expect({ c, v, ok: sdk.ok, message: sdk.text }).toEqual({ c, v, ok: false, message: expected })
  })
})
