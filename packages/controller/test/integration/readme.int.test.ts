// The first example of README.md, run as written by plain node against the built package and the
// embedded apiserver, then stopped with SIGTERM.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONFIGMAPS, configMap, eventually, startCluster } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'
import { EVENT_RESOURCE } from '../../src/types.js'

const pkg = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(join(pkg, 'dist', 'index.js'))
let cluster: TestCluster
let dir: string

describe.skipIf(!built)('README.md first example', () => {
  beforeAll(async () => {
    cluster = await startCluster()
    dir = mkdtempSync(join(tmpdir(), 'gitops-controller-readme-'))
  })
  afterAll(async () => {
    await cluster.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('audits the labelled ConfigMaps, records an Event, and exits 0 on SIGTERM', async () => {
    await cluster.client.create(CONFIGMAPS, configMap('audited', 'default', { labels: { audit: 'true' }, data: { a: '1', b: '2' } }))
    await cluster.client.create(CONFIGMAPS, configMap('ignored', 'default'))
    const kubeconfig = join(dir, 'kubeconfig')
    writeFileSync(kubeconfig, cluster.server.kubeconfigYaml())
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8')
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(code).toBeDefined()
    // Inside the package, so that its own name and its dependencies resolve as for a user.
    const scratch = mkdtempSync(join(pkg, '.readme-'))
    try {
      writeFileSync(join(scratch, 'example.mjs'), code ?? '')
      const child = spawn(process.execPath, [join(scratch, 'example.mjs')], { env: { ...process.env, NODE_OPTIONS: '', KUBECONFIG: kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code_) => resolve(code_)))
      try {
        await eventually(() => stdout.includes('default/audited: 2 keys'), 30_000)
      } finally {
        child.kill('SIGTERM')
      }
      expect(await exited).toBe(0)
      expect(stderr).toBe('')
      expect(stdout).toBe('default/audited: 2 keys\n')
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
    const events = (await cluster.client.list(EVENT_RESOURCE, { namespace: 'default' })).items as unknown as { reason: string; message: string; involvedObject: { name: string } }[]
    expect(events).toMatchObject([{ reason: 'Audited', message: '2 keys', involvedObject: { name: 'audited' } }])
  })
})
