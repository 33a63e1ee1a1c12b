// `--as`/`--as-group` on the cluster commands: impersonation is HTTP headers the API server acts on,
// so this suite puts a recording proxy on 127.0.0.1 between the clients and the embedded apiserver
// (plain HTTP) and compares the header lines gitops sends with those real kubectl sends for the
// same flags.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { main } from '../../src/main.js'
import type { CliIO } from '../../src/context.js'
import { hasKubectl, kubectl as kubectlBin } from '../../../../testing/kubectl.js'

let dir: string
let apiserver: ApiServer
let proxy: Server
let kubeconfig: string
/** The impersonation header lines of each request, in order, lower-cased names. */
const seen: string[][] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-as-'))
  apiserver = await startApiServer({ tls: false, authentication: false })
  const target = new URL(apiserver.url)
  proxy = createServer((req, res) => {
    const lines: string[] = []
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = (req.rawHeaders[i] ?? '').toLowerCase()
      if (name.startsWith('impersonate-')) lines.push(`${name}: ${req.rawHeaders[i + 1] ?? ''}`)
    }
    seen.push(lines)
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const { port } = proxy.address() as AddressInfo
  kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, apiserver.kubeconfigYaml().replace(apiserver.url, `http://127.0.0.1:${port}`))
})

afterAll(async () => {
  proxy.closeAllConnections()
  proxy.close()
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function gitops(...argv: string[]): Promise<{ code: number; out: string; err: string; error: unknown }> {
  let out = ''
  let err = ''
  let error: unknown
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { KUBECONFIG: kubeconfig, NO_COLOR: '1' },
    cwd: dir,
    onError: (e) => (error = e),
  }
  const code = await main(argv, io)
  return { code, out, err, error }
}

function kubectl(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(kubectlBin, ['--kubeconfig', kubeconfig, ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 60_000 }, (err, stdout, stderr) =>
      err === null ? resolve(stdout) : reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)),
    )
  })
}

const as = ['--as', 'jane', '--as-group', 'devs', '--as-group', 'ops,oncall']
const expected = ['impersonate-user: jane', 'impersonate-group: devs', 'impersonate-group: ops,oncall']

describe('--as and --as-group', () => {
  it.skipIf(!hasKubectl)('send the header lines real kubectl sends for the same flags, on every request of apply, diff and status', async () => {
    seen.length = 0
    await kubectl(['get', 'configmaps', '-n', 'default', ...as])
    const fromKubectl = seen.filter((l) => l.length > 0)
    expect(fromKubectl.length).toBeGreaterThan(0)
    for (const lines of fromKubectl) expect([...lines].sort()).toEqual([...expected].sort())

    const file = join(dir, 'cm.yaml')
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: as-test, namespace: default}\ndata: {a: "1"}\n')
    for (const argv of [
      ['apply', file, '--inventory', 'default/as-test', ...as],
      ['diff', file, '--inventory', 'default/as-test', ...as],
      ['status', '--inventory', 'default/as-test', ...as],
    ]) {
      seen.length = 0
      const result = await gitops(...argv)
      expect(result.error, argv[0]).toBeUndefined()
      expect(seen.length, argv[0]).toBeGreaterThan(0)
      for (const lines of seen) expect([...lines].sort(), argv[0]).toEqual([...expected].sort())
    }
  })

  it('sends no impersonation header without the flags', async () => {
    seen.length = 0
    const result = await gitops('status', '-n', 'default')
    expect(result.error).toBeUndefined()
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every((l) => l.length === 0)).toBe(true)
  })
})
