// Preload for the whole-process rows of git-source-ab.mjs --cli (node -r THIS gitops fetch ...):
// GITOPS_BENCH_GIT_SOURCE_DIST=DIR makes every require of packages/git-source/dist/… load DIR/…
// instead (a copy of main's build inside packages/git-source, so that its own imports resolve),
// and at exit the main thread's CPU (ms, /proc/self/task/<pid>/schedstat) and the peak RSS (KiB)
// are written to stderr as one line `gitops-bench {"main":…,"maxRssKiB":…}`.
'use strict'
const Module = require('node:module')
const { readFileSync } = require('node:fs')
const { resolve, sep } = require('node:path')

const dist = process.env.GITOPS_BENCH_GIT_SOURCE_DIST
if (dist !== undefined && dist !== '') {
  const from = resolve(__dirname, '..', 'packages', 'git-source', 'dist') + sep
  const to = resolve(dist) + sep
  const resolveFilename = Module._resolveFilename
  Module._resolveFilename = function (request, parent, ...rest) {
    const found = resolveFilename.call(this, request, parent, ...rest)
    return found.startsWith(from) ? to + found.slice(from.length) : found
  }
}
process.on('exit', () => {
  let main = 0
  try {
    main = Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'latin1').split(' ')[0]) / 1e6
  } catch {}
  process.stderr.write(`gitops-bench ${JSON.stringify({ main, maxRssKiB: process.resourceUsage().maxRSS })}\n`)
})
