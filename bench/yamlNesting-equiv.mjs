#!/usr/bin/env node
// parseYamlStream of an older build of core (--base: a copy of its dist kept under
// packages/core/node_modules, so that it finds `yaml`) against this build's, over every YAML file
// of packages/, testing/ and $GITOPS_SHARED_DIR/conformance, random texts of nesting-prone atoms and
// streams of shallow and deep documents, each at maxDepth 1,000, 3 (with uniqueKeys: false, so that
// duplicate keys are no error), 10 and 2,000: the same
// documents (toJS, range, errors and warnings with positions, line starts) or the same thrown
// error. Differences where the new build refuses as too deep a text whose composed depth is over
// the limit are counted apart (the scan's holes the parse now measures); others are printed, and
// the exit code is then 1.
//   node bench/yamlNesting-equiv.mjs --base packages/core/node_modules/.base [--seed 1] [--count 5000]
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
process.emitWarning = () => {}
function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : process.argv[i + 1]
}
const baseDir = flag('base', undefined)
if (baseDir === undefined || baseDir.startsWith('--')) {
  console.error('usage: node bench/yamlNesting-equiv.mjs --base DIR [--seed 1] [--count 5000]\n  --base is required: a copy of an older packages/core/dist, kept under packages/core/node_modules')
  process.exit(2)
}
const repo = join(fileURLToPath(new URL('.', import.meta.url)), '..')
const { createRequire } = await import('node:module')
const { parseAllDocuments, isMap, isSeq } = createRequire(join(repo, 'packages', 'core', 'package.json'))('yaml')
const depthOf = (n) => { let best = 0; const st = [[n, 0]]; while (st.length) { const [x, d] = st.pop(); if (isMap(x)) { best = Math.max(best, d + 1); for (const p of x.items) st.push([p.key, d + 1], [p.value, d + 1]) } else if (isSeq(x)) { best = Math.max(best, d + 1); for (const i of x.items) st.push([i, d + 1]) } } return best }
const base = await import(pathToFileURL(join(resolve(baseDir), 'yaml.js')).href)
const now = await import(pathToFileURL(join(repo, 'packages', 'core', 'dist', 'yaml.js')).href)
const files = []
const walk = (d) => { for (const e of readdirSync(d)) { if (e === 'node_modules' || e === 'dist' || e === '.git') continue; const p = join(d, e); const s = statSync(p); if (s.isDirectory()) walk(p); else if (/\.ya?ml$/.test(e)) files.push(p) } }
walk(join(repo, 'packages')); walk(join(repo, 'testing'))
if (process.env.GITOPS_SHARED_DIR) walk(join(process.env.GITOPS_SHARED_DIR, 'conformance'))
const texts = files.map((f) => [f, readFileSync(f, 'utf8')])
// Random nesting texts.
let seed = Number(flag('seed', '1'))
const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n }
const atoms = ['[', ']', '{', '}', '[a: ', '{a: ', '? ', '- ', '-\t', ', ', 'x', ': ', '"]]}"', "'[{'", '# ]]}}\n', '\n', '\n  ', '\n    ', '\n---\n', '\n...\n', '\n--- ', '\r', '\t', '|\n  ]]]{{{\n', '&a ', '*a', 'k: ', '"[[', ']]"', '\n- ', '\n  - ']
for (let i = 0; i < Number(flag('count', '5000')); i++) {
  const n = 1 + rnd(120)
  let t = ''
  for (let j = 0; j < n; j++) { const a = atoms[rnd(atoms.length)]; t += rnd(4) === 0 ? a.repeat(1 + rnd(12)) : a }
  texts.push([`random-${i}`, t])
}
// Structured: streams of shallow documents with some deep ones.
for (let i = 0; i < 400; i++) {
  const docs = []
  for (let k = 0; k < 1 + rnd(6); k++) {
    const d = rnd(30)
    const kind = rnd(5)
    if (kind === 0) docs.push(`a: ${'['.repeat(d)}1${']'.repeat(d)}\n`)
    else if (kind === 1) docs.push(`b: "${'}]'.repeat(rnd(40))}"\nc: ${'{k: '.repeat(d)}v${'}'.repeat(d)}\n`)
    else if (kind === 2) docs.push(`${'- '.repeat(d)}x\n`)
    else if (kind === 3) docs.push(`x: [${'[] {} '.repeat(rnd(50))}]\n# ${']]]'.repeat(rnd(10))}\ny: ${'[a: '.repeat(d)}z${']'.repeat(d)}\n`)
    else docs.push(Array.from({ length: d }, (_, j) => `${' '.repeat(j)}k${j}:`).join('\n') + ' v\n')
  }
  texts.push([`stream-${i}`, docs.join(rnd(2) ? '---\n' : '...\n')])
}
function digest(lib, text, options) {
  try {
    const { documents, lineCounter } = lib.parseYamlStream(text, options)
    return JSON.stringify({ lines: lineCounter.lineStarts, docs: documents.map((d) => {
      let js; try { js = d.document.toJS({ maxAliasCount: -1 }) } catch (e) { js = `toJS: ${e.message}` }
      return [d.index, d.document.range, d.document.errors.map((e) => [e.code, e.message, e.pos]), d.document.warnings.map((e) => [e.code, e.message, e.pos]), js, d.document.directives?.docStart, String(d.document.commentBefore), String(d.document.comment)]
    }) })
  } catch (e) {
    return JSON.stringify({ thrown: e.constructor.name, code: e.code, message: e.message, details: e.details })
  }
}
let holes = 0, compared = 0, differ = 0, thrown = 0, tooDeep = 0
for (const [name, text] of texts) {
  for (const options of [{ source: name }, { source: name, uniqueKeys: false, budget: { maxDepth: 3 } }, { source: name, budget: { maxDepth: 10 } }, { source: name, budget: { maxDepth: 2000 } }]) {
    const a = digest(base, text, options)
    const b = digest(now, text, options)
    compared++
    if (a.startsWith('{"thrown"')) thrown++
    if (a.includes('TOO_DEEP')) tooDeep++
    if (a !== b) {
      const nb = JSON.parse(b)
      const limit = Math.min(options.budget?.maxDepth ?? 1000, 512)
      let deepest
      try { deepest = Math.max(0, ...parseAllDocuments(text, { schema: 'failsafe' }).map?.((d) => depthOf(d.contents)) ?? [0]) } catch { deepest = Infinity }
      const oa = JSON.parse(a)
      if (nb.code === 'CORE_YAML_TOO_DEEP' && /: line \d+: nested more than/.test(nb.message) && deepest > limit && (oa.thrown === undefined || oa.code === 'CORE_YAML_TOO_DEEP')) { holes++; continue }
      differ++; if (differ < Number(process.env.SHOW ?? 12)) console.log('DIFFER', name, JSON.stringify(options), JSON.stringify(text).slice(0, 300), '\n old', a.slice(0, 300), '\n new', b.slice(0, 300)) }
  }
}
console.log(`${files.length} files, ${texts.length} texts, ${compared} parses compared, ${thrown} threw (${tooDeep} too deep), ${differ} differ, ${holes} newly refused as too deep (composed depth over the limit) where the scan had missed them`)
if (differ > 0) process.exitCode = 1
