import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { chooseV8Tuning, tieringFlag } from './v8Tuning.js'

describe('tieringFlag', () => {
  it('finds the flags that choose V8 compiler tiers, in every spelling', () => {
    for (const flag of ['--max-opt=4', '--max_opt=0', '--no-opt', '--noopt', '--opt', '--jitless', '--turbo-inlining', '--no-turbo-inlining', '--noturbo_inlining', '--maglev', '--no-maglev', '--sparkplug', '--always-sparkplug', '--turbofan', '--interrupt-budget=1000', '--invocation-count-for-turbofan=10', '--max-inlined-bytecode-size=0', '--lite-mode', '"--max-opt=2"', '--concurrent-osr', '--no-concurrent-osr', '--concurrent-sparkplug', '--concurrent-sparkplug-max-threads=1', '--lazy-feedback-allocation', '--no-lazy-feedback-allocation', '--max-bytecode-size-for-early-opt=0', '--concurrent-recompilation-queue-length=1', '--concurrent-recompilation-delay=1', '--minimum-invocations-after-ic-update=1', '--always-osr', '-max-opt=4', '-max_opt=0', '-no-opt', '-jitless', '-no-turbo-inlining']) {
      expect(tieringFlag(['--enable-source-maps', flag]), flag).toBe(flag.replace(/"/g, ''))
    }
  })

  it('leaves every other flag, argument and value alone', () => {
    expect(tieringFlag([])).toBeUndefined()
    expect(tieringFlag([''])).toBeUndefined()
    expect(tieringFlag(['--max-old-space-size=4096', '--enable-source-maps', '--stack-size=2000', '--expose-gc', '--no-warnings', '--require', './opt.js', 'maglev', '-e', '--'])).toBeUndefined()
    // A name that only begins like one (`--opt…`) is not one.
    expect(tieringFlag(['--options-file=x'])).toBeUndefined()
    // Node's own single-dash options are no V8 flags.
    expect(tieringFlag(['-e', '-p', '-r', '-i', '-c', '-v', '-h', '-'])).toBeUndefined()
  })
})

describe('chooseV8Tuning', () => {
  it('tunes by default and under GITOPS_V8_TUNING=on or empty', () => {
    for (const env of [{}, { GITOPS_V8_TUNING: 'on' }, { GITOPS_V8_TUNING: '' }, { NODE_OPTIONS: '--max-old-space-size=4096' }]) {
      expect(chooseV8Tuning(env, []).apply, JSON.stringify(env)).toBe(true)
    }
  })

  it('keeps V8 defaults under GITOPS_V8_TUNING=off and any value but on, without repeating the value', () => {
    expect(chooseV8Tuning({ GITOPS_V8_TUNING: 'off' }, [])).toEqual({ apply: false, reason: 'GITOPS_V8_TUNING=off' })
    for (const value of ['OFF', '0', 'false', 'On', ' on', 'secret-ish']) {
      const choice = chooseV8Tuning({ GITOPS_V8_TUNING: value }, [])
      expect(choice, value).toEqual({ apply: false, reason: 'GITOPS_V8_TUNING is neither on nor off' })
    }
  })

  it("never overrides the user's tiering flags, on node's command line or in NODE_OPTIONS", () => {
    expect(chooseV8Tuning({}, ['--max-opt=4'])).toEqual({ apply: false, reason: "node's command line sets --max-opt=4" })
    expect(chooseV8Tuning({ NODE_OPTIONS: '--enable-source-maps  --jitless' }, [])).toEqual({ apply: false, reason: 'NODE_OPTIONS sets --jitless' })
    // The reason names only the flag, nothing else of NODE_OPTIONS.
    expect(chooseV8Tuning({ NODE_OPTIONS: '--require /secret/path.js --no-opt' }, []).reason).toBe('NODE_OPTIONS sets --no-opt')
  })
})

// The built command, as a user runs it: GITOPS_V8_TUNING_REPORT=1 prints what it decided and V8's
// cachedDataVersionTag(), a hash of V8's version and the flags in effect, which these tests compare
// with the tag of a node started with the expected flags on its command line.
const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const v8Major = Number(process.versions.v8.split('.')[0])

describe.skipIf(!existsSync(join(dist, 'bin.cjs')) || v8Major > 13)('the V8 tuning of the built gitops command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-v8-tuning-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const chart = join(dir, 'chart')
  mkdirSync(join(chart, 'templates'), { recursive: true })
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: chart\nversion: 0.1.0\n')
  writeFileSync(join(chart, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n')
  const baseEnv = { PATH: process.env.PATH ?? '', HOME: dir, GITOPS_V8_TUNING_REPORT: '1' }
  const template = (env: Record<string, string>, nodeFlags: readonly string[] = []) => {
    const r = spawnSync(process.execPath, [...nodeFlags, join(dist, 'bin.cjs'), 'template', chart, '--release-name', 'r'], { env: { ...baseEnv, ...env }, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe('---\n# Source: chart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\n')
    const line = r.stderr.split('\n').find((l) => l.startsWith('gitops: V8 tuning '))
    expect(line, r.stderr).toBeDefined()
    return line!
  }
  const tagOf = (nodeFlags: readonly string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [...nodeFlags, '-p', "require('node:v8').cachedDataVersionTag()"], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    return r.stdout.trim()
  }
  const tuned = v8Major === 11 ? '--interrupt-budget=1081344' : '--max-opt=1'

  it("sets template's flags by default, as node would with them on its command line", () => {
    const line = template({})
    expect(line).toBe(`gitops: V8 tuning ${tuned} (default); cachedDataVersionTag ${tagOf([tuned])}`)
    expect(line).not.toContain(tagOf([]))
  })

  it('sets none under GITOPS_V8_TUNING=off or an unknown value: V8 runs with its defaults', () => {
    expect(template({ GITOPS_V8_TUNING: 'off' })).toBe(`gitops: V8 tuning none (GITOPS_V8_TUNING=off); cachedDataVersionTag ${tagOf([])}`)
    expect(template({ GITOPS_V8_TUNING: 'nope' })).toBe(`gitops: V8 tuning none (GITOPS_V8_TUNING is neither on nor off); cachedDataVersionTag ${tagOf([])}`)
  })

  it("keeps the user's tiering flags from node's command line and NODE_OPTIONS", () => {
    // `-max-opt=4`: V8's single-dash spelling, which node accepts on its command line.
    for (const flags of [['--max-opt=4'], ['--turbo-inlining'], ['--no-opt'], ['--maglev'], ['--interrupt-budget=1000'], ['-max-opt=4'], ['--concurrent-osr'], ['--no-lazy-feedback-allocation']]) {
      expect(template({}, flags)).toBe(`gitops: V8 tuning none (node's command line sets ${flags[0]}); cachedDataVersionTag ${tagOf(flags)}`)
    }
    // Node 20 admits only --jitless of these in NODE_OPTIONS (it refuses to start with --max-opt there).
    const jitless = template({ NODE_OPTIONS: '--jitless' })
    expect(jitless).toBe(`gitops: V8 tuning none (NODE_OPTIONS sets --jitless); cachedDataVersionTag ${tagOf([], { NODE_OPTIONS: '--jitless' })}`)
    // Other NODE_OPTIONS leave the tuning on.
    expect(template({ NODE_OPTIONS: '--max-old-space-size=4096' })).toBe(`gitops: V8 tuning ${tuned} (default); cachedDataVersionTag ${tagOf(['--max-old-space-size=4096', tuned])}`)
  })

  it('starts `gitops apply` with the raised interrupt budget on V8 11 only (applyTuning.ts)', () => {
    const r = spawnSync(process.execPath, [join(dist, 'bin.cjs'), 'apply', '--help'], { env: baseEnv, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    const line = r.stderr.split('\n').find((l) => l.startsWith('gitops: V8 tuning '))
    if (v8Major === 11) expect(line).toBe(`gitops: V8 tuning --interrupt-budget=1081344 (default); cachedDataVersionTag ${tagOf(['--interrupt-budget=1081344'])}`)
    else expect(line).toBe(`gitops: V8 tuning none (no flags for this command); cachedDataVersionTag ${tagOf([])}`)
  })

  it('prints nothing without GITOPS_V8_TUNING_REPORT=1', () => {
    const r = spawnSync(process.execPath, [join(dist, 'bin.cjs'), 'template', chart, '--release-name', 'r'], { env: { PATH: process.env.PATH ?? '', HOME: dir }, encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
  })
})
