// Core's main entry (its YAML engine, object model and OpenAPI table), loaded the first time a
// decrypt of manifests, rendered objects or kustomization inputs needs it: `decrypt` of one file
// never does. The literal `import('@gitops-sdk/core')` is what this package's CommonJS build turns
// into a `require` (tsup.requireSdk.config.ts), so that both builds share core's classes.
import type * as Core from '@gitops-sdk/core'

let loading: Promise<typeof Core> | undefined

/** Core's main entry, imported once. */
export function coreMain(): Promise<typeof Core> {
  loading ??= import('@gitops-sdk/core')
  return loading
}
