import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../main.js'
import type { CliIO } from '../context.js'
import { hasKubectl, kubectl } from '../../../../testing/kubectl.js'

const dir = mkdtempSync(join(tmpdir(), 'gitops-cli-apiserver-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))


async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  if (!check()) throw new Error('timed out')
}

describe('gitops apiserver', () => {
  it('serves until its signal aborts, printing the URL and writing a kubeconfig', async () => {
    let out = ''
    let err = ''
    const controller = new AbortController()
    const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: dir, signal: controller.signal }
    const running = main(['apiserver', '--kubeconfig-out', 'kc.yaml', '--simulate-controllers'], io)
    await until(() => out.includes('\n'))
    expect(out).toMatch(/^https:\/\/127\.0\.0\.1:\d+\n$/)
    const kubeconfig = readFileSync(join(dir, 'kc.yaml'), 'utf8')
    expect(kubeconfig).toContain(`server: ${out.trim()}`)
    expect(kubeconfig).toContain('certificate-authority-data: ')
    expect(kubeconfig).toMatch(/token: [0-9a-f]{48}/)
    const response = await fetch(`${out.trim()}/version`).catch((e: unknown) => e)
    expect(response).toBeInstanceOf(Error) // the CA is not trusted by default
    controller.abort()
    expect(await running).toBe(0)
    expect(err).toContain('stopping (aborted)')
  })

  it('refuses a bad --port as a usage error, exit 2', async () => {
    let err = ''
    const io: CliIO = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, env: {} }
    expect(await main(['apiserver', '--port', 'x'], io)).toBe(2)
    expect(err).toBe('gitops apiserver: --port must be a number from 0 to 65535, not x\n')
  })
})

const bin = fileURLToPath(new URL('../../dist/bin.cjs', import.meta.url))

describe.skipIf(!existsSync(bin) || !hasKubectl)('the built gitops apiserver', () => {
  it('runs as a process that kubectl talks to, and stops cleanly on SIGTERM', async () => {
    const kc = join(dir, 'bin-kc.yaml')
    const child = spawn(process.execPath, [bin, 'apiserver', '--kubeconfig-out', kc], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    await until(() => out.includes('\n'))
    const namespaces = execFileSync(kubectl, ['--kubeconfig', kc, '--cache-dir', join(dir, 'cache'), 'get', 'namespaces', '-o', 'name'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir } })
    expect(namespaces).toBe('namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\n')
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
