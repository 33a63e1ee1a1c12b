#!/usr/bin/env node
// Compares `gitops build` with `kubectl kustomize` over every kustomization directory of a set of
// checked-out repositories (real Flux repositories: the users' trees must build unchanged).
//
//   node bench/flux-repos-compare.mjs REPOS_DIR [--cli packages/cli/dist/bin.cjs] [--kubectl kubectl]
//        [--json report.json] [--only SUBSTRING] [--show N] [--load-restrictor LoadRestrictionsNone]
//
// REPOS_DIR holds one checked-out repository per subdirectory. Every directory holding a
// kustomization.yaml, kustomization.yml or Kustomization is built by both tools (no network is
// assumed: remote bases fail in both). Each directory is one of:
//   identical    both succeed and stdout is byte-identical
//   both-failed  both fail, and ours with a typed error (`... [CODE]`) that names a path
//   differ       one fails and the other does not, or both succeed with different bytes
//   our-crash    ours fails with an untyped error, a stack trace, or no message at all
// Ours builds each repository's directories in one process (`gitops build D1 D2 ...`, whose text
// output puts `# Source: DIR` before each directory's objects); kubectl runs once per directory.
import { Buffer } from 'node:buffer'
import { spawn } from 'node:child_process'
import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { clearTimeout, setTimeout } from 'node:timers'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    cli: { type: 'string', default: resolve(import.meta.dirname, '../packages/cli/dist/bin.cjs') },
    kubectl: { type: 'string', default: 'kubectl' },
    json: { type: 'string' },
    only: { type: 'string' },
    show: { type: 'string', default: '40' },
    jobs: { type: 'string', default: '2' },
    'load-restrictor': { type: 'string' },
  },
})
if (positionals.length !== 1) {
  process.stderr.write('usage: node bench/flux-repos-compare.mjs REPOS_DIR [--json FILE] [--only SUBSTRING]\n')
  process.exit(64)
}
const root = resolve(positionals[0])
// Flux builds with LoadRestrictionsNone: `--load-restrictor LoadRestrictionsNone` passes it to both tools.
const extra = values['load-restrictor'] ? ['--load-restrictor', values['load-restrictor']] : []
const KFILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization'])

/** Every directory under `dir` (not .git, not node_modules) that holds a kustomization file. */
function findDirs(dir, out = []) {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return out
  }
  if (entries.some((e) => KFILES.has(e.name) && (e.isFile() || e.isSymbolicLink()))) out.push(dir)
  for (const e of entries) {
    if (e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules') findDirs(join(dir, e.name), out)
  }
  return out
}

function run(cmd, args, opts = {}) {
  return new Promise((res) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts })
    const out = []
    const err = []
    child.stdout.on('data', (b) => out.push(b))
    child.stderr.on('data', (b) => err.push(b))
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      res({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') })
    })
  })
}

async function pool(items, jobs, fn) {
  const results = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(jobs, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await fn(items[i], i)
      }
    }),
  )
  return results
}

/** Splits a batch's text output into each directory's bytes. */
function splitBatch(stdout, dirs) {
  const out = new Map()
  let pos = 0
  const marks = []
  for (const dir of dirs) {
    const head = `# Source: ${dir}\n`
    const at = stdout.indexOf(head, pos)
    if (at === -1) continue
    const sep = at === 0 ? 0 : at - 4 // the `---\n` before every directory but the first
    marks.push({ dir, sep, body: at + head.length })
    pos = at + head.length
  }
  for (let i = 0; i < marks.length; i++) {
    const end = i + 1 < marks.length ? marks[i + 1].sep : stdout.length
    out.set(marks[i].dir, stdout.slice(marks[i].body, end))
  }
  return out
}

/** Our failure lines: `gitops build: DIR: message [CODE]`. */
function batchErrors(stderr, dirs) {
  const errs = new Map()
  for (const line of stderr.split('\n')) {
    for (const dir of dirs) {
      const head = `gitops build: ${dir}: `
      if (line.startsWith(head)) errs.set(dir, line.slice(head.length))
    }
  }
  return errs
}

const repos = readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory())
const rows = []
for (const repo of repos) {
  let dirs = findDirs(join(root, repo))
  if (values.only) dirs = dirs.filter((d) => d.includes(values.only))
  if (dirs.length === 0) continue
  const kube = await pool(dirs, Number(values.jobs), (d) => run(values.kubectl, ['kustomize', ...extra, d]))
  const ours = new Map()
  const oursErr = new Map()
  let crashed = ''
  for (let i = 0; i < dirs.length; i += 100) {
    const chunk = dirs.slice(i, i + 100)
    const r = await run(process.execPath, [values.cli, 'build', ...extra, ...chunk])
    // One directory alone is printed without its `# Source:` line.
    if (chunk.length === 1) {
      if (r.code === 0) ours.set(chunk[0], r.stdout)
    } else {
      for (const [d, text] of splitBatch(r.stdout, chunk)) ours.set(d, text)
    }
    for (const [d, msg] of batchErrors(r.stderr, chunk)) oursErr.set(d, msg)
    if (r.code !== 0 && r.code !== 2) crashed = `exit ${r.code ?? r.signal}: ${r.stderr.slice(-2000)}`
  }
  dirs.forEach((dir, i) => {
    const k = kube[i]
    const rel = relative(root, dir)
    const kOk = k.code === 0
    const oOk = ours.has(dir)
    const msg = oursErr.get(dir)
    let status
    let note = ''
    if (kOk && oOk) {
      status = k.stdout === ours.get(dir) ? 'identical' : 'differ'
      if (status === 'differ') note = firstDiff(k.stdout, ours.get(dir))
    } else if (!oOk && (msg === undefined || !/ \[[A-Z][A-Z0-9_]+\]$/.test(msg) || /\n\s+at /.test(msg))) {
      status = 'our-crash'
      note = msg ?? crashed ?? 'no output and no error line'
    } else if (!kOk && !oOk) {
      status = 'both-failed'
      note = msg
      if (!msg.includes('/') && !msg.includes('.yaml') && !msg.includes('.yml')) note = `(names no path) ${msg}`
    } else {
      status = 'differ'
      note = kOk ? `ours failed: ${msg}` : `kubectl failed, ours succeeded: ${k.stderr.split('\n').slice(0, 3).join(' | ')}`
    }
    rows.push({ repo, dir: rel, status, note, kubectlError: kOk ? undefined : k.stderr.slice(0, 400) })
  })
}

function firstDiff(a, b) {
  const al = a.split('\n')
  const bl = b.split('\n')
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}: kubectl ${JSON.stringify(al[i])} / ours ${JSON.stringify(bl[i])}`
  }
  return 'same lines, different bytes'
}

const totals = { dirs: rows.length, identical: 0, 'both-failed': 0, differ: 0, 'our-crash': 0 }
for (const r of rows) totals[r.status] += 1
const byRepo = {}
for (const r of rows) {
  byRepo[r.repo] ??= { dirs: 0, identical: 0, 'both-failed': 0, differ: 0, 'our-crash': 0 }
  byRepo[r.repo].dirs += 1
  byRepo[r.repo][r.status] += 1
}
for (const [repo, t] of Object.entries(byRepo)) {
  process.stdout.write(`${repo}: ${JSON.stringify(t)}\n`)
}
let shown = 0
for (const r of rows) {
  if (r.status === 'identical' || r.status === 'both-failed') continue
  if (shown++ >= Number(values.show)) break
  process.stdout.write(`${r.status} ${r.dir}\n  ${r.note}\n`)
}
process.stdout.write(`TOTAL ${JSON.stringify(totals)}\n`)
if (values.json) writeFileSync(values.json, `${JSON.stringify({ totals, byRepo, rows }, null, 2)}\n`)
