#!/usr/bin/env node
// parseMeasuredYaml (this build of core) against the path it replaces at the guarded readers of
// outside YAML: an older build's yamlNestingError, then the `yaml` package's parse with the same
// options (--base: a copy of that build's packages/core/dist, kept under packages/core/node_modules
// so that it finds `yaml`). Over every YAML file of the repository and of
// $GITOPS_SHARED_DIR/conformance, random texts of nesting-prone atoms, random texts of YAML
// features (anchors, aliases, merge keys, tags, directives, several documents, a deep one among
// them), each with the options of the four readers (helm's index.yaml and Chart.yaml, secrets'
// .sops.yaml, apiserver's bodies) and a few more (YAML 1.1 with merge keys, failsafe, no pretty
// errors, silent): the same value (util.inspect, cycles and types shown), the same error (class,
// code, message, details) and the same warnings emitted. Also withinYamlNesting of both builds at
// several limits. Prints the counts; the exit code is 1 when anything differs.
//   node bench/yamlMeasured-equiv.mjs --base packages/core/node_modules/.base [--seed 1] [--count 5000]
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { inspect } from 'node:util'
import { createRequire } from 'node:module'
function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : process.argv[i + 1]
}
const baseDir = flag('base', undefined)
if (baseDir === undefined || baseDir.startsWith('--')) {
  console.error('usage: node bench/yamlMeasured-equiv.mjs --base DIR [--seed 1] [--count 5000]')
  process.exit(2)
}
const repo = join(fileURLToPath(new URL('.', import.meta.url)), '..')
const { parse } = createRequire(join(repo, 'packages', 'core', 'package.json'))('yaml')
const base = await import(pathToFileURL(join(resolve(baseDir), 'yaml.js')).href)
const now = await import(pathToFileURL(join(repo, 'packages', 'core', 'dist', 'yaml.js')).href)
let warnings = []
process.emitWarning = (w) => { warnings.push(w instanceof Error ? `${w.name} ${w.code} ${w.message}` : String(w)) }

const files = []
const walk = (d) => { for (const e of readdirSync(d)) { if (e === 'node_modules' || e === 'dist' || e === '.git' || e === '.turbo') continue; const p = join(d, e); const s = statSync(p); if (s.isDirectory()) walk(p); else if (/\.ya?ml$/.test(e)) files.push(p) } }
walk(repo)
if (process.env.GITOPS_SHARED_DIR) walk(join(process.env.GITOPS_SHARED_DIR, 'conformance'))
const texts = files.map((f) => [f, readFileSync(f, 'utf8')])
let seed = Number(flag('seed', '1'))
const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n }
const count = Number(flag('count', '5000'))
// Nesting-prone atoms, as bench/yamlNesting-equiv.mjs.
const atoms = ['[', ']', '{', '}', '[a: ', '{a: ', '? ', '- ', '-\t', ', ', 'x', ': ', '"]]}"', "'[{'", '# ]]}}\n', '\n', '\n  ', '\n    ', '\n---\n', '\n...\n', '\n--- ', '\r', '\t', '|\n  ]]]{{{\n', '&a ', '*a', 'k: ', '"[[', ']]"', '\n- ', '\n  - ']
for (let i = 0; i < count; i++) {
  const n = 1 + rnd(120)
  let t = ''
  for (let j = 0; j < n; j++) { const a = atoms[rnd(atoms.length)]; t += rnd(4) === 0 ? a.repeat(1 + rnd(12)) : a }
  texts.push([`random-${i}`, t])
}
// YAML features: mostly valid documents, some streams, some deep.
const scalars = ['1', '0x1F', '0o17', '1e3', '.inf', '-.nan', 'yes', 'on', 'null', '~', '2001-12-14t21:59:43.10-05:00', '"q\\tx"', "'s''q'", '12345678901234567890', '1_000', '0b101', '+12', '-0', 'true', 'x y', '!!str 5', '!!int "7"', '!custom v', '!!binary aGk=', '|\n    lit\n', '>-\n    folded\n']
function feature(depth) {
  const k = rnd(9)
  const s = () => scalars[rnd(scalars.length)]
  if (depth > 3) return s()
  if (k === 0) return `&a${rnd(3)} ${s()}`
  if (k === 1) return `*a${rnd(3)}`
  if (k === 2) return `{${Array.from({ length: rnd(4) }, () => `k${rnd(4)}: ${feature(depth + 1)}`).join(', ')}}`
  if (k === 3) return `[${Array.from({ length: rnd(4) }, () => feature(depth + 1)).join(', ')}]`
  return s()
}
function block(depth) {
  const pad = '  '.repeat(depth)
  const lines = []
  for (let i = 0; i < 1 + rnd(5); i++) {
    const r = rnd(10)
    if (r === 0 && depth < 4) lines.push(`${pad}k${rnd(5)}: ${rnd(2) ? `&m${rnd(2)}` : ''}\n${block(depth + 1)}`)
    else if (r === 1) lines.push(`${pad}<<: ${rnd(2) ? `*m${rnd(2)}` : `[*m0, *m1]`}`)
    else if (r === 2 && depth < 4) lines.push(`${pad}l${rnd(5)}:\n${Array.from({ length: 1 + rnd(3) }, () => `${pad}- ${feature(depth)}`).join('\n')}`)
    else if (r === 3) lines.push(`${pad}? ${feature(depth)}\n${pad}: ${feature(depth)}`)
    else lines.push(`${pad}k${rnd(6)}: ${feature(depth)}`)
  }
  return lines.join('\n')
}
for (let i = 0; i < count; i++) {
  const docs = []
  for (let d = 0; d < (rnd(4) === 0 ? 2 + rnd(3) : 1); d++) {
    let doc = block(0)
    if (rnd(20) === 0) doc = `deep: ${'['.repeat(400 + rnd(800))}x\n`
    if (rnd(10) === 0) doc = `%YAML 1.${1 + rnd(3)}\n---\n${doc}`
    if (rnd(30) === 0) doc = `%TAG !e! tag:example.com,2000:\n---\n${doc}\nt: !e!x 1`
    docs.push(doc)
  }
  texts.push([`feature-${i}`, docs.join(rnd(2) ? '\n---\n' : '\n...\n') + (rnd(3) ? '\n' : '')])
}
// Deep texts of every shape the measure knows, with a second document after.
for (const k of [400, 513, 600, 1001, 1900, 3000]) {
  texts.push([`deep-flow-${k}`, `a: ${'['.repeat(k)}${']'.repeat(k)}\n`])
  texts.push([`deep-dash-${k}`, `${'- '.repeat(k)}\ny: 1\n`])
  texts.push([`deep-colons-${k}`, `${': '.repeat(k)}\nx\n`])
  texts.push([`deep-keys-${k}`, `${'k: '.repeat(k)}v\n`])
  texts.push([`deep-later-${k}`, `a: 1\n---\nb: 2\n---\nc: ${'{a: '.repeat(k)}\n`])
  texts.push([`deep-indent-${k}`, Array.from({ length: Math.min(k, 1200) }, (_, j) => `${' '.repeat(j)}k:`).join('\n') + ' v\n'])
}
const optionSets = [
  ['helm index.yaml', { maxAliasCount: 100, uniqueKeys: false }],
  ['helm Chart.yaml, secrets .sops.yaml', { maxAliasCount: 100 }],
  ['apiserver body', { version: '1.2' }],
  ['apiserver apply patch', { version: '1.2', intAsBigInt: false, uniqueKeys: true }],
  ['1.1 merge', { version: '1.1', merge: true, maxAliasCount: -1 }],
  ['failsafe', { schema: 'failsafe', prettyErrors: false }],
  ['silent', { logLevel: 'silent', schema: 'yaml-1.1' }],
]
const show = (v) => inspect(v, { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, breakLength: Infinity, showHidden: false })
const outcome = (e) => ({ thrown: e?.constructor?.name, code: e?.code, message: e?.message, details: e?.details, pos: e?.pos, linePos: e?.linePos })
function oldPath(text, source, options) {
  warnings = []
  let r
  const deep = base.yamlNestingError(text, source)
  if (deep !== undefined) r = outcome(deep)
  else {
    try { r = { value: show(parse(text, options)) } } catch (e) { r = outcome(e) }
  }
  return JSON.stringify({ r, warnings })
}
function newPath(text, source, options) {
  warnings = []
  let r
  try { r = { value: show(now.parseMeasuredYaml(text, { source, ...options })) } } catch (e) { r = outcome(e) }
  return JSON.stringify({ r, warnings })
}
let compared = 0, differ = 0, deep = 0, failed = 0, valid = 0, warned = 0
for (const [name, text] of texts) {
  for (const [label, options] of optionSets) {
    const a = oldPath(text, name, options)
    const b = newPath(text, name, options)
    compared++
    if (a.includes('CORE_YAML_TOO_DEEP')) deep++
    else if (a.includes('"thrown"')) failed++
    else valid++
    if (!a.includes('"warnings":[]')) warned++
    if (a !== b) { differ++; if (differ <= Number(process.env.SHOW ?? 10)) console.log('DIFFER', name, label, JSON.stringify(text).slice(0, 200), '\n old', a.slice(0, 400), '\n new', b.slice(0, 400)) }
  }
}
let scans = 0, scanDiffer = 0
for (const [name, text] of texts) {
  for (const limit of [0, 1, 3, 10, 100, 512, 1000, 2000]) {
    scans++
    if (base.withinYamlNesting(text, limit) !== now.withinYamlNesting(text, limit)) { scanDiffer++; if (scanDiffer < 5) console.log('SCAN DIFFER', name, limit) }
  }
}
console.log(`${files.length} files, ${texts.length} texts; parse: ${compared} compared (${valid} valid, ${failed} thrown by yaml, ${deep} too deep; ${warned} with warnings), ${differ} differ; withinYamlNesting: ${scans} compared, ${scanDiffer} differ`)
if (differ > 0 || scanDiffer > 0) process.exitCode = 1
