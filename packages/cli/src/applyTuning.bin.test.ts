import { execFile, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LONG_APPLY, SHORT_RUN_BUDGET } from './applyTuning.js'

// The built `gitops apply` in child processes against the embedded API server: which V8 flags it
// sets and when (bin.ts, applyTuning.ts), what Node 20's code cache (codeCache.ts) makes of them on
// the next run, and which built-ins a default run loads. A preload (`-r`) watches from inside.

const bin = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url))
const v8Major = Number(process.versions.v8.split('.')[0])
// Node >= 22.1 uses its own compile cache, not codeCache.ts.
const nodeHasOwnCache = 'enableCompileCache' in (await import('node:module')).default

// Records every V8 flag set (and V8's cachedDataVersionTag() after it), the code cache's data
// accepted or rejected by V8, and at exit the tag and whether
// node:http2 and node:assert were loaded: one JSON line on stderr.
const SPY = `
const v8 = require('node:v8'), vm = require('node:vm'), fs = require('node:fs')
const flags = [], cache = { accepted: 0, rejected: 0, none: 0 }
const set = v8.setFlagsFromString
v8.setFlagsFromString = function (f) { const r = set.call(this, f); flags.push([f, v8.cachedDataVersionTag()]); return r }
const S = vm.Script
vm.Script = class extends S { constructor(src, o) { super(src, o); if (o && o.cachedData) cache[this.cachedDataRejected ? 'rejected' : 'accepted']++; else cache.none++ } }
// Added before the command's own 'exit' listeners, so it runs before the code cache is written,
// after applyTuning's (prepended) one: the tag it prints is the one the cache's data gets.
process.once('exit', () => {
  const loaded = process.moduleLoadList
  fs.writeSync(2, 'spy ' + JSON.stringify({ flags, cache, exitTag: v8.cachedDataVersionTag(), http2: loaded.includes('NativeModule http2'), assert: loaded.includes('NativeModule assert') }) + '\\n')
})
`

interface Spy {
  flags: Array<[string, number]>
  cache: { accepted: number; rejected: number; none: number }
  exitTag: number
  http2: boolean
  assert: boolean
}

describe.skipIf(!existsSync(bin))('gitops apply in a child process: V8 tuning, code cache, built-ins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-apply-tuning-'))
  const spy = join(dir, 'spy.cjs')
  writeFileSync(spy, SPY)
  const cache = join(dir, 'cache')
  let kubeconfig = ''
  let stop: (() => Promise<void>) | undefined
  beforeAll(async () => {
    const { startApiServer } = await import('@gitops-sdk/apiserver')
    const server = await startApiServer()
    stop = () => server.stop()
    kubeconfig = join(dir, 'kubeconfig')
    writeFileSync(kubeconfig, server.kubeconfigYaml())
  })
  afterAll(async () => {
    await stop?.()
    rmSync(dir, { recursive: true, force: true })
  })
  const set = (name: string, count: number): string => {
    const file = join(dir, `${name}.yaml`)
    const docs: string[] = []
    for (let i = 0; i < count; i++) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-${i}\n  namespace: default\ndata:\n  i: "${i}"\n`)
    writeFileSync(file, docs.join('---\n'))
    return file
  }
  const big = set('big', LONG_APPLY + 1)
  const small = set('small', 20)
  // (Not spawnSync: the server answers from this process.)
  const apply = (file: string, extra: readonly string[] = [], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; spy: Spy }>((done, fail) =>
      execFile(
        process.execPath,
        ['-r', spy, bin, 'apply', file, '--inventory', `default/${file.endsWith('big.yaml') ? 'big' : 'small'}`, '--kubeconfig', kubeconfig, ...extra],
        { env: { PATH: process.env.PATH ?? '', HOME: dir, NODE_COMPILE_CACHE: cache, ...env }, timeout: 120_000, maxBuffer: 64 << 20 },
        (err, stdout, stderr) => {
          const line = stderr.split('\n').find((l) => l.startsWith('spy '))
          if (line === undefined) fail(new Error(`no spy line (exit ${String(err?.code)}): ${stderr.slice(-2000)}`))
          else done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, spy: JSON.parse(line.slice(4)) as Spy })
        },
      ),
    )
  const defaultTag = Number(spawnSync(process.execPath, ['-p', "require('node:v8').cachedDataVersionTag()"], { encoding: 'utf8' }).stdout.trim())

  it.skipIf(v8Major !== 11)(
    'gives V8 default budget back after reading more than LONG_APPLY objects, and sets the short-run one again before the code cache is written',
    async () => {
      const first = await apply(big)
      expect(first.code).toBe(0)
      expect(first.stdout).toContain(`${LONG_APPLY + 1} created`)
      const [raised, back, again] = first.spy.flags
      expect(first.spy.flags.map(([f]) => f)).toEqual([SHORT_RUN_BUDGET, '--interrupt-budget=67584', SHORT_RUN_BUDGET])
      expect(raised![1]).not.toBe(defaultTag)
      expect(back![1]).toBe(defaultTag)
      // At exit the flags are those the run started with: the cache's files are named by them.
      expect(again![1]).toBe(raised![1])
      expect(first.spy.exitTag).toBe(raised![1])

      // A set of at most LONG_APPLY objects keeps the raised budget to the end.
      const short = await apply(small)
      expect(short.code).toBe(0)
      expect(short.spy.flags).toEqual([[SHORT_RUN_BUDGET, raised![1]]])

      // A client dry run of a large set gives it back too.
      const dry = await apply(big, ['--dry-run=client', '-o', 'json'])
      expect(dry.code).toBe(0)
      expect(dry.spy.flags.map(([f]) => f)).toEqual([SHORT_RUN_BUDGET, '--interrupt-budget=67584', SHORT_RUN_BUDGET])
    },
    300_000,
  )

  it.skipIf(v8Major !== 11 || nodeHasOwnCache)(
    "keeps Node 20's code cache accepted after a large apply, for large and small sets alike",
    async () => {
      const own = join(cache, 'gitops-sdk')
      rmSync(cache, { recursive: true, force: true })
      const written = await apply(big)
      expect(written.code).toBe(0)
      const files = readdirSync(own).sort()
      expect(files.length).toBeGreaterThan(3)
      const times = () => files.map((f) => statSync(join(own, f)).mtimeMs)
      const before = times()
      for (const file of [big, big, small, small]) {
        const run = await apply(file)
        expect(run.code).toBe(0)
        // Every bundle compiled from the data the large run wrote: none rejected, none written again.
        expect(run.spy.cache).toEqual({ accepted: files.length, rejected: 0, none: 0 })
        expect(readdirSync(own).sort()).toEqual(files)
        expect(times()).toEqual(before)
      }
    },
    300_000,
  )

  it('loads neither node:http2 nor node:assert over the default HTTP/1.1 transport; HTTP/2 loads them', async () => {
    const h1 = await apply(small)
    expect(h1.code).toBe(0)
    expect([h1.spy.http2, h1.spy.assert]).toEqual([false, false])
    const h2 = await apply(small, [], { GITOPS_APPLY_PROTOCOL: 'h2' })
    expect(h2.code).toBe(0)
    expect(h2.stdout).toContain('20 unchanged')
    expect([h2.spy.http2, h2.spy.assert]).toEqual([true, true])
  }, 120_000)
})
