// One fetch in a fresh process, for the peak-memory and whole-process figures of
// git-source.bench.mjs: node bench/git-source-child.mjs URL [--dir DIR] [--last-revision REV]
import { performance } from 'node:perf_hooks'
import { fetchSource } from '../packages/git-source/dist/index.js'

const [url, ...rest] = process.argv.slice(2)
const flag = (name) => {
  const i = rest.indexOf(name)
  return i < 0 ? undefined : rest[i + 1]
}
const t0 = performance.now()
const result = await fetchSource(url, { dir: flag('--dir'), lastRevision: flag('--last-revision') })
const ms = performance.now() - t0
process.stdout.write(`${JSON.stringify({ unchanged: result.unchanged, revision: result.revision, ms, maxRssKiB: process.resourceUsage().maxRSS })}\n`)
