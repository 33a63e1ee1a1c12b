#!/usr/bin/env node
// CPU time of a guarded read of outside YAML, in process: (index) a chart repository's index.yaml
// of about 20 MB (400 charts of 50 versions each, fields as a large public repository writes them),
// read with helm's options; (quick) withinYamlNesting, the quick readers' check, over values files
// and manifests (crdTree.mjs's tree, a few MB, and a 20 MB index). With --base DIR (a copy of an
// older packages/core/dist, kept under packages/core/node_modules), the old path (base's
// yamlNestingError, then the `yaml` package's parse) and the new one (parseMeasuredYaml of this
// build) alternate round by round (A B A B ...), so that load from other processes falls on both
// alike; each side reports the median of its rounds' CPU time (user + system of this process, from
// process.cpuUsage) and the ratio is the median of the rounds' ratios. Both paths are first checked
// to give the same value.
//   node bench/yamlMeasured.bench.mjs --base packages/core/node_modules/.base [--rounds 9] [--cases index,quick] [--write /tmp/index.yaml]
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { generateCrdTree } from './crdTree.mjs'

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : process.argv[i + 1]
}
const rounds = Number(flag('rounds', '9'))
const baseDir = flag('base', undefined)
if (baseDir === undefined) {
  console.error('usage: node bench/yamlMeasured.bench.mjs --base DIR [--rounds 9] [--cases index,quick]')
  process.exit(2)
}
const cases = flag('cases', 'index,quick').split(',')
const here = fileURLToPath(new URL('.', import.meta.url))
const now = await import(pathToFileURL(join(here, '..', 'packages', 'core', 'dist', 'yaml.js')).href)
const base = await import(pathToFileURL(join(resolve(baseDir), 'yaml.js')).href)
const { parse } = createRequire(join(here, '..', 'packages', 'core', 'package.json'))('yaml')

/** A chart repository's index.yaml, as `helm repo index` writes it, of about `charts * versions` KB. */
export function generateIndex(charts = 400, versions = 50) {
  let seed = 7
  const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n }
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[rnd(16)]).join('')
  const lines = ['apiVersion: v1', 'entries:']
  for (let c = 0; c < charts; c++) {
    const name = `chart-${c}-${hex(4)}`
    lines.push(`  ${name}:`)
    for (let v = versions; v > 0; v--) {
      const version = `${1 + (v >> 4)}.${v & 15}.${rnd(10)}`
      lines.push(
        `  - annotations:`,
        `      artifacthub.io/changes: |`,
        `        - kind: changed`,
        `          description: Update ${name} to ${version}`,
        `      artifacthub.io/license: Apache-2.0`,
        `    apiVersion: v2`,
        `    appVersion: ${rnd(5)}.${rnd(30)}.${rnd(10)}`,
        `    created: "2024-0${1 + rnd(9)}-1${rnd(10)}T1${rnd(10)}:${10 + rnd(50)}:${10 + rnd(50)}.${hex(6)}Z"`,
        `    dependencies:`,
        `    - condition: common.enabled`,
        `      name: common`,
        `      repository: oci://registry.example.com/charts`,
        `      tags:`,
        `      - bitnami-common`,
        `      version: 2.x.x`,
        `    description: ${name} is a chart for testing the reading of large repository indexes, version ${version}.`,
        `    digest: ${hex(64)}`,
        `    home: https://example.com/charts/${name}`,
        `    icon: https://example.com/icons/${name}.svg`,
        `    keywords:`,
        `    - ${name}`,
        `    - database`,
        `    - http`,
        `    maintainers:`,
        `    - name: Maintainer ${rnd(100)}`,
        `      url: https://github.com/example`,
        `    name: ${name}`,
        `    sources:`,
        `    - https://github.com/example/charts/tree/main/${name}`,
        `    type: application`,
        `    urls:`,
        `    - https://charts.example.com/${name}-${version}.tgz`,
        `    version: ${version}`,
      )
    }
  }
  lines.push(`generated: "2024-10-01T00:00:00.000000000Z"`, '')
  return lines.join('\n')
}

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1] }
function compare(label, a, b) {
  const ta = [], tb = [], ratios = []
  for (let r = 0; r < rounds; r++) {
    globalThis.gc?.()
    let t = cpu(); a(); const da = cpu() - t
    globalThis.gc?.()
    t = cpu(); b(); const db = cpu() - t
    ta.push(da); tb.push(db); ratios.push(db / da)
  }
  console.log(`${label}: old ${median(ta).toFixed(0)} ms, new ${median(tb).toFixed(0)} ms CPU (median of ${rounds}), new/old ${median(ratios).toFixed(3)}`)
}
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
const options = { maxAliasCount: 100, uniqueKeys: false }
const oldRead = (text, source) => { const deep = base.yamlNestingError(text, source); if (deep !== undefined) throw deep; return parse(text, options) }
const newRead = (text, source) => now.parseMeasuredYaml(text, { source, ...options })
if (cases.includes('index')) {
  const index = generateIndex()
  const write = flag('write', undefined)
  if (write !== undefined) writeFileSync(write, index)
  console.log(`index.yaml: ${(index.length / 1e6).toFixed(1)} MB`)
  if (!isDeepStrictEqual(oldRead(index, 'index.yaml'), newRead(index, 'index.yaml'))) throw new Error('index.yaml: the two paths differ')
  compare('index.yaml (helm options)', () => oldRead(index, 'index.yaml'), () => newRead(index, 'index.yaml'))
}
if (cases.includes('quick')) {
  const dir = generateCrdTree(join(mkdtempSync(join(tmpdir(), 'gitops-bench-')), 'tree'), 5)
  const texts = []
  const walk = (d) => { for (const e of readdirSync(d)) { const p = join(d, e); if (statSync(p).isDirectory()) walk(p); else texts.push(readFileSync(p, 'utf8')) } }
  walk(dir)
  rmSync(join(dir, '..'), { recursive: true, force: true })
  texts.push(generateIndex())
  const size = texts.reduce((n, t) => n + t.length, 0)
  console.log(`quick check: ${texts.length} texts, ${(size / 1e6).toFixed(1)} MB, x20`)
  for (const t of texts) if (base.withinYamlNesting(t, 1000) !== now.withinYamlNesting(t, 1000)) throw new Error('withinYamlNesting differs')
  const run = (lib) => () => { for (let i = 0; i < 20; i++) for (const t of texts) lib.withinYamlNesting(t, 1000) }
  compare('withinYamlNesting', run(base), run(now))
}
