#!/usr/bin/env node
// The API reference of every published package, built by TypeDoc into docs/api/ (git-ignored).
// Entry points come from each package's `exports` (the `@gitops-sdk/source` condition names the
// TypeScript file of every subpath), so a new package or subpath is covered without editing this
// file. Any TypeDoc warning fails the run: an export without TSDoc (the members of exported
// interfaces, type literals, classes and enums included), a broken {@link}, or a type used by an
// export that no entry point exports. The run ends with the undocumented symbols grouped by file.
// `node scripts/docs.mjs` writes the HTML; `--check` only converts and validates (what
// `npm test` runs).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Application } from 'typedoc'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const check = process.argv.includes('--check')

/** Entry file → module name shown in the reference (`@gitops-sdk/git-source/testing`). */
function entryPoints() {
  const entries = new Map()
  const packagesDir = join(root, 'packages')
  for (const dir of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, dir, 'package.json')
    if (!existsSync(manifestPath)) continue
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
    if (manifest.private === true || typeof manifest.exports !== 'object') continue
    for (const [subpath, conditions] of Object.entries(manifest.exports)) {
      const source = typeof conditions === 'object' ? conditions['@gitops-sdk/source'] : undefined
      if (typeof source !== 'string') continue
      entries.set(join(packagesDir, dir, source), subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`)
    }
  }
  return entries
}

const entries = entryPoints()
// TypeDoc names a module after its path from displayBasePath, as below; the map gives it its
// package name instead.
const moduleNames = new Map(
  [...entries].map(([file, name]) => [relative(root, file).replace(/(\/index)?\.[cm]?tsx?$/, ''), name]),
)

const app = await Application.bootstrapWithPlugins({
  name: 'gitops-sdk',
  entryPoints: [...entries.keys()],
  entryPointStrategy: 'resolve',
  tsconfig: join(root, 'tsconfig.docs.json'),
  displayBasePath: root,
  out: join(root, 'docs', 'api'),
  readme: 'none',
  excludePrivate: true,
  excludeInternal: true,
  // Without it TypeDoc asks for documentation only in the root package, which exports nothing.
  packagesRequiringDocumentation: [...new Set(entries.values())].filter((name) => name.split('/').length === 2),
  validation: { notExported: true, invalidLink: true, notDocumented: true, rewrittenLink: true },
  // Every exported symbol needs TSDoc, and so does every member a user reads: option and result
  // fields, the fields of each variant of a union, class properties and methods, enum members.
  requiredToBeDocumented: ['Enum', 'EnumMember', 'Variable', 'Function', 'Class', 'Interface', 'Property', 'Method', 'Accessor', 'TypeAlias', 'Namespace'],
  logLevel: 'Warn',
  githubPages: false,
  disableSources: true,
})

// TypeDoc's own line names the symbol and the file declaring it; they are also gathered here, by
// file, for a summary at the end (a long run prints them far apart).
const undocumented = new Map()
const log = app.logger.log.bind(app.logger)
app.logger.log = (message, level) => {
  const found = /(@\S+) \((\w+)\), defined in (\S+), does not have any documentation/.exec(String(message))
  if (found !== null) {
    const [, symbol, kind, file] = found
    const path = file.replace(/^@gitops-sdk\/([^/]+)\//, 'packages/$1/')
    const list = undocumented.get(path) ?? new Set()
    list.add(`${symbol.replace(/^@gitops-sdk\/[^.]+\./, '').replaceAll('.__type', '')} (${kind})`)
    undocumented.set(path, list)
  }
  log(message, level)
}

const project = await app.convert()
if (project === undefined) {
  process.stderr.write('docs: TypeDoc could not convert the packages\n')
  process.exit(1)
}
for (const child of project.children ?? []) {
  const name = moduleNames.get(child.name)
  if (name !== undefined) child.name = name
}
app.validate(project)
if (!check && app.logger.hasErrors() === false) await app.generateOutputs(project)
const warnings = app.logger.warningCount
const errors = app.logger.errorCount
if (undocumented.size > 0) {
  const count = [...undocumented.values()].reduce((n, list) => n + list.size, 0)
  process.stderr.write(`\ndocs: ${count} exported symbols without TSDoc (a /** … */ above each, saying what it is; @defaultValue for defaults):\n`)
  for (const [file, list] of [...undocumented].sort(([a], [b]) => (a < b ? -1 : 1))) {
    process.stderr.write(`  ${file}\n${[...list].sort().map((line) => `    ${line}\n`).join('')}`)
  }
}
if (warnings + errors > 0) {
  process.stderr.write(`docs: ${errors} errors and ${warnings} warnings from TypeDoc over ${entries.size} entry points\n`)
  process.exit(1)
}
process.stderr.write(`docs: ${entries.size} entry points, no warnings${check ? '' : `; written to ${relative(process.cwd(), join(root, 'docs', 'api'))}`}\n`)
