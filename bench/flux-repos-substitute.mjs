#!/usr/bin/env node
// Checks Flux's post-build substitution on real repositories: for every Flux Kustomization
// (kustomize.toolkit.fluxcd.io) with `spec.postBuild`, builds its `spec.path` with
// `gitops build --load-restrictor LoadRestrictionsNone --substitute K=V ...` (variables from
// `postBuild.substitute` and from ConfigMaps / unencrypted Secrets named by `substituteFrom` found
// in the repository) and compares the objects with a small independent reference: kubectl
// kustomize's output, each document's text expanded for `${var}`, `${var:=d}`, `${var:-d}`,
// `${var=d}`, `${var-d}` and `$$`, then read as YAML 1.1. Documents using other expressions are
// counted as `reference-unsupported`, not compared.
//
//   node bench/flux-repos-substitute.mjs REPOS_DIR [--cli packages/cli/dist/bin.cjs]
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { isDeepStrictEqual, parseArgs } from 'node:util'

const here = import.meta.dirname
const require = createRequire(join(here, '../node_modules/.pnpm/yaml@2.9.1/node_modules/yaml/package.json'))
const YAML = require('yaml')

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { cli: { type: 'string', default: resolve(here, '../packages/cli/dist/bin.cjs') }, kubectl: { type: 'string', default: 'kubectl' } },
})
const root = resolve(positionals[0] ?? '.')
const KFILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']

function yamlFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git' || e.name === 'node_modules') continue
    const p = join(dir, e.name)
    if (e.isDirectory()) yamlFiles(p, out)
    else if (/\.ya?ml$/.test(e.name) && statSync(p).size < 1_000_000) out.push(p)
  }
  return out
}

function docs(file) {
  try {
    return YAML.parseAllDocuments(readFileSync(file, 'utf8'), { logLevel: 'silent' }).map((d) => d.toJS()).filter((d) => d && typeof d === 'object')
  } catch {
    return []
  }
}

/** The reference expansion; undefined when the text holds an expression it does not model. */
function expand(text, vars) {
  let out = ''
  let i = 0
  while (i < text.length) {
    if (text.startsWith('$$', i)) {
      out += '$'
      i += 2
      continue
    }
    if (!text.startsWith('${', i)) {
      out += text[i++]
      continue
    }
    // The matching close brace (a default may hold nested `${...}`).
    let depth = 0
    let j = i + 1
    for (; j < text.length; j++) {
      if (text[j] === '{') depth++
      else if (text[j] === '}' && --depth === 0) break
    }
    if (j >= text.length) return undefined
    const m = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[=-])([\s\S]*))?$/.exec(text.slice(i + 2, j))
    if (m === null) return undefined
    const [, name, op, raw] = m
    const v = vars[name]
    let value
    if (op === undefined) value = v ?? ''
    else {
      const dflt = expand(raw, vars)
      if (dflt === undefined) return undefined
      value = op.startsWith(':') ? (v === undefined || v === '' ? dflt : v) : v === undefined ? dflt : v
    }
    out += value
    i = j + 1
  }
  return out
}

const totals = { kustomizations: 0, identical: 0, differ: 0, 'both-failed': 0, 'ours-failed': 0, 'reference-unsupported': 0, 'plain-built': 0, 'plain-failed': 0, skipped: 0 }
for (const repo of readdirSync(root)) {
  const repoDir = join(root, repo)
  if (!statSync(repoDir).isDirectory()) continue
  const all = yamlFiles(repoDir).flatMap((f) => docs(f).map((d) => ({ f, d })))
  const configMaps = new Map()
  for (const { d } of all) {
    if (d.kind === 'ConfigMap' && d.data && d.metadata?.name) configMaps.set(d.metadata.name, d.data)
    if (d.kind === 'Secret' && !d.sops && d.metadata?.name && d.stringData) configMaps.set(d.metadata.name, d.stringData)
  }
  for (const { f, d } of all) {
    if (!String(d.apiVersion ?? '').startsWith('kustomize.toolkit.fluxcd.io/') || d.kind !== 'Kustomization' || !d.spec?.postBuild) continue
    totals.kustomizations += 1
    const path = String(d.spec.path ?? '')
    const dir = join(repoDir, path)
    if (path.includes('$') || !existsSync(dir)) {
      totals.skipped += 1
      continue
    }
    const plain = !KFILES.some((k) => existsSync(join(dir, k)))
    const vars = {}
    for (const from of d.spec.postBuild.substituteFrom ?? []) Object.assign(vars, configMaps.get(from.name) ?? {})
    Object.assign(vars, d.spec.postBuild.substitute ?? {})
    for (const k of Object.keys(vars)) vars[k] = String(vars[k]).replaceAll('\n', '')
    const args = ['build', dir, '--load-restrictor', 'LoadRestrictionsNone', '-o', 'json', ...Object.entries(vars).flatMap(([k, v]) => ['--substitute', `${k}=${v}`])]
    if (plain) args.push('--plain-dirs')
    const ours = spawnSync(process.execPath, [values.cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
    const where0 = `${relative(root, f)} -> ${path}`
    // A directory without a kustomization file: Flux generates one; no kubectl reference, so only
    // that ours builds it (or fails with a typed error) is checked.
    if (plain) {
      const ok = ours.status === 0
      totals[ok ? 'plain-built' : 'plain-failed'] += 1
      if (!ok) process.stdout.write(`plain-failed ${where0}\n  ${ours.stderr.trim().slice(0, 400)}\n`)
      continue
    }
    const kube = spawnSync(values.kubectl, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', dir], { encoding: 'utf8', maxBuffer: 1 << 28 })
    const where = `${relative(root, f)} -> ${path}`
    if (ours.status !== 0) {
      if (kube.status !== 0) totals['both-failed'] += 1
      else {
        totals['ours-failed'] += 1
        process.stdout.write(`ours-failed ${where}\n  ${ours.stderr.trim().slice(0, 400)}\n`)
      }
      continue
    }
    const got = JSON.parse(ours.stdout)
    const texts = kube.stdout.split(/^---\n/m).filter((t) => t.trim() !== '')
    const want = []
    let unsupported = false
    for (const t of texts) {
      const plain = YAML.parse(t)
      const off = plain?.metadata?.annotations?.['kustomize.toolkit.fluxcd.io/substitute'] === 'disabled' || plain?.metadata?.labels?.['kustomize.toolkit.fluxcd.io/substitute'] === 'disabled'
      const x = off || Object.keys(vars).length === 0 ? t : expand(t, vars)
      if (x === undefined) unsupported = true
      want.push(x === undefined ? plain : YAML.parse(x, { version: '1.1' }))
    }
    if (unsupported) totals['reference-unsupported'] += 1
    if (isDeepStrictEqual(got, want)) totals.identical += 1
    else {
      totals.differ += 1
      const i = want.findIndex((w, n) => !isDeepStrictEqual(w, got[n]))
      process.stdout.write(`differ ${where} (vars ${Object.keys(vars).join(',')})\n  ref:  ${JSON.stringify(want[i])?.slice(0, 600)}\n  ours: ${JSON.stringify(got[i])?.slice(0, 600)}\n`)
    }
  }
}
process.stdout.write(`TOTAL ${JSON.stringify(totals)}\n`)
