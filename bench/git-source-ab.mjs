// Interleaved A/B rounds of in-memory fetches as fresh processes (git-source-timeline.mjs) against
// `git clone --depth 1 --no-checkout`, each round in a random order:
//   node bench/git-source-ab.mjs URL ROUNDS NAME=DIST[=WORKER] ...
// e.g. NAME=packages/git-source/dist-main for a copy of main's build. Prints per variant the medians
// of wall time, process CPU (user + system from GNU time), peak RSS and, from the timeline, the
// main thread's CPU before the first pack byte, while receiving and after the last byte.
//   node bench/git-source-ab.mjs --cli URL ROUNDS NAME=DIST ...
// does the same for `gitops fetch URL --out DIR` (the cli package's bin, its git-source loaded from
// DIST through git-source-dist-preload.cjs) against `git clone --depth 1`: wall, process CPU, peak
// RSS and the main thread's whole CPU.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { gitopsBin } from './gitopsBin.mjs'

const cliMode = process.argv[2] === '--cli'
const [url, rounds, ...specs] = process.argv.slice(cliMode ? 3 : 2)

/** NAME=DIST[=WORKER], each part up to the next `=` (a worker path may hold more). */
function parseVariant(spec) {
  const i = spec.indexOf('=')
  const name = i < 0 ? spec : spec.slice(0, i)
  const rest = i < 0 ? '' : spec.slice(i + 1)
  const j = rest.indexOf('=')
  const dist = j < 0 ? rest : rest.slice(0, j)
  const worker = j < 0 ? undefined : rest.slice(j + 1)
  if (name === '' || dist === '') throw new Error(`${spec}: expected NAME=DIST[=WORKER]`)
  // The git round's results are filed under `git`: a variant of that name would merge with them.
  if (name === 'git') throw new Error(`${spec}: the name git is the git round's`)
  return { name, dist, worker }
}
const variants = specs.map(parseVariant)
if (new Set(variants.map((v) => v.name)).size !== variants.length) throw new Error('variant names must differ')
const gitVariant = { name: 'git' }

/** A uniformly random order (Fisher–Yates). */
function shuffled(items) {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

const timeline = fileURLToPath(new URL('git-source-timeline.mjs', import.meta.url))
const distPreload = fileURLToPath(new URL('git-source-dist-preload.cjs', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'gitops-bench-ab-'))
const timeFile = join(scratch, 'time')

function timed(argv, env = process.env) {
  const started = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, ...argv], { encoding: 'utf8', env })
  const wall = performance.now() - started
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`)
  const [user, system, rss] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number)
  return { wall, cpu: (user + system) * 1000, rss: rss / 1024, stdout: r.stdout, stderr: r.stderr }
}

// Checkouts (--cli, both sides) go to tmpfs when there is one, as in git-source.bench.mjs: on the
// overlay file system of a container, ten thousand file writes cost seconds of kernel time.
const checkoutRoot = cliMode && existsSync('/dev/shm') ? '/dev/shm' : tmpdir()

// One `gitops fetch --out` into a fresh directory, its git-source from `dist`.
function cliRound(dist) {
  const dir = mkdtempSync(join(checkoutRoot, 'gitops-bench-ab-cli-'))
  try {
    const run = timed([process.execPath, '-r', distPreload, gitopsBin, 'fetch', url, '--out', join(dir, 'c')], { ...process.env, GITOPS_BENCH_GIT_SOURCE_DIST: dist })
    const line = run.stderr.split('\n').find((l) => l.startsWith('gitops-bench '))
    const { main } = JSON.parse(line.slice('gitops-bench '.length))
    return { ...run, digest: JSON.parse(run.stdout).digest, main }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function fetchRound(dist, worker) {
  const run = timed([process.execPath, timeline, url, '--dist', dist, ...(worker === undefined ? [] : ['--worker', worker])])
  const { marks, digest } = JSON.parse(run.stdout)
  const at = Object.fromEntries(marks.map(([name, ...values]) => [name, values]))
  const [first, last, done] = [at['first-byte'], at['last-byte'], at.done]
  // No pack bytes marked (the timeline saw no 'receiving' progress): the phases are unknown.
  const phases =
    first === undefined || last === undefined
      ? { mainBefore: NaN, mainReceiving: NaN, mainAfter: NaN, wallReceiving: NaN, wallAfter: NaN }
      : { mainBefore: first[2], mainReceiving: last[2] - first[2], mainAfter: done[2] - last[2], wallReceiving: last[0] - first[0], wallAfter: done[0] - last[0] }
  return { ...run, digest, main: done[2], ...phases }
}

function gitRound() {
  const dir = mkdtempSync(join(cliMode ? checkoutRoot : tmpdir(), 'gitops-bench-ab-clone-'))
  try {
    return timed(['git', 'clone', '-q', '--depth', '1', ...(cliMode ? [] : ['--no-checkout']), url, join(dir, 'n')])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const results = new Map()
const before = loadavg()[0]
try {
  for (let round = 0; round < Number(rounds); round++) {
    for (const variant of shuffled([...variants, gitVariant])) {
      const result = variant === gitVariant ? gitRound() : cliMode ? cliRound(variant.dist) : fetchRound(variant.dist, variant.worker)
      if (!results.has(variant.name)) results.set(variant.name, [])
      results.get(variant.name).push(result)
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]
console.log(`${cliMode ? 'gitops fetch --out vs git clone --depth 1, ' : ''}${url}: ${rounds} rounds, load ${before.toFixed(1)} -> ${loadavg()[0].toFixed(1)} (ms, medians)`)
for (const [name, runs] of results) {
  const m = (key) => {
    if (runs[0][key] === undefined) return '-'
    const values = runs.map((r) => r[key]).filter((v) => !Number.isNaN(v))
    return values.length === 0 ? '-' : median(values).toFixed(0)
  }
  console.log(
    `${name.padEnd(10)} wall ${m('wall')}  CPU ${m('cpu')}  RSS ${m('rss')} MiB` +
      (runs[0].main === undefined
        ? ''
        : cliMode
          ? `  | main thread ${m('main')}  ${runs[0].digest}`
          : `  | main thread ${m('main')}: before the pack ${m('mainBefore')}, receiving ${m('mainReceiving')} (wall ${m('wallReceiving')}), after ${m('mainAfter')} (wall ${m('wallAfter')})  ${runs[0].digest}`),
  )
}
// Every fetch of every variant must have produced the same files.
const digests = new Set([...results.values()].flat().map((r) => r.digest).filter((d) => d !== undefined))
if (digests.size > 1) {
  console.error(`digests differ across runs: ${[...digests].join(', ')}`)
  process.exitCode = 1
}
