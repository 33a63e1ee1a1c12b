// One in-memory fetch in a fresh process (the work of git-source-child.mjs), with a mark at each phase:
//   node bench/git-source-timeline.mjs URL [--dist DIR] [--worker FILE]
// prints one JSON line: marks [name, wall ms since the process started, process CPU ms, main-thread
// CPU ms] and the main thread's event-loop utilisation between the first and the last pack byte.
// The main thread's CPU comes from /proc/self/task/<pid>/schedstat (Linux; 0 elsewhere): the
// process's CPU also counts V8's compiler and collector threads, which run beside it, so only the
// main thread's figures say what lies on the critical path. --dist loads another build of the
// package (e.g. a copy of main's dist inside packages/git-source, so that its imports resolve);
// --worker starts a worker thread from FILE at the very beginning (to measure what one costs).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'

const [url, ...rest] = process.argv.slice(2)
const flag = (name) => {
  const i = rest.indexOf(name)
  return i < 0 ? undefined : rest[i + 1]
}
const schedstat = `/proc/self/task/${process.pid}/schedstat`
const mainThreadMs = () => {
  try {
    return Number(readFileSync(schedstat, 'latin1').split(' ')[0]) / 1e6
  } catch {
    return 0
  }
}
const marks = []
const mark = (name) => {
  const cpu = process.cpuUsage()
  marks.push([name, performance.now(), (cpu.user + cpu.system) / 1000, mainThreadMs()])
}
mark('script')
const workerFile = flag('--worker')
if (workerFile !== undefined) {
  const { Worker } = await import('node:worker_threads')
  const worker = new Worker(resolve(workerFile))
  worker.once('message', () => mark('worker-ready'))
  worker.unref()
}
const dist = flag('--dist') ?? fileURLToPath(new URL('../packages/git-source/dist', import.meta.url))
const { fetchSource } = await import(pathToFileURL(resolve(dist, 'index.js')).href)
mark('loaded')
let started
let last
let receiving
const result = await fetchSource(url, {
  onProgress: (event) => {
    if (event.phase === 'refs') mark('refs')
    if (event.phase === 'receiving') {
      if (started === undefined) {
        mark('first-byte')
        started = performance.eventLoopUtilization()
      }
      const cpu = process.cpuUsage()
      last = ['last-byte', performance.now(), (cpu.user + cpu.system) / 1000, mainThreadMs()]
    }
    if (event.phase === 'resolving') {
      receiving = performance.eventLoopUtilization(started)
      marks.push(last)
      mark('checked')
    }
  },
})
// A fetch that reports no 'resolving' (none received, or a version that does not report it) still
// gets its last byte marked, when there was one.
if (last !== undefined && !marks.includes(last)) {
  receiving = performance.eventLoopUtilization(started)
  marks.push(last)
}
mark('done')
const round = (n) => Math.round(n * 10) / 10
process.stdout.write(
  `${JSON.stringify({
    digest: result.digest,
    files: result.files,
    marks: marks.map(([name, ...values]) => [name, ...values.map(round)]),
    receivingUtilisation: receiving === undefined ? undefined : Math.round(receiving.utilization * 100) / 100,
  })}\n`,
)
