#!/usr/bin/env node
// `gitops build DIR...` (issue 15): many kustomization roots built in one process, against
// `kubectl kustomize DIR` run once per directory over the same set, as a CI job over a repository
// of many directories does today. Each directory is a small app (Deployment, Service,
// ServiceAccount, ConfigMap generator, labels, a namespace; every fifth an overlay patching a base).
// Checks that every directory's output is byte for byte kubectl's, then alternates the two sides
// for a few rounds; reports median wall time, peak RSS (kubectl's: the largest of its processes)
// and the ratio.
//
//   npm run build && node bench/run.mjs batch [directories, default 300] [rounds, default 3]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fmtMs, fmtRss, loadLine, median, runOnce } from './process-timer.mjs'
import { gitopsBin } from './gitopsBin.mjs'

const count = Number(process.argv[2] ?? '300')
const rounds = Number(process.argv[3] ?? '3')
const bin = gitopsBin
const root = mkdtempSync(join(tmpdir(), 'gitops-bench-batch-'))

function write(files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
}

const dirs = []
for (let i = 0; i < count; i++) {
  const name = `app-${i}`
  const base = `apps/${name}/base`
  write({
    [`${base}/kustomization.yaml`]: `namespace: team-${i % 20}\nresources:\n- deployment.yaml\n- service.yaml\n- serviceaccount.yaml\nlabels:\n- pairs:\n    app.kubernetes.io/name: ${name}\n  includeSelectors: true\nconfigMapGenerator:\n- name: ${name}-settings\n  literals:\n  - MODE=prod\n  - INDEX=${i}\n`,
    [`${base}/deployment.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 1\n  template:\n    spec:\n      serviceAccountName: ${name}\n      containers:\n      - name: app\n        image: ghcr.io/stefanprodan/podinfo:6.7.0\n        envFrom:\n        - configMapRef:\n            name: ${name}-settings\n        ports:\n        - containerPort: 9898\n          name: http\n`,
    [`${base}/service.yaml`]: `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n`,
    [`${base}/serviceaccount.yaml`]: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n`,
  })
  if (i % 5 === 0) {
    write({
      [`apps/${name}/prod/kustomization.yaml`]: `resources:\n- ../base\nnamePrefix: prod-\npatches:\n- path: replicas.yaml\nimages:\n- name: ghcr.io/stefanprodan/podinfo\n  newTag: 6.7.1\n`,
      [`apps/${name}/prod/replicas.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 3\n`,
    })
    dirs.push(`apps/${name}/prod`)
  } else {
    dirs.push(base)
  }
}

function gitops() {
  return runOnce([process.execPath, bin, 'build', ...dirs], { cwd: root })
}
function kubectl() {
  const started = performance.now()
  let rss = 0
  const outputs = []
  for (const dir of dirs) {
    const r = runOnce(['kubectl', 'kustomize', dir], { cwd: root })
    rss = Math.max(rss, r.rss ?? 0)
    outputs.push(r.stdout.toString())
  }
  return { ms: performance.now() - started, rss: rss === 0 ? undefined : rss, outputs }
}

// Byte-identical, directory by directory.
const ours = gitops().stdout.toString()
const theirs = kubectl().outputs
const expected = dirs.map((dir, i) => `${i === 0 ? '' : '---\n'}# Source: ${dir}\n${theirs[i]}`).join('')
if (ours !== expected) throw new Error('gitops build DIR... differs from kubectl kustomize run per directory')

console.log(`Start: ${loadLine()}`)
const times = { gitops: [], kubectl: [] }
const rss = { gitops: 0, kubectl: 0 }
for (let round = 0; round < rounds; round++) {
  const sides = round % 2 === 0 ? ['gitops', 'kubectl'] : ['kubectl', 'gitops']
  for (const side of sides) {
    const r = side === 'gitops' ? gitops() : kubectl()
    times[side].push(r.ms)
    rss[side] = Math.max(rss[side], r.rss ?? 0)
  }
}
console.log(`End: ${loadLine()}; ${rounds} rounds, ${count} directories, byte-identical\n`)
const g = median(times.gitops)
const k = median(times.kubectl)
console.log('| work | gitops build DIR... (one process) | peak RSS | kubectl kustomize DIR (one process each) | peak RSS (largest) | ratio |')
console.log('|---|---|---|---|---|---|')
console.log(`| ${count} directories | ${fmtMs(g)} (${(g / count).toFixed(1)} ms/dir) | ${fmtRss(rss.gitops || undefined)} | ${fmtMs(k)} (${(k / count).toFixed(1)} ms/dir) | ${fmtRss(rss.kubectl || undefined)} | **${(k / g).toFixed(1)}x** |`)
rmSync(root, { recursive: true, force: true })
