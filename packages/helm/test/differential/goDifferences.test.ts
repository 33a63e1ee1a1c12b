// Go's own rules as helm shows them (goDifferenceCases.ts): one chart holding every case that
// renders, one chart per case that fails or needs its own kube version or Chart.yaml.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { nodeFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { renderChart } from '../../src/index.js'
import { helmBinary, helmTemplate } from '../helpers/helmBinary.js'
import { caseOutputs, caseRows, caseTemplates, expectSameCase, expectSameFailure, helmMessage, removeChart, renderBoth, suiteChart, writeChart } from '../helpers/differential.js'
import { badKubeVersions, chartYamlInfinities, escapeValues, goDifferenceCases, goValueCases, kubeVersionBody, kubeVersionCopies, kubeVersions, nilPanicCases, oddKubeVersions, sprigGoCases, sprigPanicCases, yamlBytes } from './goDifferenceCases.js'

const helm = helmBinary()

describe.skipIf(helm === undefined)('Go\'s rules under helm\'s functions, through the SDK and helm', () => {
  const cases = [...goDifferenceCases, ...goValueCases]
  const out = suiteChart(cases)

  it.each(caseRows(cases))('$name', ({ id, body }) => {
    expectSameCase(out, id, body)
  })
})

describe.skipIf(helm === undefined)('.Capabilities.KubeVersion through the SDK and helm', () => {
  const oddBody = '{{ .Capabilities.KubeVersion }}|{{ .Capabilities.KubeVersion.Version }}|{{ printf "%v" .Capabilities.KubeVersion }}|{{ .Capabilities.KubeVersion.Minor }}'
  it.each([...kubeVersions.map((v) => [v, kubeVersionBody]), ...oddKubeVersions.map((v) => [v, oddBody])])('--kube-version %j', async (kubeVersion, body) => {
    const dir = await writeChart(caseTemplates([{ name: 'kube version', body }, kubeVersionCopies]))
    try {
      const h = await helmTemplate(dir, { unpinned: true, extraArgs: ['--kube-version', kubeVersion] })
      expect(h.ok, h.stderr).toBe(true)
      const sdk = await renderChart('', { fs: nodeFs(dir), kubeVersion })
      for (const id of ['case-000', 'case-001']) expect(caseOutputs(sdk.text).get(id)).toEqual(caseOutputs(h.stdout).get(id))
    } finally {
      await removeChart(dir)
    }
  })
})

describe.skipIf(helm === undefined)('an empty --kube-version, through the SDK and helm', () => {
  it('keeps the default kube version', async () => {
    const dir = await writeChart(caseTemplates([{ name: 'kube version', body: kubeVersionBody }]))
    try {
      const h = await helmTemplate(dir, { unpinned: true, extraArgs: ['--kube-version', ''] })
      expect(h.ok, h.stderr).toBe(true)
      const sdk = await renderChart('', { fs: nodeFs(dir), kubeVersion: '' })
      expect(caseOutputs(sdk.text).get('case-000')).toEqual(caseOutputs(h.stdout).get('case-000'))
    } finally {
      await removeChart(dir)
    }
  })
})

describe.skipIf(helm === undefined)('a --kube-version helm refuses, through the SDK and helm', () => {
  it.each(badKubeVersions)('--kube-version %j', async (kubeVersion) => {
    const dir = await writeChart({ 'x.yaml': 'x: 1\n' })
    try {
      const h = await helmTemplate(dir, { unpinned: true, extraArgs: ['--kube-version', kubeVersion] })
      expect(h.ok).toBe(false)
      const sdk = await renderChart('', { fs: nodeFs(dir), kubeVersion }).then(() => undefined, (err: unknown) => err as Error)
      expect(sdk?.message).toBe(helmMessage(h.stderr))
    } finally {
      await removeChart(dir)
    }
  })
})

describe.skipIf(helm === undefined)('Sprig\'s helpers as Go runs them, through the SDK and helm', () => {
  const out = suiteChart(sprigGoCases)

  it.each(caseRows(sprigGoCases))('$name', ({ id, body }) => {
    expectSameCase(out, id, body)
  })
})

describe.skipIf(helm === undefined)('nil and Sprig\'s helpers where Go panics, through the SDK and helm', () => {
  it.each([...nilPanicCases, ...sprigPanicCases])('$name', async ({ text }) => {
    await expectSameFailure(text)
  })
})

describe.skipIf(helm === undefined)('a Chart.yaml holding an infinity or NaN, through the SDK and helm', () => {
  it.each(chartYamlInfinities)('$name', async ({ chartYaml }) => {
    const dir = await writeChart({ 'x.yaml': 'x: 1\n' })
    try {
      const file = join(dir, 'Chart.yaml')
      await writeFile(file, (await readFile(file, 'utf8')) + chartYaml)
      const { helm: h, sdk } = await renderBoth(dir)
      expect([h.ok, sdk.ok]).toEqual([false, false])
      // helm says `cannot load Chart.yaml: REASON`; the SDK names the file, `Chart.yaml: REASON`.
      expect(`cannot load ${sdk.text}`).toBe(helmMessage(h.text))
    } finally {
      await removeChart(dir)
    }
  })
})

describe.skipIf(helm === undefined)('values.yaml escapes go-yaml refuses, through the SDK and helm', () => {
  it.each(escapeValues)('$name', async ({ values, ok }) => {
    const dir = await writeChart({ 'x.yaml': 'x: {{ toJson .Values | quote }}\n' }, values)
    try {
      const { helm: h, sdk } = await renderBoth(dir)
      expect(h.ok).toBe(ok)
      // helm says `cannot load values.yaml: cannot unmarshal yaml document: REASON`; the SDK names the file, `values.yaml: REASON`.
      expect(sdk.ok ? sdk.text : sdk.text.replace(/^values\.yaml: /, 'cannot load values.yaml: cannot unmarshal yaml document: ')).toBe(h.text)
    } finally {
      await removeChart(dir)
    }
  })
})

describe.skipIf(helm === undefined)('Chart.yaml and values.yaml bytes go-yaml refuses, through the SDK and helm', () => {
  it.each(yamlBytes)('$name', async ({ file, bytes }) => {
    const dir = await writeChart({ 'x.yaml': 'x: {{ toJson .Values | quote }}\n' })
    try {
      const at = join(dir, file)
      const head = file === 'Chart.yaml' ? await readFile(at) : Buffer.alloc(0)
      await writeFile(at, Buffer.concat([head, Buffer.from(bytes, 'latin1')]))
      const { helm: h, sdk } = await renderBoth(dir)
      expect(sdk.ok).toBe(h.ok)
      // helm says `cannot load F: [cannot unmarshal yaml document: ]REASON`; the SDK names the file, `F: REASON`.
      const helmReason = h.text.replace(/^cannot load (Chart|values)\.yaml: (cannot unmarshal yaml document: )?/, '$1.yaml: ')
      expect(sdk.text).toBe(helmReason)
    } finally {
      await removeChart(dir)
    }
  })
})

describe.skipIf(helm === undefined)('a subchart without Chart.yaml, through the SDK and helm', () => {
  it.each([
    { name: 'a plain file in charts/', file: 'charts/README.md' },
    { name: 'a directory in charts/ without Chart.yaml', file: 'charts/sub/README.md' },
  ])('$name', async ({ file }) => {
    const dir = await writeChart({ 'x.yaml': 'x: 1\n' })
    try {
      await mkdir(join(dir, file, '..'), { recursive: true })
      await writeFile(join(dir, file), 'hi\n')
      const { helm: h, sdk } = await renderBoth(dir)
      expect([h.ok, sdk.ok]).toEqual([false, false])
      // The SDK names the subchart's path first, then helm's text.
      expect(sdk.text.replace(/^charts\/[^:]+: /, '')).toBe(h.text)
    } finally {
      await removeChart(dir)
    }
  })
})

describe.skipIf(helm === undefined)('a subchart\'s values seen from the parent and from the subchart, through the SDK and helm', () => {
  // The parent holds the subchart's values as map[string]interface {}; the subchart's .Values is
  // the same map as common.Values (dig refuses it there, not in the parent).
  it.each([
    { name: 'types and dig', sub: 's: {{ printf "%T|%T" .Values .Values.m }}|{{ .Values.s }}|{{ $_ := set .Values "w" 1 }}{{ .Values.w }}\n' },
    { name: 'dig of the subchart\'s own .Values', sub: 's: {{ dig "s" 0 .Values }}\n' },
  ])('$name', async ({ sub }) => {
    const parent = 'p: {{ dig "s" 0 .Values.sub }}|{{ printf "%T|%T" .Values.sub .Values.sub.m }}|{{ printf "%#v" .Values.sub.m }}|{{ hasKey .Values.sub "s" }}|{{ keys .Values.sub | sortAlpha }}\n'
    const dir = await writeChart({ 'x.yaml': parent }, 'sub:\n  s: 5\n  m: {a: 1}\n')
    try {
      await mkdir(join(dir, 'charts', 'sub', 'templates'), { recursive: true })
      await writeFile(join(dir, 'charts', 'sub', 'Chart.yaml'), 'apiVersion: v2\nname: sub\nversion: 0.1.0\n')
      await writeFile(join(dir, 'charts', 'sub', 'templates', 'y.yaml'), sub)
      const { helm: h, sdk } = await renderBoth(dir)
      expect(sdk).toEqual(h)
    } finally {
      await removeChart(dir)
    }
  })
})
