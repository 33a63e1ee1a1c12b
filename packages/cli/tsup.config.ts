import { readFileSync, writeFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { defineConfig } from 'tsup'
import type { Options, Plugin as TsupPlugin } from 'tsup'
import { packageBuild } from '../../tsup.shared.js'

// The gitops command starts once per invocation, so its start-up is paid every time. Measured on
// Node 20 against the ES module build split in chunks: Node's ES module loader costs a fixed few
// milliseconds to start and about half a millisecond per module (URL resolution, package.json
// reads, linking), and `gitops --help` loaded eleven modules, `gitops build` twenty-eight. So the
// command is these CommonJS files:
//  - dist/bin.cjs, a small loader: signal handlers and, on Node 20, a V8 code cache for the two
//    files below (src/codeCache.ts; compiling them was most of what start-up cost);
//  - dist/main.cjs, the cli's own modules with core's errors and logger entries (what every command
//    needs, --help and version nothing more);
//  - dist/build.cjs, the same with the build command alone, which the bin loads for `gitops build`
//    (a one-file build then skips the other commands' definitions: about 10 ms of CPU under load);
//  - dist/template.cjs, the same with the template command alone and @gitops-sdk/helm bundled in
//    (its imports of core go to sdk.cjs), which the bin loads for `gitops template`;
//  - dist/sdk.cjs, core and render, required where the cli's code imports either (by `gitops
//    build` and most other commands, on first use).
// The other packages of the SDK and client-node stay dependencies, required when a command needs
// them. `import()` becomes `require()`, as in every package's CommonJS build, so nothing loads
// the ES module loader. dist/bin.js stays, a one-line ES module that runs bin.cjs, for scripts that
// call that path.

type Plugin = NonNullable<Options['esbuildPlugins']>[number]

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }
const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})])
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')

/**
 * Points the cli's imports of core and render at dist/sdk.cjs, and fails the build when a bundle
 * would require a package the cli does not declare: bundled code of a sibling package resolves its
 * own dependencies from the cli's folder once installed.
 */
const sdkBundle: Plugin = {
  name: 'gitops-sdk-bundle',
  setup(build) {
    const entries = build.initialOptions.entryPoints as Record<string, string> | undefined
    const isSdkBuild = entries?.sdk !== undefined
    // (core's Go and YAML entries too: sdk.cjs exports them, for helm as template.cjs bundles it.)
    if (!isSdkBuild) build.onResolve({ filter: /^@gitops-sdk\/(core|render|core\/go|core\/yaml)$/ }, () => ({ path: './sdk.cjs', external: true }))
    if (entries?.bin !== undefined) {
      build.onResolve({ filter: /^\.\/main\.js$/ }, (args) => (args.importer.endsWith('/src/bin.ts') ? { path: './main.cjs', external: true } : undefined))
      build.onResolve({ filter: /^\.\/buildMain\.js$/ }, (args) => (args.importer.endsWith('/src/bin.ts') ? { path: './build.cjs', external: true } : undefined))
      build.onResolve({ filter: /^\.\/templateMain\.js$/ }, (args) => (args.importer.endsWith('/src/bin.ts') ? { path: './template.cjs', external: true } : undefined))
    }
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isBuiltin(args.path) || args.path.startsWith('@gitops-sdk/core') || args.path.startsWith('@gitops-sdk/render')) return undefined
      if (declared.has(packageOf(args.path))) return undefined
      return { errors: [{ text: `${args.path} (imported by ${args.importer}) is not a dependency of @gitops-sdk/cli: add it to package.json, or the bundled bin fails once installed` }] }
    })
  },
}

/**
 * Modules that sdk.cjs loads only when first used, not when `gitops build` starts: node:crypto
 * (render hashes only for generated ConfigMap and Secret names) and core's built-in OpenAPI table
 * (237 KB of JSON text, read only when a patch or a schema needs it; it is built into its own file,
 * dist/openapi.cjs). Each becomes a CommonJS object whose properties are getters requiring the
 * real module; the bundle reads such properties where they are used, not at load.
 */
const lazyModules: Plugin = {
  name: 'gitops-lazy-modules',
  setup(build) {
    const getters = (names: readonly string[], from: string): string =>
      `module.exports = {\n${names.map((n) => `  get ${n}() { return require(${JSON.stringify(from)})[${JSON.stringify(n)}] },`).join('\n')}\n}\n`
    // What the getters require is the real module, outside the bundle.
    build.onResolve({ filter: /.*/, namespace: 'lazy' }, (args) => ({ path: args.path, external: true }))
    build.onResolve({ filter: /^(node:)?crypto$/ }, () => ({ path: 'node:crypto', namespace: 'lazy' }))
    build.onResolve({ filter: /\/generated\/openapi\.js$/ }, (args) => (args.importer.includes('/core/src/') ? { path: 'openapi', namespace: 'lazy' } : undefined))
    build.onLoad({ filter: /^node:crypto$/, namespace: 'lazy' }, async () => ({ contents: getters(Object.keys(await import('node:crypto')).filter((n) => n !== 'default'), 'node:crypto'), loader: 'js' }))
    build.onLoad({ filter: /^openapi$/, namespace: 'lazy' }, () => ({ contents: getters(['openapiJson'], './openapi.cjs'), loader: 'js' }))
  },
}

/**
 * `import('@gitops-sdk/core')` (and render) in the cli's code become, in a CommonJS bundle,
 * `__toESM(require("./sdk.cjs"), 1)`: esbuild's namespace object, a fresh copy of every export of
 * sdk.cjs as a getter (88 of them) at every such import, three times in a one-file `gitops build`
 * (about 1.5M instructions); the bin imports main.cjs, build.cjs or template.cjs alike. Each is
 * this package's own bundle of ES modules (`__esModule` set, no default export), so its exports
 * object serves as the namespace: the plugin requires it directly, padded to the same length so
 * that the source maps stay exact.
 */
const sdkNamespace: TsupPlugin = {
  name: 'gitops-sdk-namespace',
  renderChunk(code) {
    let out = code
    for (const file of ['sdk', 'main', 'build', 'template']) {
      const from = `__toESM(require("./${file}.cjs"), 1)`
      out = out.replaceAll(from, `(require("./${file}.cjs"))`.padEnd(from.length, ' '))
    }
    return out === code ? undefined : { code: out }
  },
}

const commandBuild = (entry: Record<string, string>, noExternal: string[]): Options => ({
  entry,
  format: ['cjs'],
  outExtension: () => ({ js: '.cjs' }),
  target: 'node20',
  tsconfig: './tsconfig.build.json',
  sourcemap: true,
  clean: false,
  dts: false,
  splitting: false,
  shims: true,
  // Bundled code of the SDK's packages comes from their TypeScript source (the condition they
  // export src/ under), not from the package's own build.
  noExternal,
  esbuildPlugins: [sdkBundle],
  plugins: [sdkNamespace],
  esbuildOptions(options) {
    options.supported = { ...options.supported, 'dynamic-import': false }
    options.conditions = ['@gitops-sdk/source']
  },
})

// core's errors and logger entries are small and every command loads them: bundled into the bin,
// they cost no package resolution (Node resolves a package's "exports" through its ES module
// resolver, even for require). Their classes are then copies beside core's own, as are core's and
// render's in sdk.cjs beside the packages' builds that other packages load; isGitOpsError checks
// a registered symbol, not the class, so errors from any copy are recognised.
// dist/bin.cjs is only what must run before the command's code is compiled: the signal handlers
// and the code cache (codeCache.ts), which then loads dist/main.cjs and dist/sdk.cjs from V8's
// cached data.
const bin: Options = {
  ...commandBuild({ bin: 'src/bin.ts' }, []),
  onSuccess: async () => {
    writeFileSync('dist/bin.js', "#!/usr/bin/env node\n// The gitops command is dist/bin.cjs (see tsup.config.ts); this path runs it too.\nimport './bin.cjs'\n")
  },
}
// (tsup would otherwise rewrite `node:crypto` to an external `crypto` before the plugin sees it.)
const main: Options = {
  // (core's and render's main entries are listed so that the plugin above, not tsup's own
  // externals, decides where they go: to sdk.cjs.)
  ...commandBuild({ main: 'src/main.ts' }, ['@gitops-sdk/core', '@gitops-sdk/render']),
}
// `gitops build ...`: the command line with the build command alone (src/buildMain.ts), so that a
// build does not run the definitions of thirty other commands (help texts, flag tables) nor read
// their compiled code from the cache. The same modules as main.cjs otherwise, core and render again
// from sdk.cjs.
const buildMain: Options = {
  ...commandBuild({ build: 'src/buildMain.ts' }, ['@gitops-sdk/core', '@gitops-sdk/render']),
}
// `gitops template ...`: the command line with the template command alone (src/templateMain.ts)
// and @gitops-sdk/helm bundled from its source, so that the whole command is this file and
// sdk.cjs, both under the code cache, with one copy of core: helm's imports of core (its main, Go
// and YAML entries) go to sdk.cjs like the cli's. (main.cjs requires helm's own build, which
// requires core's own build.) helm's dependencies (yaml, bcryptjs, both required on first use)
// stay outside, resolved from the cli's folder, hence declared in its package.json.
const templateMain: Options = {
  ...commandBuild({ template: 'src/templateMain.ts' }, ['@gitops-sdk/core', '@gitops-sdk/render', '@gitops-sdk/helm']),
}
const sdk: Options = { ...commandBuild({ sdk: 'src/sdkBundle.ts' }, ['@gitops-sdk/core', '@gitops-sdk/render']), esbuildPlugins: [lazyModules, sdkBundle], removeNodeProtocol: false }
const openapi = commandBuild({ openapi: '../core/src/generated/openapi.ts' }, [])

export default defineConfig([...packageBuild({ entry: ['src/index.ts'] }), bin, main, buildMain, templateMain, sdk, openapi])
