import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { helmBinary, helmTemplate } from './helmBinary.js'

const helm = helmBinary()

describe.skipIf(helm === undefined)('the helm oracle', () => {
  it('renders a chart with the pinned kube version', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'helm-oracle-'))
    try {
      await mkdir(join(dir, 'templates'))
      await writeFile(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 0.1.0\n')
      await writeFile(join(dir, 'templates', 'cm.yaml'), 'kube: {{ .Capabilities.KubeVersion }}\n')
      const result = await helmTemplate(dir)
      expect(result).toEqual({ ok: true, stdout: '---\n# Source: probe/templates/cm.yaml\nkube: v1.32.0\n', stderr: '' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
