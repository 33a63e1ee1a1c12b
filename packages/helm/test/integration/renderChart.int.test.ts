import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nodeFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { renderChart } from '../../src/index.js'
import { API_VERSIONS, KUBE_VERSION, helmBinary, helmTemplate } from '../helpers/helmBinary.js'

const charts = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures', 'charts')
const helm = helmBinary()

describe.skipIf(helm === undefined)('renderChart compared with helm template', () => {
  it.each([
    { name: 'web', releaseName: 'release-name', namespace: 'default' },
    { name: 'web', releaseName: 'shop', namespace: 'prod' },
  ])('renders the $name chart as release $releaseName byte for byte', async ({ name, releaseName, namespace }) => {
    const expected = await helmTemplate(join(charts, name), { releaseName, namespace })
    expect(expected.stderr).toBe('')
    const result = await renderChart(name, {
      fs: nodeFs(charts),
      releaseName,
      namespace,
      kubeVersion: KUBE_VERSION,
      apiVersions: API_VERSIONS,
    })
    expect(result.text).toBe(expected.stdout)
    expect(result.manifests.map((m) => m.kind)).toContain('HorizontalPodAutoscaler')
  })

  it('defaults .Capabilities to what helm template defaults to, without --kube-version or --api-versions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'helm-capabilities-'))
    await mkdir(join(dir, 'caps', 'templates'), { recursive: true })
    await writeFile(join(dir, 'caps', 'Chart.yaml'), 'apiVersion: v2\nname: caps\nversion: 0.1.0\nkubeVersion: ">=1.30.0-0"\n')
    const probes = ['batch/v1', 'apps/v1/Deployment', 'policy/v1beta1', 'autoscaling/v2', 'example.com/v1']
    await writeFile(
      join(dir, 'caps', 'templates', 'caps.yaml'),
      `data:\n  version: {{ .Capabilities.KubeVersion }}\n  major: "{{ .Capabilities.KubeVersion.Major }}"\n  minor: "{{ .Capabilities.KubeVersion.Minor }}"\n${probes.map((p, i) => `  has${String(i)}: {{ .Capabilities.APIVersions.Has ${JSON.stringify(p)} }}\n`).join('')}`,
    )
    const expected = await helmTemplate(join(dir, 'caps'), { unpinned: true })
    expect(expected.stderr).toBe('')
    const result = await renderChart('caps', { fs: nodeFs(dir), releaseName: 'release-name', namespace: 'default' })
    expect(result.text).toBe(expected.stdout)
    expect(result.text).toContain('version: v1.35.0')
  })
})
