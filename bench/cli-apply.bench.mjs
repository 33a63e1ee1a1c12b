#!/usr/bin/env node
// `gitops apply` as a whole process (issue 15) against `kubectl apply --server-side`, both on 1,000
// mixed objects (each side in its own namespaces) to the embedded API server running in a separate
// process: a first apply (creating everything; a new set of namespaces each round) and a no-op
// re-apply, rounds interleaved. Reports median wall time and peak RSS of each side.
//
//   npm run build && node bench/run.mjs cli-apply [objects, default 1000] [rounds, default 7]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringifyObjects } from '../packages/core/dist/index.js'
import { objects } from './mixedObjects.mjs'
import { fmtMs, fmtRss, loadLine, median, runOnce } from './process-timer.mjs'

const count = Number(process.argv[2] ?? '1000')
const rounds = Number(process.argv[3] ?? '7')
const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-cli-apply-'))
const kubeconfig = join(dir, 'kubeconfig')
const bin = new URL('../packages/cli/dist/bin.js', import.meta.url).pathname
const fieldManager = 'gitops-bench'

const server = spawn(process.execPath, [new URL('apply-server.mjs', import.meta.url).pathname, kubeconfig], { stdio: ['pipe', 'pipe', 'inherit'] })
await new Promise((resolve, reject) => {
  server.stdout.once('data', resolve)
  server.once('exit', (code) => reject(new Error(`apiserver exited with ${code}`)))
})

const env = { PATH: process.env.PATH, HOME: dir }
const gitops = (file, inventory) => [process.execPath, bin, 'apply', file, '--inventory', `default/${inventory}`, `--field-manager=${fieldManager}`, '--kubeconfig', kubeconfig]
const kubectl = (file) => ['kubectl', '--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'apply', '--server-side', '--validate=false', `--field-manager=${fieldManager}`, '-f', file]
function file(name, prefix) {
  const path = join(dir, `${name}.yaml`)
  writeFileSync(path, stringifyObjects(objects(prefix, count)))
  return path
}

// Warm both sides (kubectl's discovery cache, the server's tables) before measuring.
runOnce(gitops(file('warm-sdk', 'warm-sdk'), 'warm'), { env })
runOnce(kubectl(file('warm-kc', 'warm-kc')), { env })

console.log(`Start: ${loadLine()}`)
const times = { 'gitops first': [], 'kubectl first': [], 'gitops no-op': [], 'kubectl no-op': [] }
const rss = { 'gitops first': 0, 'kubectl first': 0, 'gitops no-op': 0, 'kubectl no-op': 0 }
// CPU time of the client process and of the API server during its run: on a loaded machine the
// wall time is mostly waiting for a core, and the CPU each side costs tells more.
const cpu = { 'gitops first': [], 'kubectl first': [], 'gitops no-op': [], 'kubectl no-op': [] }
const serverCpu = { 'gitops first': [], 'kubectl first': [], 'gitops no-op': [], 'kubectl no-op': [] }
// utime + stime of the server process in ms (Linux /proc; undefined elsewhere), at 100 ticks a second.
const serverTicks = () => {
  try {
    const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return undefined
  }
}
const record = (name, run) => {
  const before = serverTicks()
  const r = run()
  const after = serverTicks()
  times[name].push(r.ms)
  rss[name] = Math.max(rss[name], r.rss ?? 0)
  if (r.cpu !== undefined) cpu[name].push(r.cpu)
  if (before !== undefined && after !== undefined) serverCpu[name].push(after - before)
}
const sdkNoop = file('sdk-noop', 'sdk-noop')
const kcNoop = file('kc-noop', 'kc-noop')
runOnce(gitops(sdkNoop, 'noop'), { env })
runOnce(kubectl(kcNoop), { env })
for (let round = 0; round < rounds; round++) {
  const sdkFile = file(`sdk-${round}`, `sdk-r${round}`)
  const kcFile = file(`kc-${round}`, `kc-r${round}`)
  // Alternate which side goes first in each round.
  const pair = [
    () => record('gitops first', () => runOnce(gitops(sdkFile, `first-${round}`), { env })),
    () => record('kubectl first', () => runOnce(kubectl(kcFile), { env })),
  ]
  const noop = [() => record('gitops no-op', () => runOnce(gitops(sdkNoop, 'noop'), { env })), () => record('kubectl no-op', () => runOnce(kubectl(kcNoop), { env }))]
  for (const step of round % 2 === 0 ? [...pair, ...noop] : [...pair.reverse(), ...noop.reverse()]) step()
}
console.log(`End: ${loadLine()}; ${rounds} rounds, ${count} objects\n`)
console.log('| step | gitops apply | peak RSS | kubectl apply --server-side | peak RSS | kubectl / gitops |')
console.log('|---|---|---|---|---|---|')
for (const step of ['first', 'no-op']) {
  const ours = median(times[`gitops ${step}`])
  const theirs = median(times[`kubectl ${step}`])
  console.log(`| ${step === 'first' ? 'first apply' : 'no-op re-apply'} | ${fmtMs(ours)} | ${fmtRss(rss[`gitops ${step}`] || undefined)} | ${fmtMs(theirs)} | ${fmtRss(rss[`kubectl ${step}`] || undefined)} | **${(theirs / ours).toFixed(2)}x** |`)
}
const cpuOf = (values) => (values.length === 0 ? 'n/a' : fmtMs(median(values)))
console.log('\nCPU time (medians; client: user + system of the process, server: of the API server during the run)\n')
console.log('| step | gitops client | server | kubectl client | server |')
console.log('|---|---|---|---|---|')
for (const step of ['first', 'no-op']) {
  console.log(`| ${step === 'first' ? 'first apply' : 'no-op re-apply'} | ${cpuOf(cpu[`gitops ${step}`])} | ${cpuOf(serverCpu[`gitops ${step}`])} | ${cpuOf(cpu[`kubectl ${step}`])} | ${cpuOf(serverCpu[`kubectl ${step}`])} |`)
}
server.stdin.end()
rmSync(dir, { recursive: true, force: true })
