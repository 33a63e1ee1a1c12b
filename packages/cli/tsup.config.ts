import { writeFileSync } from 'node:fs'
import { defineConfig } from 'tsup'
import type { Options } from 'tsup'
import { packageBuild } from '../../tsup.shared.js'

// The gitops command starts once per invocation, so its start-up is paid every time: the bin is
// one CommonJS file, dist/bin.cjs, holding the cli's own modules (the sibling packages and
// client-node stay dependencies, required when a command needs them). Measured on Node 20 against
// the ES module build split in chunks: Node's ES module loader costs a fixed few milliseconds
// to start and about half a millisecond per module (URL resolution, package.json reads, linking),
// and `gitops --help` loaded eleven of them. `import()` in the cli's code becomes `require()`, as
// in every package's CommonJS build, so a command loads the CommonJS builds of the packages it uses
// and the process holds one copy of core. dist/bin.js stays, a one-line ES module that runs
// bin.cjs, for scripts that call that path.
const bin: Options = {
  entry: { bin: 'src/bin.ts' },
  format: ['cjs'],
  outExtension: () => ({ js: '.cjs' }),
  target: 'node20',
  tsconfig: './tsconfig.build.json',
  sourcemap: true,
  clean: false,
  dts: false,
  splitting: false,
  shims: true,
  // core's errors and logger entries are small and every command loads them: bundled, they cost no
  // package resolution (Node resolves a package's "exports" through its ES module resolver, even
  // for require). Their classes are then a second copy beside core's own; isGitOpsError checks a
  // registered symbol, not the class, so errors from either copy are recognised.
  noExternal: ['@gitops-sdk/core/errors', '@gitops-sdk/core/logger'],
  esbuildOptions(options) {
    options.supported = { ...options.supported, 'dynamic-import': false }
    // What is bundled comes from its TypeScript source (the condition the workspace's packages
    // export their src/ under), not from the package's own build.
    options.conditions = ['@gitops-sdk/source']
  },
  onSuccess: async () => {
    writeFileSync('dist/bin.js', "#!/usr/bin/env node\n// The gitops command is dist/bin.cjs (see tsup.config.ts); this path runs it too.\nimport './bin.cjs'\n")
  },
}

export default defineConfig([...packageBuild({ entry: ['src/index.ts'] }), bin])
