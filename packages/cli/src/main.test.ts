import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { main } from './main.js'
import type { CliIO } from './context.js'

function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {} },
    out: () => out,
    err: () => err,
  }
}

describe('--log-level and --log-format', () => {
  it('are listed in the help', async () => {
    const c = capture()
    expect(await main(['--help'], c.io)).toBe(0)
    expect(c.out()).toContain('--log-level error|warn|info|debug')
    expect(c.out()).toContain('--log-format text|json')
  })

  it('log nothing at the default level, and what each step does at debug on stderr, before or after the command', async () => {
    const quiet = capture()
    expect(await main(['completion', 'bash'], quiet.io)).toBe(0)
    expect(quiet.err()).toBe('')
    for (const argv of [['--log-level', 'debug', 'completion', 'bash'], ['completion', 'bash', '--log-level=debug']]) {
      const c = capture()
      expect(await main(argv, c.io)).toBe(0)
      expect(c.err()).toBe('debug gitops completion: starting command=completion\n')
      expect(c.out()).toContain('_gitops()')
    }
  })

  it('write one JSON object per line with --log-format json', async () => {
    const c = capture()
    expect(await main(['version', '--log-level', 'debug', '--log-format', 'json'], c.io)).toBe(0)
    expect(c.err().trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([{ level: 'debug', message: 'gitops version: starting', command: 'version' }])
  })

  it('name every file a build reads at debug, relative to the working directory, and none at info', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitops-log-'))
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- cm.yaml\n')
      writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n')
      const debug = capture()
      expect(await main(['build', '.', '--log-level', 'debug'], { ...debug.io, cwd: dir })).toBe(0)
      expect(debug.err()).toContain('debug reading file path=kustomization.yaml\n')
      expect(debug.err()).toContain('debug reading file path=cm.yaml\n')
      for (const level of ['info', 'warn']) {
        const c = capture()
        expect(await main(['build', '.', '--log-level', level], { ...c.io, cwd: dir })).toBe(0)
        expect(c.err()).toBe('')
        expect(c.out()).toBe(debug.out())
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuse other values as usage errors, exit 2', async () => {
    for (const [argv, message] of [
      [['build', '.', '--log-level', 'trace'], 'gitops build: --log-level must be error, warn, info or debug, not trace\n'],
      [['--log-format=xml', 'build', '.'], 'gitops build: --log-format must be text or json, not xml\n'],
      [['build', '.', '--log-level'], 'gitops build: --log-level must be error, warn, info or debug, not nothing\n'],
    ] as const) {
      const c = capture()
      expect(await main(argv, c.io)).toBe(2)
      expect(c.err()).toBe(message)
    }
  })
})

describe('gitops', () => {
  it('prints help listing the commands, exit 0', async () => {
    const c = capture()
    expect(await main(['--help'], c.io)).toBe(0)
    expect(c.out()).toContain('Usage:\n  gitops <command> [flags]')
    expect(c.out()).toContain('reconcile')
    expect(c.out()).not.toMatch(/^ +demo /m)
  })

  it('prints its version, exit 0', async () => {
    const c = capture()
    expect(await main(['--version'], c.io)).toBe(0)
    expect(c.out()).toMatch(/^gitops \d+\.\d+\.\d+\n$/)
  })

  it('fails an unknown command with one line on stderr and exit 2', async () => {
    const c = capture()
    expect(await main(['frobnicate'], c.io)).toBe(2)
    expect(c.err()).toBe('gitops: unknown command "frobnicate"; run gitops --help for the list\n')
    expect(c.out()).toBe('')
  })

  // Changed for issue 18: an unknown flag is answered in our words with the command's usage and a
  // did-you-mean, no longer with node:util's "Unknown option" text.
  it('fails an unknown flag with a did-you-mean and the command’s usage, exit 2', async () => {
    const c = capture()
    expect(await main(['build', '--substitue', 'a=b', 'dir'], c.io)).toBe(2)
    expect(c.err()).toBe(
      "gitops build: unknown flag --substitue; did you mean --substitute?\n\nUsage:\n  gitops build DIR [--substitute K=V]... [--substitute-from FILE] [--plain-dirs]\n  gitops build DIR DIR... [flags]\n\nRun 'gitops build --help' for every flag.\n",
    )
    expect(c.out()).toBe('')
    const far = capture()
    expect(await main(['build', '--zzzzzz', 'dir'], far.io)).toBe(2)
    expect(far.err()).toMatch(/^gitops build: unknown flag --zzzzzz\n\nUsage:/)
    const short = capture()
    expect(await main(['status', '-x'], short.io)).toBe(2)
    expect(short.err()).toMatch(/^gitops status: unknown flag -x\n/)
  })

  it('fails a bad --output as a usage error, exit 2', async () => {
    const d = capture()
    expect(await main(['build', '--output', 'xml', 'dir'], d.io)).toBe(2)
    expect(d.err()).toBe('gitops build: --output must be text, json or yaml, not xml\n')
  })

  it('prints help and exits 0 when run bare', async () => {
    const c = capture()
    expect(await main([], c.io)).toBe(0)
    expect(c.out()).toContain('Usage:\n  gitops <command> [flags]')
    expect(c.err()).toBe('')
  })

  it('takes global flags before the sub-command, as kubectl and flux do', async () => {
    const before = capture()
    expect(await main(['-o', 'json', 'version'], before.io)).toBe(0)
    expect(JSON.parse(before.out())).toEqual({ gitops: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown, node: process.version })
    const inline = capture()
    expect(await main(['--output=yaml', 'version'], inline.io)).toBe(0)
    expect(inline.out()).toMatch(/^gitops: \d+\.\d+\.\d+\nnode: v/)
    const help = capture()
    expect(await main(['-h', 'build'], help.io)).toBe(0)
    expect(help.out()).toContain('gitops build: build the kustomization')
    const alone = capture()
    expect(await main(['-o', 'json'], alone.io)).toBe(2)
    expect(alone.err()).toBe('gitops: -o json needs a command; run gitops --help for the list\n')
  })

  it('prints its version as gitops version, in text, json or yaml', async () => {
    const c = capture()
    expect(await main(['version'], c.io)).toBe(0)
    expect(c.out()).toMatch(/^gitops \d+\.\d+\.\d+\n$/)
    const j = capture()
    expect(await main(['version', '-o', 'json'], j.io)).toBe(0)
    expect(JSON.parse(j.out())).toMatchObject({ gitops: expect.any(String) as unknown })
  })

  it('suggests the closest command for a typo', async () => {
    const c = capture()
    expect(await main(['bulid', '.'], c.io)).toBe(2)
    expect(c.err()).toBe('gitops: unknown command "bulid"; did you mean build?; run gitops --help for the list\n')
  })

  it('prints a sub-command’s help with an example', async () => {
    const c = capture()
    expect(await main(['build', '--help'], c.io)).toBe(0)
    expect(c.out()).toMatch(/\nExamples?:\n/)
  })
})

describe('-o yaml', () => {
  // The YAML printer is loaded by main when an argument asks for YAML: each spelling, from a fresh
  // module state (nothing loaded it before).
  it.each([[['version', '-oyaml']], [['version', '--output=yaml']], [['-o', 'yaml', 'version']]])('prints YAML for %j', async (argv) => {
    vi.resetModules()
    const fresh = await import('./main.js')
    const c = capture()
    expect(await fresh.main(argv, c.io)).toBe(0)
    expect(c.out()).toMatch(/^gitops: \d+\.\d+\.\d+\nnode: v\d+/)
  })
})

// The command as package.json's bin names it, and the ES module path kept for scripts.
const bin = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url))
const esmBin = fileURLToPath(new URL('../dist/bin.js', import.meta.url))

describe.skipIf(!existsSync(bin))('the built gitops binary', () => {
  it('runs under plain node, from bin.cjs and from bin.js', () => {
    for (const path of [bin, esmBin]) {
      expect(execFileSync(process.execPath, [path, '--version'], { encoding: 'utf8' })).toMatch(/^gitops \d/)
      const failed = spawnSync(process.execPath, [path, 'nope'], { encoding: 'utf8' })
      expect(failed.status).toBe(2)
      expect(failed.stderr.trim().split('\n')).toHaveLength(1)
    }
  })

  // Start-up: each command loads what it needs. The bin is CommonJS: the module cache, listed at
  // exit, holds every file the process required.
  it('loads no package of the SDK besides the bin for --help and version', () => {
    const list = 'const { createRequire } = require("node:module"); process.on("exit", () => { for (const f of Object.keys(createRequire(__filename).cache)) process.stderr.write(`LOADED ${f}\\n`) })'
    const preload = join(mkdtempSync(join(tmpdir(), 'gitops-cli-loaded-')), 'list.cjs')
    writeFileSync(preload, list)
    const loaded = (...args: string[]): string[] => {
      const run = spawnSync(process.execPath, ['--require', preload, bin, ...args], { encoding: 'utf8', cwd: fileURLToPath(new URL('../test', import.meta.url)) })
      expect(run.status, run.stderr).toBe(0)
      return run.stderr.split('\n').filter((l) => l.startsWith('LOADED /') && l !== `LOADED ${preload}`).map((l) => l.replace(/^.*\/packages\//, ''))
    }
    for (const args of [['--help'], ['version']]) {
      const files = loaded(...args)
      // Core's errors and logger entries are bundled into the bin; nothing else of the SDK loads.
      expect(files.some((f) => f.startsWith('cli/dist/bin.cjs')), args.join(' ')).toBe(true)
      expect(files.filter((f) => !f.startsWith('cli/')), args.join(' ')).toEqual([])
    }
    // gitops build loads the bundle with that command alone and core and render's, not main.cjs;
    // flags before the command go through main.cjs, with the same output.
    const dir = mkdtempSync(join(tmpdir(), 'gitops-cli-loaded-build-'))
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- cm.yaml\n')
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n')
    expect(loaded('build', dir).filter((f) => f.endsWith('.cjs')).sort()).toEqual(['cli/dist/bin.cjs', 'cli/dist/build.cjs', 'cli/dist/sdk.cjs'])
    expect(loaded('-o', 'json', 'build', dir).filter((f) => f.endsWith('.cjs')).sort()).toEqual(['cli/dist/bin.cjs', 'cli/dist/main.cjs', 'cli/dist/sdk.cjs'])
    const direct = spawnSync(process.execPath, [bin, 'build', '-o', 'json', dir], { encoding: 'utf8' })
    const throughMain = spawnSync(process.execPath, [bin, '-o', 'json', 'build', dir], { encoding: 'utf8' })
    expect(direct.status).toBe(0)
    expect(direct.stdout).toContain('"name": "a"')
    expect(direct.stdout).toBe(throughMain.stdout)
    expect(spawnSync(process.execPath, [bin, 'build', '--help'], { encoding: 'utf8' }).stdout).toBe(spawnSync(process.execPath, [bin, 'help', 'build'], { encoding: 'utf8' }).stdout)
    rmSync(dir, { recursive: true, force: true })
    rmSync(dirname(preload), { recursive: true, force: true })
  })
})
