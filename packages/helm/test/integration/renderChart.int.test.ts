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
})
