import { rmSync } from 'node:fs'
import { defineConfig } from 'tsup'
import type { Options } from 'tsup'

/**
 * The build of every package, from its own sources only (tsconfig.build.json): its library entries
 * to ESM and CommonJS, each with its declarations, so `require()` works for users whose project is
 * CommonJS; its executables (`src/bin.ts`) to ESM only, since a command may await at top level.
 * `cjs` is accepted for older configs and ignored: every package ships both formats.
 */
export function packageBuild(options: { entry: string[]; cjs?: boolean }): Options[] {
  const isBin = (file: string): boolean => /(^|\/)bin\.ts$/.test(file)
  const common: Options = {
    sourcemap: true,
    target: 'node20',
    tsconfig: './tsconfig.build.json',
    // The two builds below run at once, so neither may clean: dist/ is emptied here, before both.
    clean: false,
    // `import.meta.url` has no meaning in CommonJS: the shim gives the CJS build the file URL of the
    // module itself (and `__filename`/`__dirname` to the ESM build), so code such as
    // `createRequire(import.meta.url)` works in both formats.
    shims: true,
  }
  rmSync('dist', { recursive: true, force: true })
  const library = options.entry.filter((file) => !isBin(file))
  const bins = options.entry.filter(isBin)
  // Splitting: entries of one package share their modules in chunks, so a class reached through two
  // entries (core's main entry and `core/errors`) is one class under `require` too, and `instanceof`
  // holds across them. A package with one library entry has nothing to share and builds without it:
  // with splitting, tsup converts the ES module build to CommonJS through sucrase, which rewrites
  // every `?.` and `??` into a helper call with a closure, a measurable cost in hot paths of the
  // CommonJS builds that the `gitops` command loads. (One build of both formats, so the declarations
  // are generated once.)
  const builds: Options[] = [{ ...common, entry: library, format: ['esm', 'cjs'], dts: true, splitting: library.length > 1 }]
  if (bins.length > 0) builds.push({ ...common, entry: bins, format: ['esm'], dts: false })
  return defineConfig(builds) as Options[]
}
