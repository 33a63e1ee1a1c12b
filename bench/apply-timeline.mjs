#!/usr/bin/env node
// A wall-clock timeline of one `gitops apply` first apply and one no-op re-apply of N mixed objects
// (bench/mixedObjects.mjs) to one embedded API server, over the default HTTP/1.1 pool: every request
// and TLS connection with its start and end in ms since the process started (preload
// bench/apply-timeline-preload.cjs). Prints the requests before the first resources-stage dry-run,
// then: first request, the resources stage's first dry-run, the chain between them, exit, requests.
//
//   node scripts/run.mjs build && node bench/apply-timeline.mjs [objects, default 1000] [ROOT: a tree with built packages, default this one]
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gitopsBin } from './gitopsBin.mjs'

const count = Number(process.argv[2] ?? '1000')
const root = process.argv[3] ?? new URL('..', import.meta.url).pathname
const { stringifyObjects } = await import(join(root, 'packages/core/dist/index.js'))
const { objects } = await import('./mixedObjects.mjs')
const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-apply-timeline-'))
const kubeconfig = join(dir, 'kubeconfig')
const server = spawn(process.execPath, [new URL('apply-server.mjs', import.meta.url).pathname, kubeconfig], { stdio: ['pipe', 'pipe', 'inherit'] })
await new Promise((resolve) => server.stdout.once('data', resolve))
const file = join(dir, 'objects.yaml')
writeFileSync(file, stringifyObjects(objects('tl', count)))
const preload = new URL('apply-timeline-preload.cjs', import.meta.url).pathname
// The `gitops` command as npm installs it (gitopsBin.mjs).
const cli = gitopsBin
for (const step of ['first', 'no-op']) {
  const out = join(dir, `${step}.txt`)
  const argv = ['--require', preload, cli, 'apply', file, '--inventory', 'default/tl', '--field-manager=gitops-bench', '--kubeconfig', kubeconfig]
  const r = spawnSync(process.execPath, argv, { env: { ...process.env, HOME: dir, TIMELINE_OUT: out }, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`gitops apply exited ${r.status}: ${r.stderr.slice(-2000)}`)
  const lines = readFileSync(out, 'utf8').trim().split('\n')
  const rows = lines.filter((l) => !l.startsWith('exit')).map((l) => ({ start: Number(l.slice(0, 7)), line: l }))
  const requests = rows.filter((r) => !r.line.includes(' CONNECT'))
  // The resources stage's first dry-run: a namespaced object's, not the inventory guard's.
  const firstBig = requests.find((r) => /\/namespaces\/[^/]+\/[a-z]+\/[^/?]+\?.*dryRun/.test(r.line) && !r.line.includes('/configmaps/tl?'))
  console.log(`== ${step}`)
  for (const r of rows) if (firstBig === undefined || r.start <= firstBig.start) console.log(r.line)
  const first = requests[0]?.start ?? NaN
  const dry = requests.filter((r) => r.line.includes('dryRun'))
  const writes = requests.filter((r) => r.line.includes(' PATCH ') && !r.line.includes('dryRun'))
  const lastDry = dry.at(-1)?.start ?? NaN
  const bigWrites = writes.filter((r) => r.start > (firstBig?.start ?? Infinity))
  if (firstBig !== undefined) console.log(`resources stage: dry-runs ${firstBig.start} → ${lastDry} ms (${(lastDry - firstBig.start).toFixed(1)}), writes ${bigWrites[0]?.start ?? '-'} → ${bigWrites.at(-1)?.start ?? '-'} ms (${((bigWrites.at(-1)?.start ?? NaN) - (bigWrites[0]?.start ?? NaN)).toFixed(1)})`)
  console.log(`first request ${first} ms; first resources dry-run ${firstBig?.start ?? '-'} ms; chain ${firstBig === undefined ? '-' : (firstBig.start - first).toFixed(1)} ms; ${lines.at(-1)} ms; ${requests.length} requests\n`)
}
server.stdin.end()
rmSync(dir, { recursive: true, force: true })
