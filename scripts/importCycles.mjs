#!/usr/bin/env node
// Import cycles inside each workspace package: a module graph with a cycle loads in an order that
// depends on which file is imported first, and type-only cycles hide the same tangle from readers.
// Static imports and re-exports count, `import type` included; dynamic `import()` does not (it
// is how a command defers loading, and runs after every module has finished evaluating).
// Used by ESLint (rule `gitops/no-import-cycle` in eslint.config.js) and runnable alone:
// `node scripts/importCycles.mjs [packageDir…]` prints every cycle and exits 1 when there is one.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SKIP = new Set(['node_modules', 'dist', 'coverage', '.turbo', '.vitest', 'generated'])
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) sourceFiles(path, out)
    else if (/\.(?:ts|mts|cts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

/** The file a relative specifier names: `./x.js` is `./x.ts` in the sources, `./dir` its index. */
function resolveSpecifier(from, specifier) {
  const base = resolve(dirname(from), specifier)
  const stem = base.replace(/\.(?:m|c)?js$/, '')
  for (const candidate of [base, `${stem}.ts`, `${stem}.mts`, `${stem}.cts`, `${stem}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return undefined
}

/** The import graph of the package in `dir`: file → files it imports statically. */
export function importGraph(dir) {
  const graph = new Map()
  for (const file of sourceFiles(dir)) {
    // Comments could hold example imports; strip block comments and line comments first.
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
    const edges = new Set()
    for (const match of text.matchAll(STATIC_IMPORT)) {
      const target = resolveSpecifier(file, match[1])
      if (target !== undefined) edges.add(target)
    }
    graph.set(file, edges)
  }
  return graph
}

/** Every cycle of the graph, one per strongly connected component, each as a closed path of files. */
export function findCycles(graph) {
  // Tarjan's strongly connected components, iterative so deep graphs cannot overflow the stack.
  let index = 0
  const indices = new Map()
  const lowlinks = new Map()
  const onStack = new Set()
  const stack = []
  const components = []
  for (const start of graph.keys()) {
    if (indices.has(start)) continue
    const work = [[start, [...(graph.get(start) ?? [])], 0]]
    indices.set(start, index)
    lowlinks.set(start, index++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const frame = work[work.length - 1]
      const [node, edges] = frame
      if (frame[2] < edges.length) {
        const next = edges[frame[2]++]
        if (!graph.has(next)) continue
        if (!indices.has(next)) {
          indices.set(next, index)
          lowlinks.set(next, index++)
          stack.push(next)
          onStack.add(next)
          work.push([next, [...(graph.get(next) ?? [])], 0])
        } else if (onStack.has(next)) {
          lowlinks.set(node, Math.min(lowlinks.get(node), indices.get(next)))
        }
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1][0]
        lowlinks.set(parent, Math.min(lowlinks.get(parent), lowlinks.get(node)))
      }
      if (lowlinks.get(node) === indices.get(node)) {
        const component = []
        let member
        do {
          member = stack.pop()
          onStack.delete(member)
          component.push(member)
        } while (member !== node)
        if (component.length > 1 || graph.get(node)?.has(node)) components.push(component)
      }
    }
  }
  return components.map((component) => cyclePath(graph, component))
}

/** A shortest closed path through the component, starting at its first file in sorted order. */
function cyclePath(graph, component) {
  const members = new Set(component)
  const start = [...component].sort()[0]
  const previous = new Map([[start, undefined]])
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift()
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const path = [start]
        for (let at = node; at !== start; at = previous.get(at)) path.splice(1, 0, at)
        return [...path, start]
      }
      if (members.has(next) && !previous.has(next)) {
        previous.set(next, node)
        queue.push(next)
      }
    }
  }
  return [start, start]
}

const cache = new Map()

/** The cycles of the package whose root is `dir`, computed once per process. */
export function packageCycles(dir) {
  let cycles = cache.get(dir)
  if (cycles === undefined) {
    cycles = findCycles(importGraph(dir))
    cache.set(dir, cycles)
  }
  return cycles
}

/** The root of the workspace package holding `file`: its nearest folder with a package.json. */
export function packageRootOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
  }
  return undefined
}

/** ESLint rule: reports each static import that closes a cycle of its package. */
export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow import cycles between the modules of one package (type-only imports included).' },
    schema: [],
    messages: { cycle: 'Import cycle: {{path}}' },
  },
  create(context) {
    const file = context.filename
    const root = packageRootOf(file)
    if (root === undefined) return {}
    const cycles = packageCycles(root).filter((cycle) => cycle.includes(file))
    if (cycles.length === 0) return {}
    const report = (node) => {
      if (typeof node.source?.value !== 'string' || !node.source.value.startsWith('.')) return
      const target = resolveSpecifier(file, node.source.value)
      for (const cycle of cycles) {
        const at = cycle.indexOf(file)
        if (target !== undefined && cycle[at + 1] === target) {
          context.report({ node, messageId: 'cycle', data: { path: cycle.map((f) => relative(root, f)).join(' → ') } })
        }
      }
    }
    return { ImportDeclaration: report, ExportNamedDeclaration: report, ExportAllDeclaration: report }
  },
}

function workspacePackages(root) {
  const globs = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')
    .split('\n')
    .map((line) => /^\s+-\s+['"]?([^'"\s]+)['"]?\s*$/.exec(line)?.[1])
    .filter((glob) => glob !== undefined)
  return globs.flatMap((glob) => {
    if (!glob.endsWith('/*')) return [join(root, glob)]
    const parent = join(root, glob.slice(0, -2))
    return readdirSync(parent).map((name) => join(parent, name))
  }).filter((dir) => existsSync(join(dir, 'package.json')))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => resolve(d)) : workspacePackages(root)
  let found = 0
  for (const dir of dirs) {
    for (const cycle of packageCycles(dir)) {
      found++
      process.stderr.write(`${relative(root, dir)}: import cycle: ${cycle.map((f) => relative(dir, f)).join(' → ')}\n`)
    }
  }
  if (found > 0) process.exit(1)
}
