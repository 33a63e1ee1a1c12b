// Whole-process timing shared by the start-up, batch and CLI apply benchmarks: each command runs as
// its own process, the commands of one comparison alternate (A B A B ...) so that a change in the
// machine's load hits both sides alike, and each side reports its median wall time and its peak
// RSS (max resident set size, from GNU time when /usr/bin/time is there).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const hasTime = existsSync('/usr/bin/time')
const scratch = mkdtempSync(join(tmpdir(), 'gitops-bench-proc-'))
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))

/**
 * Runs `argv` once; resolves to its wall time in ms, peak RSS in KiB and CPU time (user + system)
 * in ms (both undefined without GNU time) and its output. On a loaded machine the CPU time moves
 * far less than the wall time, so the benchmarks print both.
 */
export function runOnce(argv, { cwd, env, input, expectStatus = 0 } = {}) {
  const rssFile = join(scratch, 'rss')
  const command = hasTime ? ['/usr/bin/time', '-f', '%M %U %S', '-o', rssFile, ...argv] : argv
  const started = performance.now()
  const result = spawnSync(command[0], command.slice(1), { cwd, env: env ?? process.env, input, maxBuffer: 1024 * 1024 * 1024 })
  const ms = performance.now() - started
  if (result.error !== undefined) throw result.error
  if (expectStatus !== undefined && result.status !== expectStatus) {
    throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(-800)}`)
  }
  const [rss, user, system] = hasTime ? readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : []
  return { ms, rss, cpu: hasTime ? (user + system) * 1000 : undefined, stdout: result.stdout, stderr: result.stderr, status: result.status }
}

/**
 * Runs every case of `cases` (name → { argv, cwd, env, prepare }) `runs` times, interleaved, after
 * one unmeasured warm-up round; resolves to name → { median, min, rss (peak over the runs) }.
 */
export function compare(cases, { runs = 11, warmup = 1 } = {}) {
  const names = Object.keys(cases)
  const times = Object.fromEntries(names.map((n) => [n, []]))
  const rss = Object.fromEntries(names.map((n) => [n, 0]))
  const cpu = Object.fromEntries(names.map((n) => [n, []]))
  for (let round = -warmup; round < runs; round++) {
    // Rotate the order each round so no side always runs right after the same other side.
    const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length])
    for (const name of order) {
      const c = cases[name]
      c.prepare?.()
      const r = runOnce(c.argv, c)
      if (round < 0) continue
      times[name].push(r.ms)
      if (r.cpu !== undefined) cpu[name].push(r.cpu)
      if (r.rss !== undefined) rss[name] = Math.max(rss[name], r.rss)
    }
  }
  return Object.fromEntries(names.map((n) => [n, { median: median(times[n]), min: Math.min(...times[n]), rss: rss[n] === 0 ? undefined : rss[n], cpu: cpu[n].length === 0 ? undefined : median(cpu[n]) }]))
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)
export const fmtRss = (kib) => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(0)} MB`)

/** The machine's load, to print beside the figures (the machine is shared). */
export function loadLine() {
  const [one, five, fifteen] = loadavg()
  return `load average ${one.toFixed(2)}, ${five.toFixed(2)}, ${fifteen.toFixed(2)} (Node ${process.version})`
}
