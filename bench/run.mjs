#!/usr/bin/env node
// Runs every benchmark in bench/ (files named *.bench.mjs), each against its reference tool in the
// same run, and prints the ratios that docs/benchmarks.md reports.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = dirname(fileURLToPath(import.meta.url))
const only = process.argv[2]
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only === undefined || f.startsWith(only))
  .sort()
if (benches.length === 0) console.log('no benchmarks yet')
let failed = false
for (const file of benches) {
  console.log(`\n## ${file}`)
  const result = spawnSync(process.execPath, ['--expose-gc', join(dir, file), ...process.argv.slice(3)], { stdio: 'inherit' })
  if (result.status !== 0) failed = true
}
process.exit(failed ? 1 : 0)
