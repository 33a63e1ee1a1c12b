#!/usr/bin/env node
// Benchmark of `gitops fleet build` against `kubectl kustomize` (kustomize v5.5.0) run once per
// Kustomization path, as per-directory scripts do today. The fleet is generated as in Flux's published
// benchmark: N Kustomizations, each applying a Deployment scaled to zero, a ServiceAccount, a Service
// and an Ingress, plus the cluster directory itself. The objects must be identical (gitops adds
// Flux's two kustomize.toolkit.fluxcd.io labels, which are removed before comparing). Reports wall
// time, CPU time, peak memory (max RSS, from /usr/bin/time) and the ratio.
//
//   node bench/fleet.bench.mjs [--kustomizations 1000] [--runs 3]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { canonicalWithout } from './canonical.mjs'
import { gitopsBin } from './gitopsBin.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..')
const out = join(repo, '.bench-out', 'fleet')
const cli = gitopsBin
const core = join(repo, 'packages', 'core', 'dist', 'index.js')

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : process.argv[i + 1]
}
const count = Number(flag('kustomizations', '1000'))
const runs = Number(flag('runs', '3'))
const kubectl = process.env.KUBECTL ?? 'kubectl'
const hasTime = existsSync('/usr/bin/time')
const hasKubectl = spawnSync(kubectl, ['version', '--client'], { stdio: 'ignore' }).status === 0

if (!existsSync(cli) || !existsSync(core)) {
  console.error(`fleet bench: ${cli} is missing; run npm run build first`)
  process.exit(2)
}
const { parseObjects } = await import(core)

function write(dir, files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
}

const fluxKustomization = (name, path) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m0s\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`

/** The objects of one app, as in Flux's benchmark: a Deployment scaled to zero, a ServiceAccount, a Service, an Ingress. */
function app(i) {
  const name = `app-${i}`
  const ns = `team-${i % 20}`
  return {
    'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}\nresources:\n- deployment.yaml\n- serviceaccount.yaml\n- service.yaml\n- ingress.yaml\nlabels:\n- pairs:\n    app.kubernetes.io/name: ${name}\n  includeSelectors: true\n`,
    'deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 0\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      serviceAccountName: ${name}\n      containers:\n      - name: podinfo\n        image: ghcr.io/stefanprodan/podinfo:6.7.0\n        ports:\n        - name: http\n          containerPort: 9898\n        resources:\n          requests:\n            cpu: 10m\n            memory: 16Mi\n`,
    'serviceaccount.yaml': `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n`,
    'service.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n`,
    'ingress.yaml': `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\nspec:\n  rules:\n  - host: ${name}.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: ${name}\n            port:\n              name: http\n`,
  }
}

/** The fleet: clusters/prod (with flux-system and one Flux Kustomization per app) and apps/app-i. */
function generateFleet(dir, n) {
  rmSync(dir, { recursive: true, force: true })
  const files = {
    'clusters/prod/flux-system/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- gotk-sync.yaml\n',
    'clusters/prod/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m0s\n  ref:\n    branch: main\n  url: ssh://git@example.com/fleet\n---\n${fluxKustomization('flux-system', './clusters/prod')}`,
  }
  const listed = ['flux-system']
  for (let i = 0; i < n; i++) {
    files[`clusters/prod/app-${i}.yaml`] = fluxKustomization(`app-${i}`, `./apps/app-${i}`)
    listed.push(`app-${i}.yaml`)
    for (const [file, text] of Object.entries(app(i))) files[`apps/app-${i}/${file}`] = text
  }
  // A kustomization file in the cluster directory too, so that kubectl kustomize can build it.
  files['clusters/prod/kustomization.yaml'] = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${listed.map((r) => `- ${r}\n`).join('')}`
  write(dir, files)
  return ['clusters/prod', ...Array.from({ length: n }, (_, i) => `apps/app-${i}`)]
}

/** Runs a command once: wall seconds, CPU seconds (user + system), peak RSS in MB and stdout. */
function measure(cmd, args, cwd) {
  const argv = hasTime ? ['/usr/bin/time', ['-f', '%U %S %M', cmd, ...args]] : [cmd, args]
  const start = process.hrtime.bigint()
  const r = spawnSync(argv[0], argv[1], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 })
  const wall = Number(process.hrtime.bigint() - start) / 1e9
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.split('\n').slice(-3).join(' ')}`)
  const [user, sys, kb] = hasTime ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [Number.NaN, Number.NaN, Number.NaN]
  return { wall, cpu: user + sys, rss: kb / 1024, stdout: r.stdout }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const canonical = (object) => canonicalWithout('kustomize.toolkit.fluxcd.io', object)

const dir = join(out, String(count))
const paths = generateFleet(dir, count)
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ')
console.log(`load average at the start: ${load()} (${cpus().length} cores)`)

const ours = []
for (let i = 0; i < runs; i++) ours.push(measure(process.execPath, [cli, 'fleet', 'build', '.', '--path', 'clusters/prod', '-o', 'json'], dir))
const built = JSON.parse(ours[0].stdout)
const gitops = { wall: median(ours.map((r) => r.wall)), cpu: median(ours.map((r) => r.cpu)), rss: Math.max(...ours.map((r) => r.rss)) }
const objects = built.reduce((n, k) => n + k.objects.length, 0)
const fmt = (r) => `${r.wall.toFixed(2)} s (cpu ${r.cpu.toFixed(2)} s), peak RSS ${r.rss.toFixed(0)} MB`
console.log(`gitops fleet build: ${built.length} Kustomizations, ${objects} objects: ${fmt(gitops)} (median of ${runs})`)

if (hasKubectl) {
  const byPath = new Map(built.map((k) => [k.path, k.objects]))
  let wall = 0
  let cpu = 0
  let rss = 0
  let differing = 0
  for (const path of paths) {
    const r = measure(kubectl, ['kustomize', path], dir)
    wall += r.wall
    cpu += r.cpu
    rss = Math.max(rss, r.rss)
    const want = parseObjects(r.stdout).map(canonical)
    const got = (byPath.get(path) ?? []).map(canonical)
    if (want.length !== got.length || want.some((w, i) => w !== got[i])) {
      differing++
      if (differing <= 3) console.error(`fleet bench: objects differ at ${path}`)
    }
  }
  console.log(`kubectl kustomize, once per path: ${paths.length} runs: ${fmt({ wall, cpu, rss })} (peak of one run)`)
  console.log(`${(wall / gitops.wall).toFixed(1)}x faster (wall), ${(cpu / gitops.cpu).toFixed(1)}x less CPU; ${differing === 0 ? 'identical objects at every path' : `${differing} paths differ`}`)
  if (differing > 0) process.exitCode = 1
} else {
  console.log('kubectl not found: no reference run')
}
console.log(`load average at the end: ${load()} (${cpus().length} cores); node ${process.version}`)
