#!/usr/bin/env node
// The API reference of every published package, built by TypeDoc into docs/api/ (git-ignored).
// Entry points come from each package's `exports` (the `@gitops-sdk/source` condition names the
// TypeScript file of every subpath), so a new package or subpath is covered without editing this
// file. Any TypeDoc warning fails the run: an export without TSDoc, a broken {@link}, or a type
// used by an export that no entry point exports.
// `node scripts/docs.mjs` writes the HTML; `--check` only converts and validates; `--members` also
// asks for TSDoc on every member (interface fields, class properties, methods).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Application } from 'typedoc'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const check = process.argv.includes('--check')
const members = process.argv.includes('--members')

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
  // Every exported symbol needs TSDoc. Members (option fields, methods) are checked with
  // --members: many still lack it, and they are listed for follow-up rather than failing the run.
  requiredToBeDocumented: members
    ? ['Enum', 'EnumMember', 'Variable', 'Function', 'Class', 'Interface', 'Property', 'Method', 'Accessor', 'TypeAlias']
    : ['Enum', 'Variable', 'Function', 'Class', 'Interface', 'TypeAlias', 'Namespace'],
  logLevel: 'Warn',
  githubPages: false,
  disableSources: true,
})

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
if (warnings + errors > 0) {
  process.stderr.write(`docs: ${errors} errors and ${warnings} warnings from TypeDoc over ${entries.size} entry points\n`)
  process.exit(1)
}
process.stderr.write(`docs: ${entries.size} entry points, no warnings${check ? '' : `; written to ${relative(process.cwd(), join(root, 'docs', 'api'))}`}\n`)
