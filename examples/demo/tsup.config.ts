import { defineConfig } from 'tsup'

// A script, not a library: one ESM entry, no declarations.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  clean: true,
  sourcemap: true,
  target: 'node20',
})
