import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import { noImportCycle } from './scripts/importCycles.mjs'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**', '**/*.config.ts', '**/src/generated/**', 'vitest.shared.ts', 'tsup.shared.ts', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    plugins: { gitops: { rules: { 'no-import-cycle': noImportCycle } } },
    languageOptions: {
      parserOptions: {
        // `node scripts/run.mjs lint` lints every package in one run over one program (the packages
        // resolve each other to their sources, so a program per package would type the same files
        // many times); `eslint .` inside a package uses that package's tsconfig.json.
        ...(process.env.GITOPS_LINT_WORKSPACE === '1'
          ? { project: ['./tsconfig.workspace.json'] }
          : { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', 'bench/*.mjs'] } }),
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // async functions that never await are how a bad argument becomes a rejection, not a throw.
      '@typescript-eslint/require-await': 'off',
      'max-params': ['error', 3],
      // Past ~300 lines a file usually does more than one thing: split it (STYLE.md).
      'max-lines': ['warn', { max: 300, skipBlankLines: true, skipComments: true }],
      // Static imports, type-only ones included; see scripts/importCycles.mjs.
      'gitops/no-import-cycle': 'error',
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/internal/*', '!./internal/*', '!../internal/*', '!./*', '!../*'], message: 'Never import another package\'s internal/.' },
            { group: ['@gitops-sdk/*/src/*', '../../*/src/*', '../../../*/src/*'], message: 'Import sibling packages by name, never their src/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', '**/*.test-d.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      'max-params': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
  {
    files: ['packages/cli/src/**/*.ts', 'bench/**', 'examples/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
)
