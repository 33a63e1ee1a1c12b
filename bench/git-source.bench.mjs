#!/usr/bin/env node
// git-source against native git on generated repositories served on loopback by git http-backend
// (the package's own test server), clones written to tmpfs (/dev/shm).
//   node bench/git-source.bench.mjs [FILES...] [--runs N] [--no-change] [--compress well|poor|both] [--process-only]
//   default: 1000 10000, 5 runs, well-compressing repositories only
// Rows: cold shallow fetch to an in-memory artifact vs `git clone --depth 1 --no-checkout`; cold
// shallow fetch with checkout vs `git clone --depth 1`; the no-change check vs `git ls-remote`, in
// process and as a whole process (a node script, and `gitops fetch --last-revision`), with the
// floors that are not ours (the server answering one GET, node starting); isomorphic-git's own
// clone for reference; peak RSS of one fetch in a fresh process. --no-change runs only the
// no-change rows. --compress poor (or both) also builds repositories whose data blocks are random
// base64 (a pack about as large as the files), and --process-only runs only the whole-process rows:
// `gitops fetch --out DIR` against `git clone --depth 1`, and a node process doing the in-memory
// fetch against `git clone --depth 1 --no-checkout`, with each side's peak RSS.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { get } from 'node:http'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { fetchSource } from '../packages/git-source/dist/index.js'
import { createRepository, gitEnv } from '../packages/git-source/dist/testing.js'
import { gitopsBin } from './gitopsBin.mjs'

const args = process.argv.slice(2)
const noChangeOnly = args.includes('--no-change')
const runsAt = args.indexOf('--runs')
const runs = runsAt < 0 ? 5 : Number(args[runsAt + 1])
const sizes = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--runs').map(Number)
const compressAt = args.indexOf('--compress')
const compress = compressAt < 0 ? 'well' : args[compressAt + 1]
const kinds = compress === 'both' ? ['well', 'poor'] : [compress]
const processOnly = args.includes('--process-only')
if (sizes.length === 0) sizes.push(1000, 10000)
const tmp = existsShm() ? '/dev/shm' : undefined
const here = fileURLToPath(new URL('.', import.meta.url))
const cli = gitopsBin
const requireFromPackage = createRequire(join(here, '..', 'packages', 'git-source', 'package.json'))
const git = requireFromPackage('isomorphic-git')
const isoHttp = requireFromPackage('isomorphic-git/http/node')
const nodeFs = requireFromPackage('node:fs')

function existsShm() {
  try {
    rmSync(mkdtempSync('/dev/shm/gitops-bench-'), { recursive: true })
    return true
  } catch {
    return false
  }
}

function fresh(prefix) {
  return mkdtempSync(join(tmp ?? '/tmp', prefix))
}

// A YAML manifest of about 1 KiB: a Deployment with a block of pseudo-random data, so that files
// differ the way real manifests do and compress like text.
function manifest(i, rnd, poor) {
  const app = `app-${String(Math.floor(i / 10)).padStart(4, '0')}`
  const name = `res-${i}`
  // Poorly compressing: random base64 (the low bits of this generator repeat, so take high ones).
  const line = poor
    ? () => Array.from({ length: 64 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[(rnd() >>> 16) % 64]).join('')
    : () => Array.from({ length: 64 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[rnd() % 36]).join('')
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${app}
  labels:
    app.kubernetes.io/name: ${name}
spec:
  replicas: ${(i % 5) + 1}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: main
          image: registry.example.com/${app}/${name}:v${i % 13}.${i % 7}.${i % 3}
          resources:
            limits: { cpu: ${(i % 4) + 1}00m, memory: ${(i % 8) + 1}28Mi }
  data: |
${Array.from({ length: 10 }, () => `    ${line()}`).join('\n')}
`
}

async function buildRepository(root, files, kind = 'well') {
  let seed = 42
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648)
  const tree = {}
  for (let i = 0; i < files; i++) tree[`apps/app-${String(Math.floor(i / 10)).padStart(4, '0')}/res-${i}.yaml`] = manifest(i, rnd, kind === 'poor')
  const repo = await createRepository(root, { name: `fleet-${files}${kind === 'poor' ? '-poor' : ''}.git` })
  await repo.commit(tree, { message: `${files} manifests` })
  await repo.git(['repack', '-adq'])
  return repo
}

// The CPU time (user + system, ms) of the last process `time` ran, from GNU time when it is there:
// on a loaded machine it moves far less than the wall time, so process rows print it too.
const hasGnuTime = existsSync('/usr/bin/time')
const cpuFile = join(tmpdir(), `gitops-bench-cpu-${process.pid}`)
let lastCpu

function time(command, argv) {
  lastCpu = undefined
  const t0 = performance.now()
  const [file, args] = hasGnuTime ? ['/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, command, ...argv]] : [command, argv]
  const r = spawnSync(file, args, { env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')}: ${r.stderr}`)
  if (hasGnuTime) {
    const [user, system] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number)
    lastCpu = (user + system) * 1000
  }
  return ms
}

function peak(command, argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...argv], { env: gitEnv(), encoding: 'utf8' })
  if (r.status !== 0) return undefined
  return Number(r.stderr.trim().split('\n').pop()) / 1024
}

// Ours and the reference run alternately, one of each per round, so that load from other
// processes on the machine falls on both alike; the ratio is the median of the rounds' ratios.
async function pair(ours, reference) {
  await ours()
  await reference() // warm-up round, not counted
  const rounds = []
  for (let i = 0; i < runs; i++) {
    const a = await ours()
    const oursCpu = lastCpu
    const b = await reference()
    const referenceCpu = lastCpu
    rounds.push({ ours: a, reference: b, ratio: a / b, oursCpu, referenceCpu })
  }
  const median = (values) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)]
  // CPU only when both sides are processes that `time` ran (in-process rows have none).
  const cpu = rounds.every((r) => r.oursCpu !== undefined && r.referenceCpu !== undefined)
  return {
    ours: median(rounds.map((r) => r.ours)),
    reference: median(rounds.map((r) => r.reference)),
    ratio: median(rounds.map((r) => r.ratio)),
    cpu: cpu ? { ours: median(rounds.map((r) => r.oursCpu)), reference: median(rounds.map((r) => r.referenceCpu)) } : undefined,
  }
}

const mib = (v) => (v === undefined ? 'n/a' : `${v.toFixed(0)} MiB`)
const row = (name, r) =>
  console.log(
    `${name.padEnd(50)} ${r.ours.toFixed(1).padStart(8)} ms  ${r.reference.toFixed(1).padStart(8)} ms  ${r.ratio.toFixed(2).padStart(6)}x` +
      (r.cpu === undefined ? '' : `  CPU ${r.cpu.ours.toFixed(0)} / ${r.cpu.reference.toFixed(0)} ms`),
  )

// The no-change check against `url`: in process, as a node process, through the gitops binary,
// each against `git ls-remote`, and the floors that are not ours (the server answering one GET,
// node starting and exiting). `canned`: the server answers GETs only, so git must use protocol v0.
async function noChangeRows(url, revision, canned) {
  const lsRemote = () => time('git', ['ls-remote', url])
  // git speaks protocol v2 by default: ls-remote then makes two requests (the capability
  // advertisement, then ls-refs); with protocol v0 it makes one, as ours does.
  const lsRemoteV0 = () => time('git', ['-c', 'protocol.version=0', 'ls-remote', url])
  const noChange = async () => {
    const t0 = performance.now()
    const r = await fetchSource(url, { lastRevision: revision })
    if (!r.unchanged) throw new Error('expected unchanged')
    return performance.now() - t0
  }
  // One GET of the advertisement, read to the end, on a fresh connection.
  const rawGet = () =>
    new Promise((resolve, reject) => {
      const t0 = performance.now()
      get(`${url}/info/refs?service=git-upload-pack`, { agent: false }, (res) => {
        res.resume()
        res.on('end', () => resolve(performance.now() - t0))
      }).on('error', reject)
    })
  const out = fresh('gitops-bench-cli-')
  const noChangeProcess = () => time(process.execPath, [join(here, 'git-source-child.mjs'), url, '--last-revision', revision])
  const cliProcess = () => time(process.execPath, [cli, 'fetch', url, '--out', join(out, 'c'), '--last-revision', revision])
  const [reference, name] = canned ? [lsRemoteV0, 'ls-remote (v0)'] : [lsRemote, 'ls-remote']
  try {
    row(`no-change check (in process) vs ${name}`, await pair(noChange, reference))
    row('  floor: one raw GET info/refs (in process)', await pair(rawGet, reference))
    row(`no-change check (node process) vs ${name}`, await pair(noChangeProcess, reference))
    if (!canned) row('no-change check (node process) vs ls-remote (v0)', await pair(noChangeProcess, lsRemoteV0))
    row(`gitops fetch --last-revision vs ${name}`, await pair(cliProcess, reference))
    if (!canned) row('gitops fetch --last-revision vs ls-remote (v0)', await pair(cliProcess, lsRemoteV0))
    row(`  floor: node -e 0 vs ${name}`, await pair(() => time(process.execPath, ['-e', '0']), reference))
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

const root = fresh('gitops-bench-repos-')
const serverProcess = spawn(process.execPath, [join(here, 'git-source-server.mjs'), root], { stdio: ['pipe', 'pipe', 'inherit'] })
const [base, cannedBase] = await new Promise((resolve, reject) => {
  serverProcess.stdout.once('data', (chunk) => resolve(String(chunk).trim().split(' ')))
  serverProcess.once('exit', () => reject(new Error('the git server did not start')))
})
try {
  console.log(`git-source vs native git: ${runs} alternating rounds (medians, one warm-up round), tmpfs: ${tmp !== undefined}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  for (const [files, kind] of sizes.flatMap((n) => kinds.map((k) => [n, k]))) {
    await buildRepository(root, files, kind)
    const url = `${base}/fleet-${files}${kind === 'poor' ? '-poor' : ''}.git`
    const packBytes = spawnSync('sh', ['-c', `du -cb ${root}/fleet-${files}${kind === 'poor' ? '-poor' : ''}.git/objects/pack/*.pack | tail -1`], { encoding: 'utf8' }).stdout.split('\t')[0]
    console.log(`\n${files} files, ${kind}-compressing (pack ${(Number(packBytes) / 1048576).toFixed(1)} MiB)`)
    console.log(`${'operation'.padEnd(50)} ${'ours'.padStart(11)}  ${'native'.padStart(11)}  ${'ratio'.padStart(7)}`)

    const cloneNative = (args) => () => {
      const dir = fresh('gitops-bench-native-')
      try {
        return time('git', ['clone', '--quiet', '--depth', '1', ...args, url, join(dir, 'c')])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    const fetchOurs = (withDir) => async () => {
      const dir = fresh('gitops-bench-ours-')
      try {
        const t0 = performance.now()
        await fetchSource(url, withDir ? { dir: join(dir, 'c') } : {})
        return performance.now() - t0
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    if (!noChangeOnly) {
      // Whole processes, as users run them.
      const cliFetch = () => {
        const dir = fresh('gitops-bench-cli-')
        try {
          return time(process.execPath, [cli, 'fetch', url, '--out', join(dir, 'c')])
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
      }
      const memoryProcess = () => time(process.execPath, [join(here, 'git-source-child.mjs'), url])
      row('gitops fetch --out DIR vs git clone --depth 1 (processes)', await pair(cliFetch, cloneNative([])))
      row('in-memory fetch (node process) vs --no-checkout', await pair(memoryProcess, cloneNative(['--no-checkout'])))
      const peaks = fresh('gitops-bench-peaks-')
      const cliPeak = peak(process.execPath, [cli, 'fetch', url, '--out', join(peaks, 'o')])
      const memPeak = peak(process.execPath, [join(here, 'git-source-child.mjs'), url])
      const gitPeak = peak('git', ['clone', '--quiet', '--depth', '1', url, join(peaks, 'n')])
      const gitPeakNoCheckout = peak('git', ['clone', '--quiet', '--depth', '1', '--no-checkout', url, join(peaks, 'm')])
      rmSync(peaks, { recursive: true, force: true })
      console.log(`peak RSS: gitops fetch ${mib(cliPeak)} vs git clone ${mib(gitPeak)}; in-memory ${mib(memPeak)} vs --no-checkout ${mib(gitPeakNoCheckout)}`)
      if (processOnly) continue
    }
    if (!noChangeOnly) {
      row('fetch, in-memory artifact vs --no-checkout', await pair(fetchOurs(false), cloneNative(['--no-checkout'])))
      row('fetch with checkout vs git clone --depth 1', await pair(fetchOurs(true), cloneNative([])))
    }

    const first = await fetchSource(url)
    await noChangeRows(url, first.revision, false)
    console.log('the same against a server answering from memory (no git process per request):')
    await noChangeRows(`${cannedBase}/fleet-${files}.git`, first.revision, true)
    if (noChangeOnly) continue
    const iso = async () => {
      const dir = fresh('gitops-bench-iso-')
      try {
        const t0 = performance.now()
        await git.clone({ fs: nodeFs, http: isoHttp, dir, url, depth: 1, singleBranch: true, noCheckout: true })
        return performance.now() - t0
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    row('isomorphic-git clone, no checkout (reference)', await pair(iso, cloneNative(['--no-checkout'])))

    const dir = fresh('gitops-bench-mem-')
    const oursPeak = peak(process.execPath, [join(here, 'git-source-child.mjs'), url])
    const oursPeakCheckout = peak(process.execPath, [join(here, 'git-source-child.mjs'), url, '--dir', join(dir, 'c')])
    const nativePeak = peak('git', ['clone', '--quiet', '--depth', '1', url, join(dir, 'n')])
    rmSync(dir, { recursive: true, force: true })
    console.log(`peak RSS of one fetch in a fresh process: in-memory ${mib(oursPeak)}, with checkout ${mib(oursPeakCheckout)}; git clone --depth 1 ${mib(nativePeak)}`)
  }
} finally {
  serverProcess.stdin.end()
  rmSync(root, { recursive: true, force: true })
  rmSync(cpuFile, { force: true })
}
