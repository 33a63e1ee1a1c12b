#!/usr/bin/env node
// CPU time of core's `parseYamlStream` (the general YAML parse, with its nesting check) in process,
// on four inputs: (a) the files of crdTree.mjs's kube-prometheus-like tree (about 5 MB: CRDs, and
// Grafana dashboards whose JSON in literal blocks holds thousands of brackets), (b) a text that
// trips the cheap nesting scan (a ConfigMap with thousands of brackets inside quoted strings), (c) a
// values file of flow maps a few levels deep on each of 1,500 lines, (d) a stream of 2,000 small
// documents with a few hundred `{}`/`[]`.
// With --base DIR (a copy of an older packages/core/dist, kept under packages/core/node_modules so
// that it finds `yaml`), the two builds alternate round by round (A B A B ...) so that load from
// other processes falls on both alike; each side reports the median of its rounds' CPU time
// (user + system of this process, from process.cpuUsage) and the ratio is the median of the
// rounds' ratios. Before the rounds, each input is checked once to give the same documents from
// both builds.
//   node bench/yamlNesting.bench.mjs [--base packages/core/node_modules/.base] [--rounds 15] [--cases crd,trip,flow,stream]
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { generateCrdTree } from './crdTree.mjs'

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : process.argv[i + 1]
}
const rounds = Number(flag('rounds', '15'))
const base = flag('base', undefined)
const cases = flag('cases', 'crd,trip,flow,stream').split(',')
const here = fileURLToPath(new URL('.', import.meta.url))
const current = await import(pathToFileURL(join(here, '..', 'packages', 'core', 'dist', 'yaml.js')).href)
const older = base === undefined ? undefined : await import(pathToFileURL(join(resolve(base), 'yaml.js')).href)

function crdTexts() {
  const dir = join(process.env.TMPDIR ?? '/tmp', `gitops-bench-nesting-${process.pid}`)
  try {
    const root = generateCrdTree(dir, 5)
    const out = []
    const walk = (at) => {
      for (const e of readdirSync(at).sort()) {
        const p = join(at, e)
        if (statSync(p).isDirectory()) walk(p)
        else out.push([relative(root, p), readFileSync(p, 'utf8')])
      }
    }
    walk(root)
    return out
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function tripTexts() {
  // Regular expressions and JSON snippets in quoted strings: brackets that nest nothing.
  const data = Array.from({ length: 2000 }, (_, i) => `  rule${i}: "^(\\\\[[a-z]{1,8}\\\\]){2,${i % 9 + 1}}[{]x[}]$ ${'[{'.repeat(i % 7)}"\n`).join('')
  const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rules\ndata:\n${data}`
  return [['configmap-quoted-brackets', configMap]]
}

function flowTexts() {
  // Values of a chart: flow maps a few levels deep on every line (balanced: the scan does not trip,
  // but their closers put the document over the bound, so it is walked).
  const entry = (i) => `  svc${i}: {ports: [{name: http, port: ${8000 + i}, targetPort: {name: web, number: ${i}}}], labels: {app: a${i}, tier: [web, {zone: [a, b]}]}}\n`
  return [['values-flow-maps', `services:\n${Array.from({ length: 1500 }, (_, i) => entry(i)).join('')}`]]
}

function streamTexts() {
  const doc = (i) => {
    const extra = i % 7 === 0 ? `  selector: {}\n  args: []\n` : ''
    return `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  labels:\n    app: a${i}\n    tier: web\nspec:\n  ports:\n  - name: http\n    port: 80\n    targetPort: ${8000 + i}\n${extra}  type: ClusterIP\n`
  }
  return [['stream-2000-docs', Array.from({ length: 2000 }, (_, i) => doc(i)).join('---\n')]]
}

const inputs = { crd: crdTexts, trip: tripTexts, flow: flowTexts, stream: streamTexts }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const cpuMs = (run) => {
  const start = process.cpuUsage()
  run()
  const d = process.cpuUsage(start)
  return (d.user + d.system) / 1000
}
const digest = (stream) => JSON.stringify(stream.documents.map((d) => [d.index, String(d.document), d.document.errors.map((e) => e.message)]))

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ')
console.log(`load average at the start: ${load()}; ${rounds} rounds${older === undefined ? '' : `, alternating with ${base}`}`)
for (const name of cases) {
  const texts = inputs[name]()
  const bytes = texts.reduce((n, [, t]) => n + t.length, 0)
  const parseAll = (lib) => () => {
    for (const [file, text] of texts) lib.parseYamlStream(text, { source: file })
  }
  // Same results from both builds, and warm-up.
  for (const [file, text] of texts) {
    const a = digest(current.parseYamlStream(text, { source: file }))
    if (older !== undefined && digest(older.parseYamlStream(text, { source: file })) !== a) throw new Error(`${name}: ${file} parses differently`)
  }
  for (let i = 0; i < 2; i++) {
    parseAll(current)()
    if (older !== undefined) parseAll(older)()
  }
  const now = []
  const before = []
  const ratios = []
  for (let i = 0; i < rounds; i++) {
    const first = i % 2 === 0
    let b
    if (older !== undefined && first) b = cpuMs(parseAll(older))
    const a = cpuMs(parseAll(current))
    if (older !== undefined && !first) b = cpuMs(parseAll(older))
    now.push(a)
    if (b !== undefined) {
      before.push(b)
      ratios.push(a / b)
    }
  }
  const line = `${name.padEnd(7)} ${texts.length} texts, ${(bytes / 1e6).toFixed(2)} MB: now ${median(now).toFixed(1)} ms cpu`
  console.log(older === undefined ? line : `${line}, base ${median(before).toFixed(1)} ms cpu, now/base ${median(ratios).toFixed(3)}`)
}
console.log(`load average at the end: ${load()}`)
