#!/usr/bin/env node
// `gitops template` of CPU-heavy charts, the worst case of its V8 tuning (packages/cli/src/bin.ts:
// a command that runs each function briefly gains from skipping the optimising compiler, a chart
// that loops long loses): whole processes, sides alternating, each checked byte for byte against
// `helm template` (helm v4.1.4, extracted by the helm package's tests). Three sides: gitops as it
// runs, gitops under GITOPS_V8_TUNING=off (V8's defaults), helm. Charts:
//  - loop: a ConfigMap of 100,000 keys from `range until 100000` with printf, upper, replace,
//    trunc and quote (2.7 MB out);
//  - toyaml: a `toYaml` of 3 MB of values (20,000 list items of maps) into one block scalar.
//
//   npm run build && node bench/run.mjs templateHeavy [rounds, default 3]
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { helmOracle, repo, scratchRoot } from './helm-oracle.mjs'
import { fmtMs, fmtRss, loadLine, median, runOnce } from './process-timer.mjs'

const rounds = Number(process.argv[2] ?? '3')
const bin = join(repo, 'packages/cli/dist/bin.cjs')
const helm = helmOracle()
const root = scratchRoot('gitops-bench-heavy-')

function chart(name, template, values) {
  const dir = join(root, name)
  mkdirSync(join(dir, 'templates'), { recursive: true })
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\nappVersion: "1.0"\n`)
  writeFileSync(join(dir, 'values.yaml'), values)
  writeFileSync(join(dir, 'templates', 'cm.yaml'), template)
}
chart(
  'loop',
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-loop
data:
{{- range $i := until 100000 }}
  {{ printf "key-%05d" $i }}: {{ printf "%s-%d" $.Values.prefix $i | upper | replace "-" "_" | trunc 20 | quote }}
{{- end }}
`,
  'prefix: value\n',
)
let items = 'items:\n'
for (let i = 0; i < 20000; i++) {
  items += `  - name: item-${i}\n    labels:\n      app: a${i % 50}\n      tier: t${i % 7}\n    ports: [${i % 1000}, ${(i * 7) % 65535}]\n    enabled: ${i % 2 === 0}\n    note: "some text for item ${i} with: colon"\n`
}
chart(
  'toyaml',
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-big
data:
  big.yaml: |
    {{- toYaml .Values.items | nindent 4 }}
  count: {{ len .Values.items | quote }}
`,
  items,
)

const pin = ['--kube-version', 'v1.32.0']
const helmEnv = { PATH: process.env.PATH ?? '', HELM_CACHE_HOME: join(root, 'h/c'), HELM_CONFIG_HOME: join(root, 'h/cf'), HELM_DATA_HOME: join(root, 'h/d'), TZ: 'UTC' }
// The gitops sides get a minimal environment, as helm does, not this process's: a NODE_OPTIONS or
// GITOPS_V8_TUNING of the caller would otherwise silently make the two sides the same.
// NODE_EXTRA_CA_CERTS is passed on when set, as the figures of docs/benchmarks.md keep it (node
// reads it at every start). Each side keeps its own code cache directory (Node 20's files are
// named by V8's flags in effect anyway; separate directories keep the sides apart regardless).
mkdirSync(join(root, 'home'))
const gitopsEnv = (cache, extra = {}) => ({
  PATH: process.env.PATH ?? '',
  HOME: join(root, 'home'),
  TZ: 'UTC',
  XDG_CACHE_HOME: join(root, cache),
  ...(process.env.NODE_EXTRA_CA_CERTS === undefined ? {} : { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }),
  ...extra,
})
const sides = {
  gitops: (c) => runOnce([process.execPath, bin, 'template', join(root, c), '--release-name', 'r', ...pin], { env: gitopsEnv('cache-tuned') }),
  'gitops, GITOPS_V8_TUNING=off': (c) => runOnce([process.execPath, bin, 'template', join(root, c), '--release-name', 'r', ...pin], { env: gitopsEnv('cache-off', { GITOPS_V8_TUNING: 'off' }) }),
  helm: (c) => runOnce([helm, 'template', 'r', join(root, c), ...pin], { env: helmEnv }),
}
const names = Object.keys(sides)
console.log(loadLine())
for (const c of ['loop', 'toyaml']) {
  const runs = Object.fromEntries(names.map((n) => [n, []]))
  for (let round = -1; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length])
    const outputs = {}
    for (const n of order) {
      const r = sides[n](c)
      outputs[n] = r.stdout
      if (round >= 0) runs[n].push(r)
    }
    for (const n of names) if (!outputs[n].equals(outputs.helm)) throw new Error(`${c}: ${n}'s output differs from helm template's`)
  }
  const helmCpu = median(runs.helm.map((r) => r.cpu ?? 0))
  const helmWall = median(runs.helm.map((r) => r.ms))
  for (const n of names) {
    const wall = median(runs[n].map((r) => r.ms))
    const cpu = median(runs[n].map((r) => r.cpu ?? 0))
    const rss = Math.max(...runs[n].map((r) => r.rss ?? 0))
    const ratio = n === 'helm' ? '' : `  helm/gitops: wall ${(helmWall / wall).toFixed(2)}x, CPU ${(helmCpu / cpu).toFixed(2)}x`
    console.log(`${c.padEnd(7)} ${n.padEnd(29)} wall ${fmtMs(wall).padStart(8)}  CPU ${fmtMs(cpu).padStart(8)}  ${fmtRss(rss)}${ratio}`)
  }
}
console.log(loadLine())
