import { defaultServerConditions } from 'vite'
import type { UserWorkspaceConfig } from 'vitest/config'

/**
 * The vitest project every package uses. Sibling packages resolve to their TypeScript sources through
 * the `@gitops-sdk/source` export condition, so a test never runs against a stale `dist/`.
 */
export function sharedProject(dir: string): UserWorkspaceConfig {
  const conditions = ['@gitops-sdk/source', ...defaultServerConditions]
  return {
    root: dir,
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  }
}
