import { defineConfig } from 'tsup'
import type { Options } from 'tsup'

/**
 * The build of every package: its entries to ESM (and CJS where its dependencies allow) with
 * declarations, from its own sources only (tsconfig.build.json).
 */
export function packageBuild(options: { entry: string[]; cjs: boolean }): Options | Options[] {
  return defineConfig({
    entry: options.entry,
    format: options.cjs ? ['esm', 'cjs'] : ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    tsconfig: './tsconfig.build.json',
  }) as Options
}
