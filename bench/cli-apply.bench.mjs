#!/usr/bin/env node
// `gitops apply` as a whole process (issue 15) against `kubectl apply --server-side`, both on 1,000
// mixed objects (each side in its own namespaces) to the embedded API server running in a separate
// process: a first apply (creating everything; a new set of namespaces each round) and a no-op
// re-apply, rounds interleaved. Reports median wall time and peak RSS of each side.
//
// The server offers HTTP/2 and HTTP/1.1 (ALPN), as kube-apiserver does; kubectl picks h2. So that the
// reference is not slowed (or sped up) by our server's HTTP/2, kubectl runs both ways: over h2 and over
// HTTP/1.1 (DISABLE_HTTP2=1, client-go's switch: GODEBUG=http2client=0 does not reach client-go, which
// configures HTTP/2 on its transport itself), and the ratio is taken against the faster of the two.
//
//   npm run build && node bench/run.mjs cli-apply [objects, default 1000] [rounds, default 7]
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringifyObjects } from '../packages/core/dist/index.js'
import { startApplyServer } from './apply-server-process.mjs'
import { objects } from './mixedObjects.mjs'
import { fmtMs, fmtRss, loadLine, median, runOnce } from './process-timer.mjs'
import { gitopsBin } from './gitopsBin.mjs'

const count = Number(process.argv[2] ?? '1000')
const rounds = Number(process.argv[3] ?? '7')
const bin = gitopsBin
const fieldManager = 'gitops-bench'

const { dir, kubeconfig, cpuMs: serverTicks, stop } = await startApplyServer('gitops-bench-cli-apply-')

const env = { PATH: process.env.PATH, HOME: dir }
const gitops = (file, inventory) => [process.execPath, bin, 'apply', file, '--inventory', `default/${inventory}`, `--field-manager=${fieldManager}`, '--kubeconfig', kubeconfig]
const kubectlH1Env = { ...env, DISABLE_HTTP2: '1' }
const kubectl = (file) => ['kubectl', '--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'apply', '--server-side', '--validate=false', `--field-manager=${fieldManager}`, '-f', file]
function file(name, prefix) {
  const path = join(dir, `${name}.yaml`)
  writeFileSync(path, stringifyObjects(objects(prefix, count)))
  return path
}

// Warm both sides (kubectl's discovery cache, the server's tables) before measuring.
runOnce(gitops(file('warm-sdk', 'warm-sdk'), 'warm'), { env })
runOnce(kubectl(file('warm-kc', 'warm-kc')), { env })
runOnce(kubectl(file('warm-kc1', 'warm-kc1')), { env: kubectlH1Env })

console.log(`Start: ${loadLine()}`)
const sides = ['gitops', 'kubectl', 'kubectl-h1']
const perStep = (value) => Object.fromEntries(sides.flatMap((side) => ['first', 'no-op'].map((step) => [`${side} ${step}`, value()])))
const times = perStep(() => [])
const rss = perStep(() => 0)
// CPU time of the client process and of the API server during its run: on a loaded machine the
// wall time is mostly waiting for a core, and the CPU each side costs tells more.
const cpu = perStep(() => [])
const serverCpu = perStep(() => [])
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
const kc1Noop = file('kc1-noop', 'kc1-noop')
runOnce(gitops(sdkNoop, 'noop'), { env })
runOnce(kubectl(kcNoop), { env })
runOnce(kubectl(kc1Noop), { env: kubectlH1Env })
for (let round = 0; round < rounds; round++) {
  const sdkFile = file(`sdk-${round}`, `sdk-r${round}`)
  const kcFile = file(`kc-${round}`, `kc-r${round}`)
  const kc1File = file(`kc1-${round}`, `kc1-r${round}`)
  // Alternate which side goes first in each round.
  const first = [
    () => record('gitops first', () => runOnce(gitops(sdkFile, `first-${round}`), { env })),
    () => record('kubectl first', () => runOnce(kubectl(kcFile), { env })),
    () => record('kubectl-h1 first', () => runOnce(kubectl(kc1File), { env: kubectlH1Env })),
  ]
  const noop = [
    () => record('gitops no-op', () => runOnce(gitops(sdkNoop, 'noop'), { env })),
    () => record('kubectl no-op', () => runOnce(kubectl(kcNoop), { env })),
    () => record('kubectl-h1 no-op', () => runOnce(kubectl(kc1Noop), { env: kubectlH1Env })),
  ]
  for (const step of round % 2 === 0 ? [...first, ...noop] : [...first.reverse(), ...noop.reverse()]) step()
}
console.log(`End: ${loadLine()}; ${rounds} rounds, ${count} objects\n`)
console.log('| step | gitops apply | peak RSS | kubectl apply --server-side, h2 | HTTP/1.1 | peak RSS | faster kubectl / gitops |')
console.log('|---|---|---|---|---|---|---|')
for (const step of ['first', 'no-op']) {
  const ours = median(times[`gitops ${step}`])
  const h2 = median(times[`kubectl ${step}`])
  const h1 = median(times[`kubectl-h1 ${step}`])
  const theirs = Math.min(h2, h1)
  const kubectlRss = Math.max(rss[`kubectl ${step}`], rss[`kubectl-h1 ${step}`])
  console.log(`| ${step === 'first' ? 'first apply' : 'no-op re-apply'} | ${fmtMs(ours)} | ${fmtRss(rss[`gitops ${step}`] || undefined)} | ${fmtMs(h2)} | ${fmtMs(h1)} | ${fmtRss(kubectlRss || undefined)} | **${(theirs / ours).toFixed(2)}x** (h2 ${(h2 / ours).toFixed(2)}x, HTTP/1.1 ${(h1 / ours).toFixed(2)}x) |`)
}
const cpuOf = (values) => (values.length === 0 ? 'n/a' : fmtMs(median(values)))
console.log('\nCPU time (medians; client: user + system of the process, server: of the API server during the run)\n')
console.log('| step | gitops client | server | kubectl h2 client | server | kubectl HTTP/1.1 client | server |')
console.log('|---|---|---|---|---|---|---|')
for (const step of ['first', 'no-op']) {
  console.log(`| ${step === 'first' ? 'first apply' : 'no-op re-apply'} | ${sides.map((side) => `${cpuOf(cpu[`${side} ${step}`])} | ${cpuOf(serverCpu[`${side} ${step}`])}`).join(' | ')} |`)
}
stop()
